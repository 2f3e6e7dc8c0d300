import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { attachmentFileUrl, api } from '../../api/endpoints';
import type { Conversation, ConversationPatch, Id, Message } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { Avatar } from '../../components/Layout';
import { formatTimestamp, locale, microsToDate, t } from '../../i18n';
import { subscribeWorkspace } from '../../lib/realtime';
import { Composer } from './Composer';
import {
  attachmentsOf,
  isInlineImage,
  mergeMessages,
  parseLocalDateTime,
  sameId,
  snoozeUntil,
  tickFor,
  type SnoozePreset,
  type Tick,
} from './logic';
import { ChannelIcon, contactName, formatSize, inboxOf, isMissing, memberName, type InboxContext } from './shared';

interface Props {
  ctx: InboxContext;
  conversation: Conversation;
  onChange: (c: Conversation) => void;
  focusComposer: { mode: 'reply' | 'note'; n: number } | null;
  resolveRef: { current: (() => void) | null };
  contactOpen: boolean;
  onToggleContact: () => void;
  onBack: () => void;
}

export function ConversationView({ ctx, conversation: c, onChange, focusComposer, resolveRef, contactOpen, onToggleContact, onBack }: Props) {
  locale.use();
  const wsId = ctx.workspaceId;
  const [messages, setMessages] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [typing, setTyping] = useState(false);
  const [quote, setQuote] = useState<Message | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const restoreFrom = useRef<number | null>(null);
  const firstPage = useRef(true);
  const name = contactName(c, ctx.contacts);
  const inbox = inboxOf(ctx, c.inbox_id);

  const loadPage = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.listMessages(wsId, c.id, from);
        if (from && scroller.current) restoreFrom.current = scroller.current.scrollHeight - scroller.current.scrollTop;
        // Merged, not replaced: a re-read after a reconnect keeps the older pages already shown.
        setMessages((list) => mergeMessages(list, page.data));
        if (from || firstPage.current) setCursor(page.next_cursor || null);
        firstPage.current = false;
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [wsId, c.id],
  );

  useEffect(() => {
    void loadPage(null);
  }, [loadPage]);

  // Live: this conversation's messages and the customer's typing.
  useEffect(() => {
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribeWorkspace(wsId, (e) => {
      const d = e.data as Record<string, unknown>;
      if (e.event === 'resync') {
        void loadPage(null);
        return;
      }
      if ((e.event === 'message.created' || e.event === 'message.updated') && sameId(d.conversation_id as Id, c.id)) {
        const m = d as unknown as Message;
        setMessages((list) => mergeMessages(list, [m]));
        if (m.direction === 'incoming') setTyping(false);
      } else if (
        (e.event === 'conversation.typing_on' || e.event === 'conversation.typing_off') &&
        sameId(d.conversation_id as Id, c.id) &&
        d.sender_kind === 'contact'
      ) {
        const on = e.event === 'conversation.typing_on';
        setTyping(on);
        clearTimeout(typingTimer);
        if (on) typingTimer = setTimeout(() => setTyping(false), 15_000);
      }
    });
    return () => {
      clearTimeout(typingTimer);
      off();
    };
  }, [wsId, c.id, loadPage]);

  // Scrolling: stay at the bottom for new messages; keep the view still when older ones load.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (restoreFrom.current !== null) {
      el.scrollTop = el.scrollHeight - restoreFrom.current;
      restoreFrom.current = null;
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [messages, typing]);

  // A resized pane (window, drawer, composer) or thread (an image that loaded) keeps the newest
  // message in view.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(() => {
      if (stickToBottom.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(el);
    const thread = el.querySelector('.ib-thread');
    if (thread) ro.observe(thread);
    return () => ro.disconnect();
  }, []);

  // Infinite scroll upwards.
  useEffect(() => {
    const el = topSentinel.current;
    if (!el || !cursor || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !loading) void loadPage(cursor);
      },
      { root: scroller.current, rootMargin: '200px 0px 0px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [cursor, loading, loadPage]);

  const patch = async (body: ConversationPatch) => {
    setActionError(null);
    try {
      const r = await api.updateConversation(wsId, c.id, body);
      onChange({ ...c, ...r.conversation });
    } catch (err) {
      if (isMissing(err)) ctx.markMissing('status');
      else setActionError(err);
    }
  };

  const assign = async (body: { assignee_id?: Id | null; team_id?: Id | null }) => {
    setActionError(null);
    try {
      const r = await api.updateConversation(wsId, c.id, body);
      onChange({ ...c, ...body, ...r.conversation });
    } catch (err) {
      if (isMissing(err)) ctx.markMissing('assign');
      else setActionError(err);
    }
  };

  const changeLabel = async (name: string, add: boolean) => {
    setActionError(null);
    try {
      const r = add
        ? await api.addConversationLabels(wsId, c.id, [name])
        : await api.removeConversationLabel(wsId, c.id, name);
      onChange({ ...c, labels: r.labels });
    } catch (err) {
      if (isMissing(err)) ctx.markMissing('labels');
      else setActionError(err);
    }
  };

  const resolved = c.status === 'resolved';
  resolveRef.current = ctx.missing.has('status') ? null : () => void patch({ status: resolved ? 'open' : 'resolved' });

  const byId = new Map(messages.map((m) => [String(m.id), m]));
  let lastDay = '';

  return (
    <div class="ib-conversation" data-conversation-status={c.status}>
      <header class="ib-conv-head">
        <button type="button" class="btn btn-icon btn-ghost ib-back" aria-label={t('inbox.back')} onClick={onBack}>
          <Icon name="chevron" size={18} class="ib-back-icon" />
        </button>
        <Avatar name={name} />
        <div class="ib-conv-title">
          <h2>
            <bdi dir="auto">{name}</bdi>
          </h2>
          <p class="muted small">
            <ChannelIcon kind={inbox?.channel_kind ?? c.channel_kind} size={12} /> {inbox ? <bdi dir="auto">{inbox.name}</bdi> : null}
            {' · '}
            <span class={`ib-status ib-status-${c.status}`}>{t(`inbox.status.${c.status}` as 'inbox.status.open')}</span>
            {c.status === 'snoozed' && c.snoozed_until ? (
              <span>
                {' '}
                {t('inbox.snoozedUntil', { time: formatTimestamp(c.snoozed_until) })}
              </span>
            ) : null}
          </p>
        </div>
        <div class="ib-conv-actions">
          {ctx.missing.has('status') ? null : (
            <>
              <button
                type="button"
                class={`btn btn-sm ${resolved ? 'btn-secondary' : 'btn-primary'}`}
                aria-keyshortcuts="e"
                onClick={() => void patch({ status: resolved ? 'open' : 'resolved' })}
              >
                <Icon name={resolved ? 'reopen' : 'check'} size={16} />
                <span>{resolved ? t('inbox.action.reopen') : t('inbox.action.resolve')}</span>
              </button>
              <StatusMenu status={c.status} onPatch={patch} />
            </>
          )}
          <button
            type="button"
            class="btn btn-icon btn-ghost"
            aria-pressed={contactOpen}
            aria-label={t('inbox.contact.toggle')}
            title={t('inbox.contact.toggle')}
            onClick={onToggleContact}
          >
            <Icon name="sidebar" size={18} />
          </button>
        </div>
      </header>
      <div class="ib-conv-tools">
        {ctx.missing.has('assign') ? null : (
          <>
            <label class="ib-tool">
              <span>{t('inbox.assignee')}</span>
              <select
                value={c.assignee_id === null || c.assignee_id === undefined ? '' : String(c.assignee_id)}
                onChange={(e) => void assign({ assignee_id: e.currentTarget.value ? Number(e.currentTarget.value) || e.currentTarget.value : null })}
              >
                <option value="">{t('inbox.unassigned')}</option>
                {ctx.members.map((m) => (
                  <option key={String(m.user_id)} value={String(m.user_id)}>
                    {m.name}
                    {ctx.me && sameId(ctx.me.id, m.user_id) ? ` (${t('common.you')})` : ''}
                  </option>
                ))}
              </select>
            </label>
            {ctx.teams.length > 0 && !ctx.missing.has('teams') ? (
              <label class="ib-tool">
                <span>{t('inbox.team')}</span>
                <select
                  value={c.team_id === null || c.team_id === undefined ? '' : String(c.team_id)}
                  onChange={(e) => void assign({ team_id: e.currentTarget.value ? Number(e.currentTarget.value) || e.currentTarget.value : null })}
                >
                  <option value="">{t('inbox.noTeam')}</option>
                  {ctx.teams.map((tm) => (
                    <option key={String(tm.id)} value={String(tm.id)}>
                      {tm.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </>
        )}
        {ctx.missing.has('priority') || ctx.missing.has('status') ? null : (
          <label class="ib-tool">
            <span>{t('inbox.priority')}</span>
            <select
              value={c.priority ?? 'none'}
              onChange={async (e) => {
                const priority = e.currentTarget.value;
                setActionError(null);
                try {
                  const r = await api.updateConversation(wsId, c.id, { priority });
                  onChange({ ...c, priority, ...r.conversation });
                } catch (err) {
                  if (isMissing(err)) ctx.markMissing('priority');
                  else setActionError(err);
                }
              }}
            >
              {(['none', 'low', 'medium', 'high', 'urgent'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(`inbox.priority.${p}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        {ctx.missing.has('labels') ? null : <LabelsEditor ctx={ctx} value={c.labels ?? []} onChange={(name, add) => void changeLabel(name, add)} />}
      </div>
      <ErrorAlert error={actionError} />
      <div class="ib-messages" ref={scroller} onScroll={(e) => {
        const el = e.currentTarget;
        stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }} aria-busy={loading}>
        <div ref={topSentinel} class="ib-sentinel" />
        {cursor ? (
          <div class="ib-older">
            <button type="button" class="btn btn-link btn-sm" disabled={loading} onClick={() => void loadPage(cursor)}>
              {loading ? t('common.loading') : t('inbox.olderMessages')}
            </button>
          </div>
        ) : null}
        <ErrorAlert error={error}>
          <button type="button" class="btn btn-link" onClick={() => void loadPage(null)}>
            {t('common.retry')}
          </button>
        </ErrorAlert>
        <ol class="ib-thread" aria-label={t('inbox.messages')}>
          {messages.map((m) => {
            const day = microsToDate(m.created_at).toDateString();
            const divider = day !== lastDay;
            lastDay = day;
            return [
              divider ? (
                <li key={`d-${day}`} class="ib-day" aria-hidden="true">
                  <span>{new Intl.DateTimeFormat(locale.get(), { dateStyle: 'medium' }).format(microsToDate(m.created_at))}</span>
                </li>
              ) : null,
              <Bubble key={String(m.id)} ctx={ctx} m={m} quoted={m.reply_to_id ? byId.get(String(m.reply_to_id)) ?? null : null} onReply={() => setQuote(m)} />,
            ];
          })}
        </ol>
        {typing ? (
          <p class="ib-typing" role="status">
            {t('inbox.typing', { name })}
          </p>
        ) : null}
      </div>
      <Composer
        ctx={ctx}
        conversation={c}
        quote={quote}
        onClearQuote={() => setQuote(null)}
        onSent={(m) => {
          stickToBottom.current = true;
          setQuote(null);
          setMessages((list) => mergeMessages(list, [m]));
        }}
        focusRequest={focusComposer}
      />
    </div>
  );
}

function StatusMenu({ status, onPatch }: { status: string; onPatch: (p: ConversationPatch) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState('');
  const [customError, setCustomError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return undefined;
    const close = (e: Event) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        ref.current?.querySelector<HTMLElement>('button')?.focus();
      }
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const snooze = (until: Date) => {
    setOpen(false);
    void onPatch({ status: 'snoozed', snoozed_until: until.getTime() * 1000 });
  };
  const presets: SnoozePreset[] = ['oneHour', 'threeHours', 'tomorrow', 'nextWeek'];
  return (
    <div class="ib-menu" ref={ref}>
      <button type="button" class="btn btn-sm btn-secondary" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        <Icon name="moon" size={16} />
        <span>{t('inbox.action.more')}</span>
      </button>
      {open ? (
        <div class="ib-popover" role="group" aria-label={t('inbox.action.more')}>
          {status !== 'pending' ? (
            <button type="button" class="ib-menu-item" onClick={() => { setOpen(false); void onPatch({ status: 'pending' }); }}>
              {t('inbox.action.pending')}
            </button>
          ) : null}
          {status !== 'open' ? (
            <button type="button" class="ib-menu-item" onClick={() => { setOpen(false); void onPatch({ status: 'open' }); }}>
              {t('inbox.action.reopen')}
            </button>
          ) : null}
          <p class="ib-menu-heading">{t('inbox.snooze')}</p>
          {presets.map((p) => {
            const until = snoozeUntil(p, new Date());
            return (
              <button key={p} type="button" class="ib-menu-item" onClick={() => snooze(until)}>
                <span>{t(`inbox.snooze.${p}`)}</span>
                <span class="muted small">{new Intl.DateTimeFormat(locale.get(), { weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(until)}</span>
              </button>
            );
          })}
          <form
            class="ib-snooze-custom"
            onSubmit={(e) => {
              e.preventDefault();
              const until = parseLocalDateTime(custom, new Date());
              if (!until) {
                setCustomError(t('inbox.snooze.invalid'));
                return;
              }
              setCustomError(null);
              snooze(until);
            }}
          >
            <label for="ib-snooze-at">{t('inbox.snooze.custom')}</label>
            <input
              id="ib-snooze-at"
              type="datetime-local"
              value={custom}
              aria-invalid={customError ? 'true' : undefined}
              aria-describedby={customError ? 'ib-snooze-err' : undefined}
              onInput={(e) => setCustom(e.currentTarget.value)}
            />
            {customError ? (
              <p id="ib-snooze-err" class="field-error">
                {customError}
              </p>
            ) : null}
            <button type="submit" class="btn btn-sm btn-secondary">
              {t('inbox.snooze.submit')}
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}

function LabelsEditor({ ctx, value, onChange }: { ctx: InboxContext; value: string[]; onChange: (name: string, add: boolean) => void }) {
  const available = ctx.labels.filter((l) => !value.includes(l.name));
  if (ctx.labels.length === 0 && value.length === 0) return null;
  return (
    <div class="ib-tool ib-labels">
      <span>{t('inbox.labels')}</span>
      <ul class="ib-chips">
        {value.map((l) => {
          const color = ctx.labels.find((x) => x.name === l)?.color;
          return (
            <li key={l} class="ib-label-chip" style={color ? { borderInlineStartColor: color } : undefined}>
              <bdi dir="auto">{l}</bdi>
              <button type="button" class="ib-chip-x" aria-label={t('inbox.removeLabel', { label: l })} onClick={() => onChange(l, false)}>
                <Icon name="close" size={12} />
              </button>
            </li>
          );
        })}
      </ul>
      {available.length ? (
        <select
          aria-label={t('inbox.addLabel')}
          value=""
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v) onChange(v, true);
          }}
        >
          <option value="">{t('inbox.addLabel')}</option>
          {available.map((l) => (
            <option key={String(l.id)} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
      ) : null}
    </div>
  );
}

const TICK_ICON: Record<Exclude<Tick, 'none'>, 'clock' | 'check' | 'checks' | 'alert'> = {
  pending: 'clock',
  sent: 'check',
  delivered: 'checks',
  read: 'checks',
  failed: 'alert',
};

function Bubble({ ctx, m, quoted, onReply }: { ctx: InboxContext; m: Message; quoted: Message | null; onReply: () => void }) {
  const side = m.private ? 'note' : m.direction === 'incoming' ? 'in' : 'out';
  const tick = tickFor(m);
  const files = attachmentsOf(m);
  const sender =
    m.direction === 'outgoing'
      ? m.sender_kind === 'bot'
        ? t('inbox.sender.bot')
        : m.sender_kind === 'system'
          ? t('inbox.sender.system')
          : memberName(ctx, m.sender_id)
      : null;
  const template = m.content_attributes && typeof m.content_attributes.template === 'object' ? (m.content_attributes.template as { name?: string }) : null;
  return (
    <li class={`ib-msg ib-${side}`} data-message-id={String(m.id)} data-status={m.status} data-tick={tick}>
      <div class="ib-bubble">
        {m.private ? <p class="ib-note-tag">{t('inbox.privateNote')}</p> : null}
        {m.reply_to_id ? (
          <blockquote class="ib-quote">
            {quoted ? <bdi dir="auto">{quoted.content || quoted.content_type}</bdi> : <span class="muted">{t('inbox.quotedUnavailable')}</span>}
          </blockquote>
        ) : null}
        {files.map((a) =>
          isInlineImage(a) ? (
            <a key={String(a.id)} class="ib-image" href={attachmentFileUrl(ctx.workspaceId, a.id)} target="_blank" rel="noopener">
              <img src={attachmentFileUrl(ctx.workspaceId, a.id)} alt={a.file_name || t('inbox.image')} loading="lazy" />
            </a>
          ) : (
            <a key={String(a.id)} class="ib-file" href={attachmentFileUrl(ctx.workspaceId, a.id)} download={a.file_name || true}>
              <Icon name="download" size={16} />
              <bdi dir="auto">{a.file_name || t('inbox.preview.attachment')}</bdi>
              <span class="muted small">{formatSize(a.size_bytes)}</span>
            </a>
          ),
        )}
        {template && !m.content ? <p class="ib-text muted">{t('inbox.templateMessage', { name: template.name ?? '' })}</p> : null}
        {m.content ? (
          <p class="ib-text" dir="auto">
            {m.content}
          </p>
        ) : null}
        <p class="ib-meta">
          {sender ? <bdi dir="auto" class="ib-sender">{sender}</bdi> : null}
          <time dateTime={microsToDate(m.created_at).toISOString()} title={formatTimestamp(m.created_at)}>
            {new Intl.DateTimeFormat(locale.get(), { hour: 'numeric', minute: '2-digit' }).format(microsToDate(m.created_at))}
          </time>
          {tick !== 'none' ? (
            <span class={`ib-tick ib-tick-${tick}`} title={t(`inbox.tick.${tick}`)}>
              <Icon name={TICK_ICON[tick]} size={14} />
              <span class="visually-hidden">{t(`inbox.tick.${tick}`)}</span>
            </span>
          ) : null}
        </p>
        {tick === 'failed' ? (
          <p class="ib-failed" role="note">
            <bdi dir="auto">{m.error_message || t('inbox.tick.failed')}</bdi>
            {m.error_code ? <span class="muted small" dir="ltr"> ({m.error_code})</span> : null}
          </p>
        ) : null}
      </div>
      <button type="button" class="btn btn-icon btn-ghost ib-reply-btn" aria-label={t('inbox.replyTo')} title={t('inbox.replyTo')} onClick={onReply}>
        <Icon name="reply" size={16} />
      </button>
    </li>
  );
}

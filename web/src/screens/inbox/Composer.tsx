import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Attachment, CannedResponse, Conversation, Message, MessageTemplate } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { formatTimestamp, t } from '../../i18n';
import { sendTyping } from '../../lib/realtime';
import {
  cannedQuery,
  fillVariables,
  insertCanned,
  isWindowClosed,
  previewTemplate,
  templateComplete,
  templateComponents,
  templateSlots,
} from './logic';
import { contactOf, formatSize, inboxOf, isMissing, type InboxContext } from './shared';

const EMOJI = [
  '😀', '😂', '😊', '😍', '😉', '😎', '🤔', '😅', '😢', '😡', '🙏', '👍', '👎', '👏', '🙌', '👋',
  '💪', '🎉', '❤️', '💯', '✅', '❌', '⭐', '🔥', '📦', '🚚', '💳', '📞', '📧', '⏰', '📍', '🛒',
];

interface Props {
  ctx: InboxContext;
  conversation: Conversation;
  quote: Message | null;
  onClearQuote: () => void;
  onSent: (m: Message) => void;
  focusRequest: { mode: 'reply' | 'note'; n: number } | null;
}

export function Composer({ ctx, conversation: c, quote, onClearQuote, onSent, focusRequest }: Props) {
  const wsId = ctx.workspaceId;
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [file, setFile] = useState<{ name: string; size: number; uploading: boolean; attachment: Attachment | null } | null>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [canned, setCanned] = useState<{ query: string; start: number; items: CannedResponse[]; active: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const box = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const typingOn = useRef(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const listId = useId();

  // The reply window can close while the conversation is open.
  useEffect(() => {
    const ends = c.reply_window_ends_at;
    if (!ends) return undefined;
    const ms = Math.floor(ends / 1000) - Date.now();
    if (ms <= 0 || ms > 2 ** 31 - 1) return undefined;
    const id = setTimeout(() => setNow(Date.now()), ms + 50);
    return () => clearTimeout(id);
  }, [c.reply_window_ends_at]);

  const windowClosed = isWindowClosed(c, now * 1000);
  const templatesOnly = windowClosed && mode === 'reply';

  // Only requests made while this composer is shown (not the one that focused the previous
  // conversation's composer).
  const mountedAt = useRef(Date.now());
  useEffect(() => {
    if (!focusRequest || focusRequest.n < mountedAt.current) return;
    setMode(focusRequest.mode);
    requestAnimationFrame(() => box.current?.focus());
  }, [focusRequest?.n]);

  useEffect(() => () => stopTyping(), []);

  function stopTyping() {
    clearTimeout(typingTimer.current);
    if (typingOn.current) sendTyping(c.id, false);
    typingOn.current = false;
  }

  function typed() {
    if (mode !== 'reply') return;
    if (!typingOn.current) sendTyping(c.id, true);
    typingOn.current = true;
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(stopTyping, 4000);
  }

  // Canned responses for the `/shortcut` at the caret.
  const cannedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  function lookForCanned(value: string, caret: number) {
    clearTimeout(cannedTimer.current);
    const q = ctx.missing.has('canned') ? null : cannedQuery(value, caret);
    if (!q) {
      setCanned(null);
      return;
    }
    cannedTimer.current = setTimeout(() => {
      api.searchCanned(wsId, q.query).then(
        (r) => setCanned(r.data.length ? { ...q, items: r.data.slice(0, 8), active: 0 } : null),
        (e) => {
          if (isMissing(e)) ctx.markMissing('canned');
          setCanned(null);
        },
      );
    }, 120);
  }

  const vars = useMemo(() => {
    const k = contactOf(c, ctx.contacts);
    return {
      contact: { name: k?.name, email: k?.email, phone: k?.phone_e164 },
      agent: { name: ctx.me?.name, email: ctx.me?.email },
    };
  }, [c, ctx.contacts, ctx.me]);

  async function chooseCanned(item: CannedResponse) {
    if (!canned || !box.current) return;
    const { start } = canned;
    const caret = box.current.selectionStart ?? text.length;
    setCanned(null);
    // The server fills the variables from the conversation (and knows fields the list lacks);
    // the local preview's filling is the fallback.
    let content = fillVariables(item.content, vars);
    try {
      content = (await api.renderCanned(wsId, c.id, item.id)).rendered;
    } catch {
      // Keep the local filling.
    }
    const current = box.current?.value ?? text;
    const next = insertCanned(current, start, Math.min(caret, current.length), content);
    setText(next.text);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(next.caret, next.caret);
    });
  }

  function insertEmoji(e: string) {
    const el = box.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + e + text.slice(end);
    setText(next);
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + e.length, start + e.length);
    });
  }

  async function pickFile(f: File | undefined) {
    if (!f) return;
    setError(null);
    setFile({ name: f.name, size: f.size, uploading: true, attachment: null });
    try {
      const r = await api.uploadAttachment(wsId, f);
      setFile({ name: f.name, size: f.size, uploading: false, attachment: r.attachment });
    } catch (err) {
      setFile(null);
      setError(err);
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  async function send() {
    const content = text.trim();
    if (busy || file?.uploading) return;
    if (!content && !file?.attachment) return;
    setBusy(true);
    setError(null);
    stopTyping();
    try {
      const body: Parameters<typeof api.sendMessage>[2] = {};
      if (content) body.content = content;
      if (mode === 'note') body.private = true;
      if (quote) body.reply_to_id = quote.id;
      if (file?.attachment) body.attachment_id = file.attachment.id;
      const r = await api.sendMessage(wsId, c.id, body);
      setText('');
      setFile(null);
      onSent(r.message);
      box.current?.focus();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (canned) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = canned.items.length;
        setCanned({ ...canned, active: (canned.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n });
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        void chooseCanned(canned.items[canned.active]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setCanned(null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send();
    }
  }

  const noteMode = mode === 'note';
  return (
    <div class={`ib-composer${noteMode ? ' ib-composer-note' : ''}`}>
      <div class="ib-mode" role="group" aria-label={t('inbox.composer.mode')}>
        <button type="button" class="ib-mode-btn" aria-pressed={!noteMode} aria-keyshortcuts="r" onClick={() => setMode('reply')}>
          {t('inbox.composer.reply')}
        </button>
        <button type="button" class="ib-mode-btn" aria-pressed={noteMode} aria-keyshortcuts="n" onClick={() => setMode('note')}>
          {t('inbox.composer.note')}
        </button>
        {windowClosed && c.reply_window_ends_at ? (
          <span class="ib-window muted small" role="note">
            <Icon name="clock" size={14} /> {t('inbox.window.closed', { time: formatTimestamp(c.reply_window_ends_at) })}
          </span>
        ) : null}
      </div>
      {inboxOf(ctx, c.inbox_id) && inboxOf(ctx, c.inbox_id)!.status !== 'active' ? (
        <p class="ib-inbox-warning" role="status">
          <Icon name="alert" size={14} /> {t('inbox.composer.inboxDown', { name: inboxOf(ctx, c.inbox_id)!.name })}
        </p>
      ) : null}
      <ErrorAlert error={error} />
      {templatesOnly ? (
        <TemplatePicker ctx={ctx} conversation={c} onSent={onSent} />
      ) : (
        <>
          {quote ? (
            <div class="ib-quote-bar">
              <Icon name="reply" size={14} />
              <bdi dir="auto" class="ib-quote-text">
                {quote.content || quote.content_type}
              </bdi>
              <button type="button" class="btn btn-icon btn-ghost" aria-label={t('inbox.composer.cancelQuote')} onClick={onClearQuote}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ) : null}
          {file ? (
            <div class="ib-file-chip" role="status">
              <Icon name="paperclip" size={14} />
              <bdi dir="auto">{file.name}</bdi>
              <span class="muted small">{file.uploading ? t('inbox.composer.uploading') : formatSize(file.size)}</span>
              <button type="button" class="btn btn-icon btn-ghost" aria-label={t('inbox.composer.removeFile', { name: file.name })} onClick={() => setFile(null)}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ) : null}
          <div class="ib-compose-row">
            {canned ? (
              <ul class="ib-canned" role="listbox" id={listId} aria-label={t('inbox.composer.canned')}>
                {canned.items.map((item, i) => (
                  <li
                    key={String(item.id)}
                    id={`${listId}-${i}`}
                    role="option"
                    aria-selected={i === canned.active}
                    class="ib-canned-item"
                    onMouseDown={(e) => {
                      e.preventDefault();
                      void chooseCanned(item);
                    }}
                  >
                    <span class="ib-canned-code" dir="auto">/{item.short_code}</span>
                    <bdi dir="auto" class="ib-canned-text">{fillVariables(item.content, vars)}</bdi>
                  </li>
                ))}
              </ul>
            ) : null}
            <label class="visually-hidden" for={`${listId}-box`}>
              {noteMode ? t('inbox.composer.notePlaceholder') : t('inbox.composer.replyPlaceholder')}
            </label>
            <textarea
              id={`${listId}-box`}
              ref={box}
              rows={3}
              dir={text ? 'auto' : undefined}
              value={text}
              placeholder={noteMode ? t('inbox.composer.notePlaceholder') : t('inbox.composer.replyPlaceholder')}
              {...({ role: 'combobox' } as Record<string, string>)}
              aria-expanded={canned ? 'true' : 'false'}
              aria-controls={canned ? listId : undefined}
              aria-autocomplete="list"
              aria-activedescendant={canned ? `${listId}-${canned.active}` : undefined}
              maxLength={4096}
              onInput={(e) => {
                const el = e.currentTarget;
                setText(el.value);
                typed();
                lookForCanned(el.value, el.selectionStart ?? el.value.length);
              }}
              onKeyDown={onKeyDown}
              onBlur={() => setTimeout(() => setCanned(null), 150)}
            />
          </div>
          <div class="ib-compose-actions">
            <div class="ib-menu">
              <button
                type="button"
                class="btn btn-icon btn-ghost"
                aria-label={t('inbox.composer.emoji')}
                title={t('inbox.composer.emoji')}
                aria-expanded={emojiOpen}
                onClick={() => setEmojiOpen(!emojiOpen)}
              >
                <Icon name="smile" size={18} />
              </button>
              {emojiOpen ? (
                <div
                  class="ib-popover ib-emoji"
                  role="group"
                  aria-label={t('inbox.composer.emoji')}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') {
                      e.stopPropagation();
                      setEmojiOpen(false);
                      box.current?.focus();
                    }
                  }}
                >
                  {EMOJI.map((e) => (
                    <button key={e} type="button" class="ib-emoji-btn" aria-label={e} onClick={() => insertEmoji(e)}>
                      {e}
                    </button>
                  ))}
                </div>
              ) : null}
            </div>
            <button
              type="button"
              class="btn btn-icon btn-ghost"
              aria-label={t('inbox.composer.attach')}
              title={t('inbox.composer.attach')}
              onClick={() => fileInput.current?.click()}
            >
              <Icon name="paperclip" size={18} />
            </button>
            <input
              ref={fileInput}
              type="file"
              class="visually-hidden"
              tabIndex={-1}
              aria-hidden="true"
              data-testid="attach-input"
              onChange={(e) => void pickFile(e.currentTarget.files?.[0])}
            />
            <span class="ib-grow muted small ib-hint">{ctx.missing.has('canned') ? '' : t('inbox.composer.cannedHint')}</span>
            <button
              type="button"
              class={`btn ${noteMode ? 'btn-note' : 'btn-primary'}`}
              disabled={busy || !!file?.uploading || (!text.trim() && !file?.attachment)}
              onClick={() => void send()}
            >
              <Icon name="send" size={16} class="ib-send-icon" />
              <span>{noteMode ? t('inbox.composer.addNote') : t('inbox.composer.send')}</span>
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function TemplatePicker({ ctx, conversation: c, onSent }: { ctx: InboxContext; conversation: Conversation; onSent: (m: Message) => void }) {
  const [templates, setTemplates] = useState<MessageTemplate[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState('');
  const [values, setValues] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.listTemplates(ctx.workspaceId, c.inbox_id).then(
      (r) => setTemplates(r.data.filter((x) => String(x.status).toUpperCase() === 'APPROVED')),
      (e) => setError(e),
    );
  }, [c.inbox_id]);

  const tpl = templates?.find((x) => `${x.name}|${x.language}` === chosen) ?? null;
  const slots = tpl ? templateSlots(tpl) : [];

  async function send() {
    if (!tpl || !templateComplete(slots, values)) return;
    setBusy(true);
    setError(null);
    try {
      const components = templateComponents(slots, values);
      const r = await api.sendMessage(ctx.workspaceId, c.id, {
        template: { name: tpl.name, language: tpl.language, ...(components.length ? { components } : {}) },
      });
      onSent(r.message);
      setChosen('');
      setValues({});
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="ib-templates">
      <p class="small">{t('inbox.window.templatesOnly')}</p>
      <ErrorAlert error={error} />
      {templates && templates.length === 0 ? <p class="muted small">{t('inbox.templates.none')}</p> : null}
      {templates && templates.length > 0 ? (
        <div class="field">
          <label for="ib-template">{t('inbox.templates.choose')}</label>
          <select id="ib-template" value={chosen} onChange={(e) => { setChosen(e.currentTarget.value); setValues({}); }}>
            <option value="">{t('inbox.templates.placeholder')}</option>
            {templates.map((x) => (
              <option key={`${x.name}|${x.language}`} value={`${x.name}|${x.language}`}>
                {x.name} ({x.language})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {tpl
        ? slots.map((s) => (
            <fieldset key={s.component} class="ib-template-slot">
              <legend>{t(`inbox.templates.${s.component}`)}</legend>
              <p class="ib-template-preview" dir="auto">
                {previewTemplate(s.text, values[s.component] ?? [])}
              </p>
              {Array.from({ length: s.count }, (_, i) => (
                <div class="field" key={i}>
                  <label for={`ib-tp-${s.component}-${i}`}>{t('inbox.templates.param', { n: i + 1 })}</label>
                  <input
                    id={`ib-tp-${s.component}-${i}`}
                    type="text"
                    dir="auto"
                    value={values[s.component]?.[i] ?? ''}
                    onInput={(e) => {
                      const v = [...(values[s.component] ?? [])];
                      v[i] = e.currentTarget.value;
                      setValues({ ...values, [s.component]: v });
                    }}
                  />
                </div>
              ))}
            </fieldset>
          ))
        : null}
      {tpl ? (
        <div class="ib-compose-actions">
          <span class="ib-grow" />
          <button type="button" class="btn btn-primary" disabled={busy || !templateComplete(slots, values)} onClick={() => void send()}>
            <Icon name="send" size={16} class="ib-send-icon" />
            <span>{t('inbox.templates.send')}</span>
          </button>
        </div>
      ) : null}
    </div>
  );
}

import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import type { Conversation, ConversationCounts, ConversationFilter, Id, SearchResults } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { Avatar } from '../../components/Layout';
import { t } from '../../i18n';
import { STATUSES, attachmentsOf, sameId } from './logic';
import { ChannelIcon, ConnectionStatus, RelativeTime, contactName, formatNumber, inboxOf, memberName, useNow, type InboxContext } from './shared';

interface Props {
  ctx: InboxContext;
  filter: ConversationFilter;
  onFilter: (f: ConversationFilter) => void;
  conversations: Conversation[];
  counts: ConversationCounts | null;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  onLoadMore: () => void;
  onRetry: () => void;
  openId: string | null;
  onOpen: (id: Id) => void;
  search: string;
  onSearch: (q: string) => void;
  searchInput: RefObject<HTMLInputElement | null>;
  onHelp: () => void;
  /** The server's search answer while searching (null: show the list). */
  searchResults: SearchResults | null;
  conversationById: (id: Id) => Conversation | undefined;
  onOpenContact: (contactId: Id) => void;
}

export function ConversationList(p: Props) {
  const now = useNow();
  const [permission, setPermission] = useState(
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  const { ctx, filter } = p;

  return (
    <section class="ib-list" aria-label={t('inbox.conversations')}>
      <header class="ib-list-head">
        <div class="ib-list-title">
          <h1 tabIndex={-1} data-page-title>
            {t('inbox.title')}
          </h1>
          <ConnectionStatus />
          <span class="ib-grow" />
          {permission === 'default' ? (
            <button
              type="button"
              class="btn btn-icon btn-ghost"
              aria-label={t('inbox.notifications.enable')}
              title={t('inbox.notifications.enable')}
              onClick={() => void Notification.requestPermission().then(setPermission)}
            >
              <Icon name="bell" size={18} />
            </button>
          ) : null}
          <button
            type="button"
            class="btn btn-icon btn-ghost"
            aria-label={t('inbox.shortcuts.title')}
            title={t('inbox.shortcuts.title')}
            aria-keyshortcuts="?"
            onClick={p.onHelp}
          >
            <Icon name="keyboard" size={18} />
          </button>
        </div>
        <div class="ib-search">
          <Icon name="search" size={16} />
          <label class="visually-hidden" for="ib-search">
            {t('inbox.search')}
          </label>
          <input
            id="ib-search"
            ref={p.searchInput}
            type="search"
            placeholder={t('inbox.searchPlaceholder')}
            value={p.search}
            dir={p.search ? 'auto' : undefined}
            aria-keyshortcuts="/"
            onInput={(e) => p.onSearch(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && p.search) {
                e.preventDefault();
                p.onSearch('');
              }
            }}
          />
        </div>
        <div class="ib-tabs" role="group" aria-label={t('inbox.filter.status')}>
          {STATUSES.map((s) => {
            const n = p.counts?.by_status?.[s];
            return (
              <button
                key={s}
                type="button"
                class="ib-tab"
                aria-pressed={filter.status === s}
                data-status={s}
                onClick={() => p.onFilter({ ...filter, status: s })}
              >
                {t(`inbox.status.${s}`)}
                {typeof n === 'number' && n > 0 ? <span class="ib-tab-count">{formatNumber(n)}</span> : null}
              </button>
            );
          })}
        </div>
        <div class="ib-filters">
          <label class="visually-hidden" for="ib-filter-inbox">
            {t('inbox.filter.inbox')}
          </label>
          <select
            id="ib-filter-inbox"
            value={filter.inbox_id}
            onChange={(e) => p.onFilter({ ...filter, inbox_id: e.currentTarget.value })}
          >
            <option value="">{t('inbox.filter.allInboxes')}</option>
            {ctx.inboxes.map((i) => (
              <option key={String(i.id)} value={String(i.id)}>
                {i.name}
              </option>
            ))}
          </select>
          <label class="visually-hidden" for="ib-filter-assignee">
            {t('inbox.filter.assignee')}
          </label>
          <select
            id="ib-filter-assignee"
            value={filter.assignee}
            onChange={(e) => p.onFilter({ ...filter, assignee: e.currentTarget.value as ConversationFilter['assignee'] })}
          >
            <option value="all">{t('inbox.filter.everyone')}</option>
            <option value="me">
              {typeof p.counts?.mine === 'number' ? t('inbox.filter.mineCount', { n: p.counts.mine }) : t('inbox.filter.mine')}
            </option>
            <option value="unassigned">
              {typeof p.counts?.unassigned === 'number'
                ? t('inbox.filter.unassignedCount', { n: p.counts.unassigned })
                : t('inbox.filter.unassigned')}
            </option>
          </select>
        </div>
      </header>
      <ErrorAlert error={p.error}>
        <button type="button" class="btn btn-link" onClick={p.onRetry}>
          {t('common.retry')}
        </button>
      </ErrorAlert>
      {p.searchResults ? <SearchHits p={p} now={now} /> : null}
      <ul class="ib-items" aria-busy={p.loading} hidden={!!p.searchResults}>
        {p.conversations.map((c) => {
          const name = contactName(c, ctx.contacts);
          const inbox = inboxOf(ctx, c.inbox_id);
          const active = sameId(c.id, p.openId);
          const assignee = memberName(ctx, c.assignee_id);
          return (
            <li key={String(c.id)}>
              <a
                class={`ib-item${c.unread_count > 0 ? ' ib-unread' : ''}`}
                href={`/w/${encodeURIComponent(String(ctx.workspaceId))}/inbox/${encodeURIComponent(String(c.id))}`}
                aria-current={active ? 'true' : undefined}
                data-conversation-id={String(c.id)}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  p.onOpen(c.id);
                }}
              >
                <span class="ib-avatar">
                  <Avatar name={name} />
                  <ChannelIcon kind={inbox?.channel_kind ?? c.channel_kind} />
                </span>
                <span class="ib-item-body">
                  <span class="ib-item-top">
                    <bdi dir="auto" class="ib-name">
                      {name}
                    </bdi>
                    <span class="ib-time">
                      <RelativeTime micros={c.last_activity_at} now={now} />
                    </span>
                  </span>
                  <span class="ib-item-bottom">
                    <Preview c={c} />
                    {c.unread_count > 0 ? (
                      <span class="ib-badge" aria-label={t('inbox.unread', { n: c.unread_count })}>
                        {formatNumber(c.unread_count)}
                      </span>
                    ) : null}
                  </span>
                  <span class="ib-item-meta">
                    {inbox ? <bdi dir="auto">{inbox.name}</bdi> : null}
                    {assignee ? (
                      <span>
                        <Icon name="user" size={12} /> <bdi dir="auto">{assignee}</bdi>
                      </span>
                    ) : null}
                    {c.priority && c.priority !== 'none' ? (
                      <span class={`ib-prio ib-prio-${c.priority}`}>{t(`inbox.priority.${c.priority}` as 'inbox.priority.high')}</span>
                    ) : null}
                    {(c.labels ?? []).slice(0, 2).map((l) => (
                      <span key={l} class="ib-label-chip">
                        <bdi dir="auto">{l}</bdi>
                      </span>
                    ))}
                  </span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      {!p.searchResults && !p.loading && !p.error && p.conversations.length === 0 ? (
        <p class="ib-empty muted">{p.search ? t('inbox.noResults') : t(`inbox.empty.${filter.status}` as 'inbox.empty.open')}</p>
      ) : null}
      {p.loading && p.conversations.length === 0 ? <p class="ib-empty muted">{t('common.loading')}</p> : null}
      {p.hasMore ? (
        <div class="ib-more">
          <button type="button" class="btn btn-secondary btn-sm" disabled={p.loading} onClick={p.onLoadMore}>
            {p.loading ? t('common.loading') : t('common.loadMore')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function SearchHits({ p, now }: { p: Props; now: number }) {
  const r = p.searchResults!;
  const { ctx } = p;
  return (
    <div class="ib-items ib-results" role="region" aria-label={t('inbox.search.results')}>
      {r.messages.length === 0 && r.contacts.length === 0 ? <p class="ib-empty muted">{t('inbox.noResults')}</p> : null}
      {r.messages.length ? <h2 class="ib-results-head">{t('inbox.search.messages')}</h2> : null}
      <ul class="ib-plain-list">
        {r.messages.map((m) => {
          const c = p.conversationById(m.conversation_id);
          const name = c ? contactName(c, ctx.contacts) : (inboxOf(ctx, m.inbox_id)?.name ?? t('inbox.unknownContact'));
          return (
            <li key={String(m.id)}>
              <a
                class="ib-item"
                href={`/w/${encodeURIComponent(String(ctx.workspaceId))}/inbox/${encodeURIComponent(String(m.conversation_id))}`}
                aria-current={sameId(m.conversation_id, p.openId) ? 'true' : undefined}
                data-conversation-id={String(m.conversation_id)}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  p.onOpen(m.conversation_id);
                }}
              >
                <span class="ib-avatar">
                  <Avatar name={name} />
                  <ChannelIcon kind={inboxOf(ctx, m.inbox_id)?.channel_kind} />
                </span>
                <span class="ib-item-body">
                  <span class="ib-item-top">
                    <bdi dir="auto" class="ib-name">{name}</bdi>
                    <span class="ib-time">
                      <RelativeTime micros={m.created_at} now={now} />
                    </span>
                  </span>
                  <span class="ib-hit">
                    {m.private ? <span class="ib-preview-prefix">{t('inbox.preview.note')} </span> : null}
                    <bdi dir="auto">{m.content || t('inbox.preview.attachment')}</bdi>
                  </span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      {r.contacts.length ? <h2 class="ib-results-head">{t('inbox.search.contacts')}</h2> : null}
      <ul class="ib-plain-list">
        {r.contacts.map((k) => (
          <li key={String(k.id)}>
            <button type="button" class="ib-item ib-item-button" onClick={() => p.onOpenContact(k.id)}>
              <Avatar name={k.name || '?'} />
              <span class="ib-item-body">
                <bdi dir="auto" class="ib-name">{k.name || t('inbox.unknownContact')}</bdi>
                <span class="ib-preview">
                  {[k.phone_e164, k.email].filter(Boolean).map((v) => (
                    <bdi key={v!} dir="ltr">{v} </bdi>
                  ))}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Preview({ c }: { c: Conversation }) {
  const m = c.last_message;
  if (!m) return <span class="ib-preview muted">{m === null ? t('inbox.preview.none') : '\u00a0'}</span>;
  const files = attachmentsOf(m);
  const prefix = m.private ? t('inbox.preview.note') : m.direction === 'outgoing' ? t('inbox.preview.you') : '';
  const text = m.content || (files.length ? files[0]!.file_name || t('inbox.preview.attachment') : t('inbox.preview.attachment'));
  return (
    <span class="ib-preview">
      {prefix ? <span class="ib-preview-prefix">{prefix} </span> : null}
      {files.length ? <Icon name="paperclip" size={12} /> : null}
      <bdi dir="auto">{text}</bdi>
    </span>
  );
}

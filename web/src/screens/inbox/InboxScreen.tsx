import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type {
  ContactSummary,
  Conversation,
  ConversationCounts,
  ConversationFilter,
  Id,
  Inbox,
  Label,
  Member,
  Message,
  SearchResults,
  Team,
} from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Dialog } from '../../components/Dialog';
import { Card, EmptyState, PageHeader } from '../../components/Layout';
import { locale, t } from '../../i18n';
import { inboxMembersChange, isMemberEvent, membersAfterEvent, membershipChangesView } from '../../lib/membership';
import { useWorkspaceEvents, type RealtimeEvent } from '../../lib/realtime';
import { navigate } from '../../lib/router';
import { isAdmin, session } from '../../lib/session';
import type { ScreenProps } from '../../routes';
import { ContactPanel, pastConversations } from './ContactPanel';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import {
  SHORTCUTS,
  matchesFilter,
  neighbour,
  newerMessage,
  sameId,
  shortcutFor,
  shouldNotify,
  upsertConversation,
  withNewMessage,
} from './logic';
import { ConnectionStatus, contactName, isMissing, type Feature, type InboxContext } from './shared';

const FILTER_KEY = 'hudhud.inbox.filter';

function initialFilter(): ConversationFilter {
  try {
    const saved = JSON.parse(localStorage.getItem(FILTER_KEY) ?? 'null') as Partial<ConversationFilter> | null;
    if (saved && typeof saved === 'object') {
      return { status: saved.status ?? 'open', inbox_id: saved.inbox_id ?? '', assignee: saved.assignee ?? 'all' };
    }
  } catch {
    // Unreadable: start from the defaults.
  }
  return { status: 'open', inbox_id: '', assignee: 'all' };
}

function editable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
}

/**
 * The agents' inbox: the filtered conversation list, the open conversation and the contact beside
 * it. Everything updates from the workspace's WebSocket; nothing needs a reload.
 */
export function InboxScreen({ workspace, rest }: ScreenProps) {
  locale.use();
  const wsId = workspace.id;
  const me = session.get()?.user ?? null;
  const meId = me?.id ?? null;
  const openId: string | null = rest ? rest.split('/')[0] || null : null;
  // Owners and admins see every inbox; an agent only those it is a member of (docs/api.md).
  const admin = isAdmin(workspace.role);

  const [filter, setFilterState] = useState<ConversationFilter>(initialFilter);
  const [list, setList] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [listError, setListError] = useState<unknown>(null);
  const [counts, setCounts] = useState<ConversationCounts | null>(null);
  const [missing, setMissing] = useState<Set<Feature>>(new Set());
  const [contacts, setContacts] = useState<Record<string, ContactSummary>>({});
  const [opened, setOpened] = useState<Conversation | null>(null);
  const [openError, setOpenError] = useState<unknown>(null);
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [inboxesLoaded, setInboxesLoaded] = useState(false);
  const [members, setMembers] = useState<Member[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [labels, setLabels] = useState<Label[]>([]);
  const [helpOpen, setHelpOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [searchResults, setSearchResults] = useState<SearchResults | null>(null);
  const [composerFocus, setComposerFocus] = useState<{ mode: 'reply' | 'note'; n: number } | null>(null);
  const [contactOpen, setContactOpen] = useState(() => window.innerWidth >= 1360);

  const listRef = useRef(list);
  listRef.current = list;
  const openedRef = useRef(opened);
  openedRef.current = opened;
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const generation = useRef(0);
  const searchInput = useRef<HTMLInputElement>(null);

  const markMissing = useCallback((f: Feature) => setMissing((s) => (s.has(f) ? s : new Set(s).add(f))), []);

  const setFilter = (f: ConversationFilter) => {
    setFilterState(f);
    try {
      localStorage.setItem(FILTER_KEY, JSON.stringify(f));
    } catch {
      // Not remembered in private mode.
    }
  };

  /** The inboxes this user sees (null when they could not be read). */
  const loadInboxes = useCallback(
    () =>
      api.listInboxes(wsId).then(
        (r) => {
          setInboxes(r.data);
          setInboxesLoaded(true);
          return r.data;
        },
        () => null,
      ),
    [wsId],
  );

  // Lookups: each is optional for the screen to work (an agent may lack a route).
  useEffect(() => {
    void loadInboxes();
    api.listMembers(wsId).then((r) => setMembers(r.data), () => {});
    api.listTeams(wsId).then((r) => setTeams(r.data), (e) => isMissing(e) && markMissing('teams'));
    api.listLabels(wsId).then((r) => setLabels(r.data), (e) => isMissing(e) && markMissing('labels'));
  }, [wsId]);

  const loadCounts = useCallback(() => {
    if (missing.has('counts')) return;
    api.conversationCounts(wsId).then(
      (r) => setCounts(r),
      (e) => {
        // Counts came with the conversation actions: a server without one has neither. (An older
        // server takes "counts" for a conversation id and answers 404 or 400.)
        if (isMissing(e) || (e instanceof ApiError && e.status === 400)) for (const f of ['counts', 'status', 'assign', 'priority', 'labels'] as const) markMissing(f);
      },
    );
  }, [wsId, missing]);

  const load = useCallback(
    async (from: string | null) => {
      const mine = ++generation.current;
      if (!from) failedPreviews.current.clear();
      setLoading(true);
      setListError(null);
      try {
        const f = filterRef.current;
        const page = await api.listConversations(wsId, f, from);
        if (mine !== generation.current) return;
        // A server without the filter parameters answers everything: narrow here as well.
        const data = page.data.filter((c) => matchesFilter(c, f, meId));
        setList((prev) => {
          let next = from ? [...prev] : [];
          for (const c of data) next = upsertConversation(next, c, f, meId);
          return next;
        });
        setCursor(page.next_cursor || null);
      } catch (err) {
        if (mine === generation.current) setListError(err);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [wsId, meId],
  );

  useEffect(() => {
    void load(null);
    loadCounts();
  }, [load, filter]);

  // Contacts of the listed conversations, fetched once each.
  const pendingContacts = useRef(new Set<string>());
  useEffect(() => {
    const need = new Set<string>();
    for (const c of [...list, ...(opened ? [opened] : [])]) {
      if (c.contact) continue;
      const id = String(c.contact_id);
      if (!contacts[id] && !pendingContacts.current.has(id)) need.add(id);
    }
    for (const id of need) {
      pendingContacts.current.add(id);
      api.getContact(wsId, id).then(
        (r) => setContacts((m) => ({ ...m, [id]: r.contact })),
        () => pendingContacts.current.delete(id),
      );
    }
  }, [list, opened, searchResults]);

  // Previews for conversations known without their last message (a server whose list lacks it,
  // or a conversation read alone). One request per conversation at a time; a failure is not
  // retried until the list is loaded again.
  const pendingPreviews = useRef(new Set<string>());
  const failedPreviews = useRef(new Set<string>());
  useEffect(() => {
    for (const c of list.slice(0, 60)) {
      const id = String(c.id);
      if (c.last_message !== undefined || pendingPreviews.current.has(id) || failedPreviews.current.has(id)) continue;
      pendingPreviews.current.add(id);
      api.listMessages(wsId, id, null, 1).then(
        (page) => {
          pendingPreviews.current.delete(id);
          const m = page.data[0] ?? null;
          setList((l) => l.map((x) => (sameId(x.id, id) && x.last_message === undefined ? { ...x, last_message: m } : x)));
        },
        () => {
          pendingPreviews.current.delete(id);
          failedPreviews.current.add(id);
        },
      );
    }
  }, [list]);

  // The open conversation: from the list, or fetched (a deep link, or filtered out).
  useEffect(() => {
    setOpenError(null);
    if (!openId) {
      setOpened(null);
      return;
    }
    const inList = listRef.current.find((c) => sameId(c.id, openId));
    if (inList) setOpened(inList);
    else setOpened((o) => (o && sameId(o.id, openId) ? o : null));
    let live = true;
    api.getConversation(wsId, openId).then(
      (r) => {
        if (!live) return;
        const inListNow = listRef.current.find((c) => sameId(c.id, openId));
        setOpened({ ...r.conversation, ...(inListNow?.last_message !== undefined ? { last_message: inListNow.last_message } : {}) });
      },
      (e) => live && setOpenError(e),
    );
    return () => {
      live = false;
    };
  }, [openId, wsId]);

  // Opening a conversation reads it.
  useEffect(() => {
    if (!opened || !openId || !sameId(opened.id, openId) || !(opened.unread_count > 0)) return;
    api.markRead(wsId, opened.id).then(
      () => {
        const zero = (c: Conversation) => (sameId(c.id, opened.id) ? { ...c, unread_count: 0 } : c);
        setList((l) => l.map(zero));
        setOpened((o) => (o ? zero(o) : o));
        loadCounts();
      },
      () => {},
    );
  }, [opened?.id, opened?.unread_count, openId]);

  /** Applies a changed conversation everywhere it is shown. */
  const applyConversation = useCallback(
    (c: Conversation) => {
      setList((l) => upsertConversation(l, c, filterRef.current, meId));
      setOpened((o) => (o && sameId(o.id, c.id) ? { ...o, ...c } : o));
    },
    [meId],
  );

  /**
   * What this user may see changed (added to or removed from an inbox, or a new role): the inboxes,
   * the list and the counts are read again; a filter on an inbox no longer shown is dropped, and a
   * conversation open in one is closed.
   */
  const reloadView = () => {
    void loadInboxes().then((list) => {
      const f = filterRef.current;
      if (list && f.inbox_id && !list.some((i) => sameId(i.id, f.inbox_id))) setFilter({ ...f, inbox_id: '' });
    });
    void load(null);
    loadCounts();
    const o = openedRef.current;
    if (o) {
      api.getConversation(wsId, o.id).then(
        (r) => applyConversation(r.conversation),
        (err) => {
          if (err instanceof ApiError && err.status === 404 && sameId(openedRef.current?.id, o.id)) {
            navigate(`/w/${encodeURIComponent(String(wsId))}/inbox`, { replace: true });
          }
        },
      );
    }
  };

  // A new role changes what this user sees (an agent made admin sees every inbox, and back).
  const seenRole = useRef(admin);
  useEffect(() => {
    if (seenRole.current === admin) return;
    seenRole.current = admin;
    reloadView();
  }, [admin]);

  // Live updates (the handler always sees the current state; re-renders never re-subscribe).
  const onEvent = (e: RealtimeEvent) => {
    const d = e.data;
    if (e.event === 'resync') {
      void load(null);
      loadCounts();
      void loadInboxes();
      return;
    }
    const membership = inboxMembersChange(e);
    if (membership) {
      if (membershipChangesView(membership, meId, admin, inboxesLoaded ? inboxes.map((i) => i.id) : null)) reloadView();
      return;
    }
    if (isMemberEvent(e)) {
      // Assignee names and availability (a removed member's conversations are unassigned: their
      // conversation.updated events follow).
      setMembers((list) => [...membersAfterEvent(list, e)]);
      return;
    }
    if (e.event === 'inbox.updated') {
      setInboxes((list) => list.map((i) => (sameId(i.id, d.id as Id) ? { ...i, status: String(d.status) } : i)));
      return;
    }
    if (e.event === 'conversation.created' || e.event.startsWith('conversation.') && 'inbox_id' in d && 'id' in d) {
      const c = d as unknown as Conversation;
      const known = listRef.current.find((x) => sameId(x.id, c.id));
      // Events carry the stored conversation; the API view adds the reply window: read it.
      api.getConversation(wsId, c.id).then(
        (r) => applyConversation({ ...r.conversation, ...(known?.last_message !== undefined ? { last_message: known.last_message } : {}) }),
        () => applyConversation(c),
      );
      loadCounts();
      return;
    }
    if (e.event === 'message.created') {
      const m = d as unknown as Message;
      const isOpen = sameId(m.conversation_id, openedRef.current?.id) && document.visibilityState === 'visible';
      const known = listRef.current.find((x) => sameId(x.id, m.conversation_id)) ??
        (sameId(openedRef.current?.id, m.conversation_id) ? openedRef.current! : undefined);
      // Shown at once from the event; then the stored conversation settles the unread count
      // and the status (a customer's message reopens a snoozed or pending conversation).
      if (known) applyConversation(withNewMessage(known, m, isOpen));
      const settle = () =>
        api.getConversation(wsId, m.conversation_id).then((r) => {
          // The single conversation has no preview: keep the newest message seen.
          const shown = listRef.current.find((x) => sameId(x.id, m.conversation_id))?.last_message;
          applyConversation({ ...r.conversation, last_message: newerMessage(shown, m) });
        }, () => {});
      if (isOpen && m.direction === 'incoming') void api.markRead(wsId, m.conversation_id).then(settle, settle);
      else if (!known || m.direction === 'incoming') void settle();
      notify(m, known);
      loadCounts();
      return;
    }
    if (e.event === 'message.updated') {
      const m = d as unknown as Message;
      setList((l) =>
        l.map((c) => (c.last_message && sameId(c.last_message.id, m.id) ? { ...c, last_message: m } : c)),
      );
    }
  };
  useWorkspaceEvents(wsId, onEvent);

  const notify = (m: Message, c: Conversation | undefined) => {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (!shouldNotify(m, c, meId, openedRef.current?.id ?? null, document.visibilityState === 'visible')) return;
    const name = c ? contactName(c, contacts) : t('inbox.unknownContact');
    const n = new Notification(t('inbox.notifyTitle', { name }), {
      body: m.content || t('inbox.preview.attachment'),
      tag: `conversation-${String(m.conversation_id)}`,
      lang: locale.get(),
      dir: 'auto',
    });
    n.onclick = () => {
      window.focus();
      navigate(`/w/${encodeURIComponent(String(wsId))}/inbox/${encodeURIComponent(String(m.conversation_id))}`);
      n.close();
    };
  };

  // Search: the server's /search when it exists, else the loaded list.
  useEffect(() => {
    const q = search.trim();
    if (Array.from(q).length < 2 || missing.has('search')) {
      setSearchResults(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.search(wsId, q).then(
        (r) => live && setSearchResults({ messages: r.messages ?? [], contacts: r.contacts ?? [], next_cursor: r.next_cursor }),
        (e) => {
          if (!live) return;
          if (isMissing(e)) markMissing('search');
          setSearchResults({ messages: [], contacts: [], next_cursor: null });
        },
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [search, wsId, missing]);

  // Without the server's search, the loaded list filtered by name and last message.
  const shown = useMemo(() => {
    const q = search.trim().toLocaleLowerCase();
    if (!q || !missing.has('search')) return list;
    return list.filter((c) => {
      const hay = `${contactName(c, contacts)} ${c.last_message?.content ?? ''}`.toLocaleLowerCase();
      return hay.includes(q);
    });
  }, [list, search, contacts, missing]);

  // What j/k walk: the search hits' conversations while searching, else the list.
  const walk = useMemo(() => {
    if (!search.trim() || missing.has('search') || !searchResults) return shown;
    const seen = new Set<string>();
    const out: { id: Id }[] = [];
    for (const m of searchResults.messages) {
      if (seen.has(String(m.conversation_id))) continue;
      seen.add(String(m.conversation_id));
      out.push({ id: m.conversation_id });
    }
    return out;
  }, [shown, search, searchResults, missing]);

  const openConversation = (id: Id) =>
    navigate(`/w/${encodeURIComponent(String(wsId))}/inbox/${encodeURIComponent(String(id))}`);

  // Keyboard shortcuts.
  const shortcutState = useRef({ shown: walk, openId, helpOpen });
  shortcutState.current = { shown: walk, openId, helpOpen };
  const resolveRef = useRef<(() => void) | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const action = shortcutFor({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inEditable: editable(e.target) });
      if (!action) return;
      if (document.querySelector('dialog[open]') && action !== 'escape') return;
      const s = shortcutState.current;
      switch (action) {
        case 'next':
        case 'previous': {
          const id = neighbour(s.shown, s.openId, action === 'next' ? 1 : -1);
          if (id !== null) {
            openConversation(id);
            requestAnimationFrame(() =>
              document.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(String(id))}"]`)?.focus(),
            );
          }
          break;
        }
        case 'reply':
        case 'note':
          if (!s.openId) return;
          setComposerFocus({ mode: action, n: Date.now() });
          break;
        case 'resolve':
          if (!s.openId) return;
          resolveRef.current?.();
          break;
        case 'search':
          searchInput.current?.focus();
          searchInput.current?.select();
          break;
        case 'help':
          setHelpOpen(true);
          break;
        case 'escape':
          if (editable(e.target) && (e.target as HTMLElement).closest('.ib-composer')) {
            (e.target as HTMLElement).blur();
            document.querySelector<HTMLElement>('.ib-item[aria-current="true"]')?.focus();
          }
          return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const ctx: InboxContext = {
    workspaceId: wsId,
    me,
    inboxes,
    members,
    teams,
    labels,
    contacts,
    missing,
    markMissing,
  };

  const current = opened && openId && sameId(opened.id, openId) ? opened : null;

  // An agent who works no inbox has nothing to list yet: say why, and who can change it. Being
  // added to an inbox (inbox.members_changed) brings the list in without a reload.
  if (!admin && inboxesLoaded && inboxes.length === 0) {
    return (
      <div class="page" data-testid="no-inboxes">
        <PageHeader title={t('inbox.title')} actions={<ConnectionStatus />} />
        <Card>
          <EmptyState icon="inbox" title={t('inbox.noInboxesTitle')} body={t('inbox.noInboxesBody')} />
        </Card>
      </div>
    );
  }

  return (
    <div class={`ib${openId ? ' ib-has-open' : ''}${contactOpen ? '' : ' ib-contact-hidden'}`}>
      <ConversationList
        ctx={ctx}
        filter={filter}
        onFilter={setFilter}
        conversations={shown}
        searchResults={search.trim() && !missing.has('search') ? searchResults : null}
        conversationById={(id) => listRef.current.find((c) => sameId(c.id, id)) ?? (openedRef.current && sameId(openedRef.current.id, id) ? openedRef.current : undefined)}
        onOpenContact={(contactId) => {
          const known = listRef.current.find((c) => sameId(c.contact_id, contactId));
          if (known) openConversation(known.id);
          else void pastConversations(wsId, contactId).then((found) => found[0] && openConversation(found[0].id), () => {});
        }}
        counts={missing.has('counts') ? null : counts}
        loading={loading}
        error={listError}
        hasMore={cursor !== null && !search.trim()}
        onLoadMore={() => void load(cursor)}
        onRetry={() => void load(null)}
        openId={openId}
        onOpen={openConversation}
        search={search}
        onSearch={setSearch}
        searchInput={searchInput}
        onHelp={() => setHelpOpen(true)}
      />
      <section class="ib-main" aria-label={t('inbox.conversation')}>
        {openId && openError && !current ? (
          <div class="ib-pad">
            <ErrorAlert error={openError} />
          </div>
        ) : null}
        {current ? (
          <ConversationView
            key={String(current.id)}
            ctx={ctx}
            conversation={current}
            onChange={applyConversation}
            focusComposer={composerFocus}
            resolveRef={resolveRef}
            contactOpen={contactOpen}
            onToggleContact={() => setContactOpen((v) => !v)}
            onBack={() => navigate(`/w/${encodeURIComponent(String(wsId))}/inbox`)}
          />
        ) : !openId ? (
          list.length === 0 && !loading && !listError ? (
            <EmptyState icon="message" title={t('inbox.emptyTitle')} body={t('inbox.emptyBody')} />
          ) : (
            <EmptyState icon="message" title={t('inbox.pickTitle')} body={t('inbox.pickBody')} />
          )
        ) : openError ? null : (
          <div class="ib-pad muted">{t('common.loading')}</div>
        )}
      </section>
      {current && contactOpen ? (
        <ContactPanel
          key={String(current.contact_id)}
          ctx={ctx}
          conversation={current}
          onOpen={openConversation}
          onClose={() => {
            setContactOpen(false);
            requestAnimationFrame(() => document.querySelector<HTMLElement>('.ib-conv-actions [aria-pressed]')?.focus());
          }}
        />
      ) : null}
      <Dialog open={helpOpen} title={t('inbox.shortcuts.title')} onClose={() => setHelpOpen(false)} size="sm">
        <dl class="ib-shortcuts">
          {SHORTCUTS.map((s) => (
            <div key={s.key}>
              <dt>
                <kbd>{s.key}</kbd>
              </dt>
              <dd>{t(`inbox.shortcuts.${s.action}` as 'inbox.shortcuts.next')}</dd>
            </div>
          ))}
          <div>
            <dt>
              <kbd>Esc</kbd>
            </dt>
            <dd>{t('inbox.shortcuts.escape')}</dd>
          </div>
        </dl>
      </Dialog>
    </div>
  );
}

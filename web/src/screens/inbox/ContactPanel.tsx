import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { ContactDetail, ContactNote, Conversation, Id } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { Avatar } from '../../components/Layout';
import { formatTimestamp, microsToDate, t } from '../../i18n';
import { sameId } from './logic';
import { ChannelIcon, inboxOf, memberName, type InboxContext } from './shared';

/**
 * The contact's conversations: by the list's `contact_id` filter when the server has one, else
 * from the newest 400 conversations of the workspace (the list API then has no such filter).
 */
export async function pastConversations(wsId: Id, contactId: Id): Promise<Conversation[]> {
  try {
    const r = await api.listConversations(wsId, {}, null, { contact_id: String(contactId) });
    return r.data.filter((c) => sameId(c.contact_id, contactId));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
  }
  const found: Conversation[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 2; page++) {
    const r = await api.listConversations(wsId, {}, cursor, {}, 200);
    found.push(...r.data.filter((c) => sameId(c.contact_id, contactId)));
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  return found;
}

/** The person behind the open conversation: profile, identities, past conversations, notes. */
export function ContactPanel({
  ctx,
  conversation,
  onOpen,
  onClose,
}: {
  ctx: InboxContext;
  conversation: Conversation;
  onOpen: (id: Id) => void;
  onClose: () => void;
}) {
  const wsId = ctx.workspaceId;
  const contactId = conversation.contact_id;
  const [contact, setContact] = useState<ContactDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notes, setNotes] = useState<ContactNote[]>([]);
  const [note, setNote] = useState('');
  const [noteBusy, setNoteBusy] = useState(false);
  const [noteError, setNoteError] = useState<unknown>(null);
  const [past, setPast] = useState<Conversation[] | null>(null);
  const [attrKey, setAttrKey] = useState('');
  const [attrValue, setAttrValue] = useState('');
  const [attrError, setAttrError] = useState<unknown>(null);

  useEffect(() => {
    api.getContact(wsId, contactId).then((r) => setContact(r.contact), setError);
    api.listContactNotes(wsId, contactId).then((r) => setNotes(r.data), () => {});
    let live = true;
    void pastConversations(wsId, contactId).then(
      (list) => live && setPast(list),
      () => live && setPast(null),
    );
    return () => {
      live = false;
    };
  }, [wsId, contactId]);

  async function addNote(e: Event) {
    e.preventDefault();
    if (!note.trim()) return;
    setNoteBusy(true);
    setNoteError(null);
    try {
      const r = await api.addContactNote(wsId, contactId, note.trim());
      setNotes((n) => [r.note, ...n]);
      setNote('');
    } catch (err) {
      setNoteError(err);
    } finally {
      setNoteBusy(false);
    }
  }

  async function saveAttributes(next: Record<string, unknown>) {
    setAttrError(null);
    try {
      const r = await api.updateContact(wsId, contactId, { custom_attributes: next });
      setContact(r.contact);
      return true;
    } catch (err) {
      setAttrError(err);
      return false;
    }
  }

  const attrs = contact?.custom_attributes ?? {};
  const others = (past ?? []).filter((c) => !sameId(c.id, conversation.id));

  return (
    <aside
      class="ib-contact"
      aria-label={t('inbox.contact.title')}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && getComputedStyle(e.currentTarget).position === 'fixed') onClose();
      }}
    >
      {/* Shown when the panel is a drawer over the conversation (narrow screens). */}
      <button type="button" class="btn btn-icon btn-ghost ib-contact-close" aria-label={t('inbox.contact.close')} onClick={onClose}>
        <Icon name="close" size={18} />
      </button>
      <ErrorAlert error={error} />
      {contact ? (
        <>
          <section class="ib-card ib-profile">
            <Avatar name={contact.name || '?'} />
            <h2>
              <bdi dir="auto">{contact.name || t('inbox.unknownContact')}</bdi>
            </h2>
            <dl class="ib-dl">
              {contact.phone_e164 ? (
                <div>
                  <dt>{t('field.phone')}</dt>
                  <dd><bdi dir="ltr">{contact.phone_e164}</bdi></dd>
                </div>
              ) : null}
              {contact.email ? (
                <div>
                  <dt>{t('field.email')}</dt>
                  <dd><bdi dir="ltr">{contact.email}</bdi></dd>
                </div>
              ) : null}
              {contact.locale ? (
                <div>
                  <dt>{t('inbox.contact.language')}</dt>
                  <dd><bdi dir="ltr">{contact.locale}</bdi></dd>
                </div>
              ) : null}
              <div>
                <dt>{t('inbox.contact.since')}</dt>
                <dd>
                  <time dateTime={microsToDate(contact.created_at).toISOString()}>{formatTimestamp(contact.created_at)}</time>
                </dd>
              </div>
            </dl>
          </section>

          <section class="ib-card">
            <h3>{t('inbox.contact.identities')}</h3>
            {(contact.identities ?? []).length === 0 ? <p class="muted small">{t('common.none')}</p> : null}
            <ul class="ib-plain">
              {(contact.identities ?? []).map((i) => {
                const inbox = inboxOf(ctx, i.inbox_id);
                return (
                  <li key={String(i.id)} class="ib-identity">
                    <ChannelIcon kind={inbox?.channel_kind} />
                    <span>
                      <bdi dir="auto">{inbox?.name ?? t('inbox.contact.unknownInbox')}</bdi>
                      <br />
                      <bdi dir="ltr" class="muted small mono">{i.external_id}</bdi>
                    </span>
                  </li>
                );
              })}
            </ul>
          </section>

          <section class="ib-card">
            <h3>{t('inbox.contact.attributes')}</h3>
            <ErrorAlert error={attrError} />
            {Object.keys(attrs).length === 0 ? <p class="muted small">{t('inbox.contact.noAttributes')}</p> : null}
            <dl class="ib-dl">
              {Object.entries(attrs).map(([k, v]) => (
                <div key={k}>
                  <dt><bdi dir="auto">{k}</bdi></dt>
                  <dd><bdi dir="auto">{typeof v === 'string' ? v : JSON.stringify(v)}</bdi></dd>
                </div>
              ))}
            </dl>
            <form
              class="ib-attr-form"
              onSubmit={async (e) => {
                e.preventDefault();
                if (!attrKey.trim()) return;
                if (await saveAttributes({ ...attrs, [attrKey.trim()]: attrValue.trim() })) {
                  setAttrKey('');
                  setAttrValue('');
                }
              }}
            >
              <label class="visually-hidden" for="ib-attr-key">{t('inbox.contact.attrKey')}</label>
              <input id="ib-attr-key" placeholder={t('inbox.contact.attrKey')} value={attrKey} dir={attrKey ? 'auto' : undefined} onInput={(e) => setAttrKey(e.currentTarget.value)} />
              <label class="visually-hidden" for="ib-attr-value">{t('inbox.contact.attrValue')}</label>
              <input id="ib-attr-value" placeholder={t('inbox.contact.attrValue')} value={attrValue} dir={attrValue ? 'auto' : undefined} onInput={(e) => setAttrValue(e.currentTarget.value)} />
              <button type="submit" class="btn btn-sm btn-secondary" disabled={!attrKey.trim()}>
                {t('inbox.contact.attrAdd')}
              </button>
            </form>
          </section>

          {past !== null ? (
            <section class="ib-card">
              <h3>{t('inbox.contact.past')}</h3>
              {others.length === 0 ? <p class="muted small">{t('inbox.contact.noPast')}</p> : null}
              <ul class="ib-plain">
                {others.map((c) => (
                  <li key={String(c.id)}>
                    <button type="button" class="ib-past" onClick={() => onOpen(c.id)}>
                      <ChannelIcon kind={inboxOf(ctx, c.inbox_id)?.channel_kind} />
                      <span>{t(`inbox.status.${c.status}` as 'inbox.status.open')}</span>
                      <span class="muted small">{formatTimestamp(c.last_activity_at)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <section class="ib-card">
            <h3>{t('inbox.contact.notes')}</h3>
            <form class="ib-note-form" onSubmit={addNote}>
              <label class="visually-hidden" for="ib-contact-note">{t('inbox.contact.addNote')}</label>
              <textarea id="ib-contact-note" rows={2} value={note} dir={note ? 'auto' : undefined} placeholder={t('inbox.contact.addNote')} onInput={(e) => setNote(e.currentTarget.value)} />
              <ErrorAlert error={noteError} />
              <button type="submit" class="btn btn-sm btn-secondary" disabled={noteBusy || !note.trim()}>
                {t('inbox.contact.saveNote')}
              </button>
            </form>
            <ul class="ib-plain ib-notes">
              {notes.map((n) => (
                <li key={String(n.id)}>
                  <p dir="auto">{n.content}</p>
                  <p class="muted small">
                    {memberName(ctx, n.author_id) ? <bdi dir="auto">{memberName(ctx, n.author_id)}</bdi> : null}{' '}
                    <time dateTime={microsToDate(n.created_at).toISOString()}>{formatTimestamp(n.created_at)}</time>
                  </p>
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : error ? null : (
        <p class="muted ib-pad">{t('common.loading')}</p>
      )}
    </aside>
  );
}

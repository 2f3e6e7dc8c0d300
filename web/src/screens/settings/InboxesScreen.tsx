import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Id, Inbox, InboxInput, Member, WorkspaceRef } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { CopyField } from '../../components/CopyButton';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { CheckboxField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Card, EmptyState, PageHeader, Spinner, SubmitButton } from '../../components/Layout';
import { locale, t, type MessageKey } from '../../i18n';
import { useAction, useLoad } from '../../lib/hooks';
import { inboxMembersChange, isMemberEvent, membersAfterEvent } from '../../lib/membership';
import { useWorkspaceEvents } from '../../lib/realtime';
import { navigate, onLinkClick } from '../../lib/router';
import { workspacePath } from '../../lib/session';
import type { ScreenProps } from '../../routes';
import { ChannelIcon, channelLabel } from '../inbox/shared';
import {
  WEBCHAT_API_FIELDS,
  WHATSAPP_API_FIELDS,
  WebChatFields,
  WhatsAppAccountFields,
  WhatsAppSecretFields,
  type FormPartProps,
} from './InboxForms';
import { ActionsHeader, ListPage } from './SettingsList';
import { BackLink, MemberPicker, SaveButton, SaveForm, notice, noticeText, useSaveForm, type Notice } from './SettingsParts';
import {
  autoAssignmentOf,
  checkInboxName,
  checkMaxOpen,
  checkWebChat,
  checkWhatsApp,
  emptyWebChat,
  emptyWhatsApp,
  followRemoteIds,
  numericIds,
  randomToken,
  sameIds,
  toggleId,
  webChatFormFrom,
  webChatSettings,
  whatsAppCredentials,
  whatsAppFormFrom,
  whatsAppSettings,
  withAutoAssignment,
  type Problems,
  type WebChatField,
  type WebChatForm,
  type WhatsAppField,
  type WhatsAppForm,
} from './settings_logic';

/** The channels this server can connect from the dashboard (docs/api.md: WhatsApp webhooks, the Web Chat widget). */
const CONNECTABLE = ['whatsapp', 'webchat'] as const;
type Connectable = (typeof CONNECTABLE)[number];

/**
 * What the detail page shows once after a connect or a credentials change: the verify token the
 * admin just typed (the API never returns it). Kept in memory only, for one inbox.
 */
let freshSecret: { inboxId: string; verifyToken: string } | null = null;
/** A notice carried to the next page (e.g. "deleted" back on the list). */
let flash: Notice = null;

function takeFlash(): Notice {
  const f = flash;
  flash = null;
  return f;
}

/**
 * Settings → Inboxes: `rest` is '' (the list), 'new' (connect a channel) or an inbox id (its
 * settings, members and auto-assignment, connection details, disconnect).
 */
export function InboxesScreen({ workspace, rest }: ScreenProps) {
  const base = workspacePath(workspace.id, 'settings/inboxes');
  // Moving between the list and an inbox keeps this screen mounted: put focus on the new title.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('[data-page-title]')?.focus({ preventScroll: false });
  }, [rest]);

  if (rest === 'new') return <NewInbox workspace={workspace} base={base} />;
  if (rest) return <InboxDetail key={rest} workspace={workspace} base={base} inboxId={rest.split('/')[0]!} />;
  return <InboxList workspace={workspace} base={base} />;
}

export function inboxStatusLabel(status: string): string {
  const key = `inboxes.status.${status}` as MessageKey;
  return ['active', 'needs_reconnect', 'disconnected'].includes(status) ? t(key) : status;
}

function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-inbox-${status}`}>{inboxStatusLabel(status)}</span>;
}

/* ---------- The list ---------- */

function InboxList({ workspace, base }: { workspace: WorkspaceRef; base: string }) {
  const inboxes = useLoad(() => api.listInboxes(workspace.id), [workspace.id]);
  const [status] = useState(takeFlash);
  const list = inboxes.data?.data ?? [];
  return (
    <ListPage
      title={t('inboxes.title')}
      subtitle={t('inboxes.subtitle')}
      add={
        <a class="btn btn-primary" href={`${base}/new`} onClick={onLinkClick}>
          <Icon name="plus" size={18} />
          <span>{t('inboxes.add')}</span>
        </a>
      }
      status={status}
      loaded={inboxes}
      count={list.length}
      empty={{ icon: 'plug', title: t('inboxes.emptyTitle'), body: t('inboxes.emptyBody') }}
    >
      <div class="table-wrap">
        <table class="table" data-testid="inboxes">
          <thead>
            <tr>
              <th scope="col">{t('inboxes.colInbox')}</th>
              <th scope="col">{t('inboxes.colStatus')}</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {list.map((inbox) => (
              <tr key={String(inbox.id)}>
                <td>
                  <span class="cell-person">
                    <span class="channel-tile" aria-hidden="true">
                      <ChannelIcon kind={inbox.channel_kind} size={18} />
                    </span>
                    <span class="cell-stack">
                      <bdi dir="auto">{inbox.name}</bdi>
                      <span class="muted small">{channelLabel(inbox.channel_kind)}</span>
                    </span>
                  </span>
                </td>
                <td>
                  <StatusBadge status={inbox.status} />
                </td>
                <td class="cell-actions">
                  <a
                    class="btn btn-secondary btn-sm"
                    href={`${base}/${encodeURIComponent(String(inbox.id))}`}
                    onClick={onLinkClick}
                    aria-label={t('inboxes.configureLabel', { name: inbox.name })}
                  >
                    <Icon name="edit" size={16} />
                    <span class="hide-sm">{t('inboxes.configure')}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ListPage>
  );
}

/* ---------- Connecting a channel ---------- */

const CHANNEL_TEXT: Record<Connectable, { title: MessageKey; body: MessageKey }> = {
  whatsapp: { title: 'inboxes.new.whatsapp', body: 'inboxes.new.whatsappBody' },
  webchat: { title: 'inboxes.new.webchat', body: 'inboxes.new.webchatBody' },
};

function NewInbox({ workspace, base }: { workspace: WorkspaceRef; base: string }) {
  const [kind, setKind] = useState<Connectable | null>(null);
  const connected = (inbox: Inbox, verifyToken?: string) => {
    if (verifyToken) freshSecret = { inboxId: String(inbox.id), verifyToken };
    flash = notice('inboxes.connected', { name: inbox.name });
    navigate(`${base}/${encodeURIComponent(String(inbox.id))}`);
  };
  return (
    <div class="page">
      <BackLink href={base} label={t('inboxes.back')} />
      <PageHeader title={t('inboxes.newTitle')} subtitle={t('inboxes.newSubtitle')} />
      <Card>
        <fieldset class="channel-choice">
          <legend>{t('inboxes.chooseChannel')}</legend>
          <div class="channel-options">
            {CONNECTABLE.map((k) => (
              <label key={k} class={`channel-option${kind === k ? ' is-selected' : ''}`}>
                <input type="radio" name="channel" value={k} checked={kind === k} onChange={() => setKind(k)} />
                <span class="channel-tile" aria-hidden="true">
                  <ChannelIcon kind={k} size={22} />
                </span>
                <span class="cell-stack">
                  <strong>{t(CHANNEL_TEXT[k].title)}</strong>
                  <span class="muted small">{t(CHANNEL_TEXT[k].body)}</span>
                </span>
              </label>
            ))}
          </div>
          <p class="field-hint">{t('inboxes.new.more')}</p>
        </fieldset>
      </Card>
      {kind === 'whatsapp' ? <NewWhatsApp workspace={workspace} onConnected={connected} /> : null}
      {kind === 'webchat' ? <NewWebChat workspace={workspace} onConnected={connected} /> : null}
    </div>
  );
}

function useForm<F>(initial: () => F) {
  const [form, setForm] = useState<F>(initial);
  const set = <K extends keyof F>(key: K, value: F[K]) => setForm((f) => ({ ...f, [key]: value }));
  return { form, setForm, set };
}

/**
 * An inbox's name and channel fields in a card, checked and saved as one: connecting a channel
 * (POST) and changing an inbox's settings (PATCH) are the same form with other words.
 */
function InboxFormCard<F extends { name: string }, K extends string>({
  title,
  intro,
  testId,
  namePlaceholder,
  submitLabel,
  busyLabel,
  initial,
  check,
  apiFields,
  save,
  fields,
}: {
  title: string;
  intro?: string;
  testId?: string;
  namePlaceholder?: string;
  submitLabel: string;
  busyLabel: string;
  initial: () => F;
  check: (form: F) => Problems<K | 'name'>;
  apiFields: Record<string, K | 'name'>;
  save: (form: F) => Promise<void>;
  fields?: (part: FormPartProps<F, K | 'name'>) => ComponentChildren;
}) {
  const { form, set } = useForm<F>(initial);
  const f = useSaveForm<K | 'name'>(apiFields);
  return (
    <Card title={title} intro={intro}>
      <SaveForm f={f} testId={testId} onSubmit={f.submit(() => check(form), () => save(form))}>
        <TextField
          label={t('inboxes.name')}
          value={form.name}
          onValue={(v) => set('name', v as F['name'])}
          error={f.err('name')}
          placeholder={namePlaceholder}
          required
        />
        {fields ? fields({ form, set, err: f.err }) : null}
        <SaveButton busy={f.busy} label={submitLabel} busyLabel={busyLabel} />
      </SaveForm>
    </Card>
  );
}

function NewWhatsApp({ workspace, onConnected }: { workspace: WorkspaceRef; onConnected: (inbox: Inbox, verifyToken: string) => void }) {
  return (
    <InboxFormCard<WhatsAppForm, WhatsAppField>
      title={t('inboxes.new.whatsappTitle')}
      intro={t('inboxes.new.whatsappIntro')}
      testId="whatsapp-form"
      namePlaceholder={t('inboxes.whatsappNamePlaceholder')}
      submitLabel={t('inboxes.new.connect')}
      busyLabel={t('inboxes.new.connecting')}
      initial={() => emptyWhatsApp(randomToken())}
      check={(form) => checkWhatsApp(form, { name: true, settings: true, credentials: true })}
      apiFields={WHATSAPP_API_FIELDS}
      save={async (form) => {
        const { inbox } = await api.createInbox(workspace.id, {
          name: form.name.trim(),
          channel_kind: 'whatsapp',
          settings: whatsAppSettings(form),
          credentials: whatsAppCredentials(form),
        });
        onConnected(inbox, form.verify_token.trim());
      }}
      fields={(part) => (
        <>
          <fieldset class="form-group">
            <legend>{t('whatsapp.account')}</legend>
            <WhatsAppAccountFields {...part} />
          </fieldset>
          <fieldset class="form-group">
            <legend>{t('whatsapp.secrets')}</legend>
            <p class="field-hint">{t('whatsapp.secretsHint')}</p>
            <WhatsAppSecretFields {...part} />
          </fieldset>
        </>
      )}
    />
  );
}

function NewWebChat({ workspace, onConnected }: { workspace: WorkspaceRef; onConnected: (inbox: Inbox) => void }) {
  return (
    <InboxFormCard<WebChatForm, WebChatField>
      title={t('inboxes.new.webchatTitle')}
      intro={t('inboxes.new.webchatIntro')}
      testId="webchat-form"
      namePlaceholder={t('inboxes.webchatNamePlaceholder')}
      submitLabel={t('inboxes.new.create')}
      busyLabel={t('inboxes.new.connecting')}
      initial={() => emptyWebChat(locale.get())}
      check={(form) => checkWebChat(form, { name: true, settings: true })}
      apiFields={WEBCHAT_API_FIELDS}
      save={async (form) => {
        const { inbox } = await api.createInbox(workspace.id, { name: form.name.trim(), channel_kind: 'webchat', settings: webChatSettings(form) });
        onConnected(inbox);
      }}
      fields={(part) => <WebChatFields {...part} />}
    />
  );
}

/* ---------- One inbox ---------- */

function InboxDetail({ workspace, base, inboxId }: { workspace: WorkspaceRef; base: string; inboxId: string }) {
  const loaded = useLoad(() => api.getInbox(workspace.id, inboxId), [workspace.id, inboxId]);
  const members = useLoad(() => api.listMembers(workspace.id), [workspace.id]);
  // Availability beside each member stays current; so do roles and removals.
  useWorkspaceEvents(workspace.id, (e) => {
    if (e.event === 'resync') void members.reload();
    else if (isMemberEvent(e)) members.setData((d) => d && { data: [...membersAfterEvent(d.data, e)] });
  });
  const [status, setStatus] = useState<Notice>(takeFlash);
  const [verifyToken, setVerifyToken] = useState<string | null>(() => {
    const f = freshSecret && freshSecret.inboxId === inboxId ? freshSecret.verifyToken : null;
    freshSecret = null;
    return f;
  });
  const inbox = loaded.data?.inbox ?? null;
  const replace = (next: Inbox) => loaded.setData({ inbox: next });
  const gone = loaded.error instanceof ApiError && loaded.error.status === 404;

  return (
    <div class="page">
      <BackLink href={base} label={t('inboxes.back')} />
      <PageHeader
        title={inbox ? inbox.name : t('inboxes.detailTitle')}
        subtitle={inbox ? channelLabel(inbox.channel_kind) : undefined}
        actions={inbox ? <StatusBadge status={inbox.status} /> : null}
      />
      <StatusMessage message={noticeText(status)} />
      {loaded.loading && !inbox ? <Spinner /> : null}
      {gone ? (
        <Card>
          <EmptyState icon="alert" title={t('inboxes.goneTitle')} body={t('inboxes.goneBody')}>
            <a class="btn btn-secondary" href={base} onClick={onLinkClick}>
              {t('inboxes.back')}
            </a>
          </EmptyState>
        </Card>
      ) : (
        <ErrorAlert error={loaded.error} onRetry={() => void loaded.reload()} />
      )}
      {inbox ? (
        <>
          {inbox.status === 'needs_reconnect' ? (
            <div class="callout callout-warning" role="note">
              <p>{t('inboxes.needsReconnect')}</p>
            </div>
          ) : null}
          {inbox.status === 'disconnected' ? (
            <div class="callout callout-warning" role="note">
              <p>{t('inboxes.disconnectedNote')}</p>
            </div>
          ) : null}
          {inbox.channel_kind === 'whatsapp' ? (
            <WhatsAppConnection
              workspace={workspace}
              inbox={inbox}
              verifyToken={verifyToken}
              onSaved={(next, token) => {
                replace(next);
                setVerifyToken(token);
                setStatus(notice('inboxes.credentialsSaved'));
              }}
            />
          ) : null}
          {inbox.channel_kind === 'webchat' ? (
            <WebChatInstallCard
              workspace={workspace}
              inbox={inbox}
              onSaved={(next, reconnected) => {
                replace(next);
                setStatus(reconnected ? notice('inboxes.reconnected') : notice('webchat.secretRotated'));
              }}
            />
          ) : null}
          <InboxSettingsCard
            workspace={workspace}
            inbox={inbox}
            onSaved={(next) => {
              replace(next);
              setStatus(notice('inboxes.saved'));
            }}
          />
          <InboxMembersCard
            workspace={workspace}
            inbox={inbox}
            members={members.data?.data ?? null}
            membersError={members.error}
            onSaved={(next) => {
              if (next) replace(next);
              setStatus(notice('inboxes.membersSaved'));
            }}
          />
          <DisconnectCard
            workspace={workspace}
            inbox={inbox}
            onDone={(deleted) => {
              if (deleted) {
                flash = notice('inboxes.deleted', { name: inbox.name });
                navigate(base);
                return;
              }
              setVerifyToken(null);
              setStatus(notice('inboxes.disconnected', { name: inbox.name }));
              void loaded.reload();
            }}
          />
        </>
      ) : null}
    </div>
  );
}

/** A stored secret: its name and "saved, hidden" (or "not set"); never its value. */
function SecretRow({ label, saved }: { label: string; saved: boolean }) {
  return (
    <div class="secret-row">
      <dt>{label}</dt>
      <dd>
        <Icon name={saved ? 'lock' : 'alert'} size={14} />
        <span>{saved ? t('secret.saved') : t('secret.missing')}</span>
      </dd>
    </div>
  );
}

function WhatsAppConnection({
  workspace,
  inbox,
  verifyToken,
  onSaved,
}: {
  workspace: WorkspaceRef;
  inbox: Inbox;
  verifyToken: string | null;
  onSaved: (inbox: Inbox, verifyToken: string) => void;
}) {
  const saved = !!inbox.has_credentials;
  const [open, setOpen] = useState(false);
  const { form, setForm, set } = useForm<WhatsAppForm>(() => emptyWhatsApp(randomToken()));
  const f = useSaveForm(WHATSAPP_API_FIELDS);
  const showForm = open || !saved;

  const submit = f.submit(
    () => checkWhatsApp(form, { credentials: true }),
    async () => {
      const { inbox: next } = await api.updateInbox(workspace.id, inbox.id, { credentials: whatsAppCredentials(form) });
      const token = form.verify_token.trim();
      setForm(emptyWhatsApp(randomToken()));
      setOpen(false);
      onSaved(next, token);
    },
  );

  return (
    <Card title={t('whatsapp.connection')} intro={t('whatsapp.webhookIntro')}>
      <div class="form">
        {inbox.webhook_url ? <CopyField id={`webhook-${String(inbox.id)}`} label={t('whatsapp.callbackUrl')} value={inbox.webhook_url} /> : null}
        {verifyToken ? (
          <CopyField
            id={`verify-${String(inbox.id)}`}
            label={t('whatsapp.verifyToken')}
            value={verifyToken}
            hint={t('whatsapp.verifyTokenOnce')}
          />
        ) : null}
        <ol class="steps">
          <li>{t('whatsapp.step1')}</li>
          <li>{t('whatsapp.step2')}</li>
          <li>{t('whatsapp.step3')}</li>
        </ol>
      </div>

      <h3 class="card-subtitle">{t('whatsapp.credentials')}</h3>
      <dl class="secret-list" data-testid="credentials">
        <SecretRow label={t('whatsapp.accessToken')} saved={saved} />
        <SecretRow label={t('whatsapp.appSecret')} saved={saved} />
        <SecretRow label={t('whatsapp.verifyToken')} saved={saved} />
      </dl>
      <p class="field-hint">{saved ? t('secret.hiddenNote') : t('whatsapp.noCredentials')}</p>
      {showForm ? (
        <SaveForm f={f} class="form subform" onSubmit={submit}>
          <WhatsAppSecretFields form={form} set={set} err={f.err} />
          <div class="form-actions">
            {saved ? (
              <button type="button" class="btn btn-secondary" onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </button>
            ) : null}
            <SubmitButton
              busy={f.busy}
              label={saved ? t('whatsapp.saveCredentials') : t('whatsapp.reconnect')}
              busyLabel={t('common.saving')}
            />
          </div>
        </SaveForm>
      ) : (
        <div class="form-actions form-actions-start">
          <button type="button" class="btn btn-secondary" onClick={() => setOpen(true)}>
            <Icon name="key" size={16} />
            <span>{t('whatsapp.replaceCredentials')}</span>
          </button>
        </div>
      )}
    </Card>
  );
}

function WebChatInstallCard({
  workspace,
  inbox,
  onSaved,
}: {
  workspace: WorkspaceRef;
  inbox: Inbox;
  onSaved: (inbox: Inbox, reconnected: boolean) => void;
}) {
  const w = inbox.webchat;
  const disconnected = inbox.status === 'disconnected' || !inbox.has_credentials;
  const [confirming, setConfirming] = useState(false);
  const { busy, error, setError, run } = useAction();

  // Credentials without hmac_token: the server generates a new secret (and reconnects).
  const rotate = () =>
    run(async () => {
      const { inbox: next } = await api.updateInbox(workspace.id, inbox.id, { credentials: {} });
      setConfirming(false);
      onSaved(next, disconnected);
    });

  return (
    <Card title={t('webchat.install')} intro={t('webchat.installIntro')}>
      {w ? (
        <div class="form">
          <CopyField id={`snippet-${String(inbox.id)}`} label={t('webchat.snippet')} value={w.embed_snippet} multiline hint={t('webchat.snippetHint')} />
          <CopyField id={`token-${String(inbox.id)}`} label={t('webchat.websiteToken')} value={w.website_token} />
          {w.hmac_token ? (
            <CopyField id={`hmac-${String(inbox.id)}`} label={t('webchat.hmacToken')} value={w.hmac_token} hint={t('webchat.hmacHint')} />
          ) : null}
        </div>
      ) : null}
      <ErrorAlert error={confirming ? null : error} />
      <div class="form-actions form-actions-start">
        {disconnected ? (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void rotate()}>
            <Icon name="plug" size={16} />
            <span>{t('webchat.reconnect')}</span>
          </button>
        ) : (
          <button type="button" class="btn btn-secondary" onClick={() => setConfirming(true)}>
            <Icon name="reopen" size={16} />
            <span>{t('webchat.rotate')}</span>
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('webchat.rotateTitle')}
        body={t('webchat.rotateBody')}
        confirmLabel={t('webchat.rotate')}
        busy={busy}
        error={<ErrorAlert error={error} />}
        onConfirm={() => void rotate()}
        onCancel={() => {
          setConfirming(false);
          setError(null);
        }}
      />
    </Card>
  );
}

/** Name and channel settings, saved together (PATCH name + settings). */
function InboxSettingsCard({ workspace, inbox, onSaved }: { workspace: WorkspaceRef; inbox: Inbox; onSaved: (inbox: Inbox) => void }) {
  const common = {
    title: t('inboxes.settings'),
    testId: 'inbox-settings',
    submitLabel: t('common.save'),
    busyLabel: t('common.saving'),
  };
  const update = async (patch: InboxInput) => onSaved((await api.updateInbox(workspace.id, inbox.id, patch)).inbox);
  if (inbox.channel_kind === 'whatsapp') {
    return (
      <InboxFormCard<WhatsAppForm, WhatsAppField>
        {...common}
        initial={() => whatsAppFormFrom(inbox.name, inbox.settings)}
        check={(form) => checkWhatsApp(form, { name: true, settings: true })}
        apiFields={WHATSAPP_API_FIELDS}
        save={(form) => update({ name: form.name.trim(), settings: whatsAppSettings(form, inbox.settings) })}
        fields={(part) => <WhatsAppAccountFields {...part} />}
      />
    );
  }
  if (inbox.channel_kind === 'webchat') {
    return (
      <InboxFormCard<WebChatForm, WebChatField>
        {...common}
        initial={() => webChatFormFrom(inbox.name, inbox.settings)}
        check={(form) => checkWebChat(form, { name: true, settings: true })}
        apiFields={WEBCHAT_API_FIELDS}
        save={(form) => update({ name: form.name.trim(), settings: webChatSettings(form, inbox.settings) })}
        fields={(part) => <WebChatFields {...part} />}
      />
    );
  }
  // Channels the dashboard cannot configure yet: only the name.
  return (
    <InboxFormCard<{ name: string }, 'name'>
      {...common}
      initial={() => ({ name: inbox.name })}
      check={(form) => ({ name: checkInboxName(form.name) })}
      apiFields={{ name: 'name' }}
      save={(form) => update({ name: form.name.trim() })}
    />
  );
}

/** Where the server's auto-assignment messages point. */
const MAX_OPEN_API_FIELDS = { auto_assignment: 'max_open', max_open_per_agent: 'max_open' } as const satisfies Record<string, 'max_open'>;

/** Who works the inbox, and whether new conversations are handed out to them automatically. */
function InboxMembersCard({
  workspace,
  inbox,
  members,
  membersError,
  onSaved,
}: {
  workspace: WorkspaceRef;
  inbox: Inbox;
  members: Member[] | null;
  membersError: unknown;
  onSaved: (inbox: Inbox | null) => void;
}) {
  const current = useLoad(() => api.getInboxMembers(workspace.id, inbox.id), [workspace.id, inbox.id]);
  const [selected, setSelected] = useState<Id[] | null>(null);
  const stored = autoAssignmentOf(inbox.settings);
  const [enabled, setEnabled] = useState(stored.enabled);
  const [maxOpen, setMaxOpen] = useState(String(stored.max_open_per_agent));
  const f = useSaveForm(MAX_OPEN_API_FIELDS, { problemText: () => t('validation.maxOpen') });

  useEffect(() => {
    if (current.data && selected === null) setSelected(current.data.user_ids);
  }, [current.data]);

  const picked = selected ?? current.data?.user_ids ?? [];

  // Someone else saved this inbox's members: show them (a selection being edited is kept).
  const follow = (userIds: Id[]) => {
    setSelected((sel) => followRemoteIds(current.data?.user_ids ?? null, sel, userIds));
    current.setData({ user_ids: userIds });
  };
  useWorkspaceEvents(workspace.id, (e) => {
    if (e.event === 'resync') {
      api.getInboxMembers(workspace.id, inbox.id).then((r) => follow(r.user_ids), () => {});
      return;
    }
    const change = inboxMembersChange(e);
    if (change && String(change.inbox_id) === String(inbox.id)) follow(change.user_ids);
  });

  const submit = f.submit(
    // The limit only matters (and is only shown) while auto-assignment is on.
    () => ({ max_open: enabled ? checkMaxOpen(maxOpen) : undefined }),
    async () => {
      if (!current.data || !sameIds(picked, current.data.user_ids)) {
        const r = await api.setInboxMembers(workspace.id, inbox.id, numericIds(picked));
        current.setData(r);
        setSelected(r.user_ids);
      }
      const max = checkMaxOpen(maxOpen) ? stored.max_open_per_agent : Number(maxOpen.trim());
      const want = { enabled, max_open_per_agent: max };
      let next: Inbox | null = null;
      if (want.enabled !== stored.enabled || want.max_open_per_agent !== stored.max_open_per_agent) {
        next = (await api.updateInbox(workspace.id, inbox.id, { settings: withAutoAssignment(inbox.settings, want) })).inbox;
      }
      onSaved(next);
    },
  );

  return (
    <Card title={t('inboxMembers.title')} intro={t('inboxMembers.intro')}>
      <ErrorAlert error={current.error ?? membersError} />
      {(current.loading && !current.data) || (!members && !membersError) ? <Spinner /> : null}
      {current.data && members ? (
        <SaveForm f={f} onSubmit={submit} testId="inbox-members">
          <MemberPicker
            legend={t('inboxMembers.members')}
            hint={t('inboxMembers.visibility')}
            members={members}
            selected={picked}
            onToggle={(id, on) => setSelected(toggleId(picked, id, on))}
            showAvailability
          />
          <fieldset class="form-group">
            <legend>{t('inboxMembers.autoAssignment')}</legend>
            <CheckboxField
              label={t('inboxMembers.autoEnabled')}
              hint={t('inboxMembers.autoHint')}
              checked={enabled}
              onChecked={setEnabled}
            />
            {enabled ? (
              <TextField
                label={t('inboxMembers.maxOpen')}
                value={maxOpen}
                onValue={setMaxOpen}
                error={f.err('max_open')}
                hint={t('inboxMembers.maxOpenHint')}
                inputMode="numeric"
                dir="ltr"
              />
            ) : null}
            {enabled && picked.length === 0 ? (
              <p class="field-hint field-warning">{t('inboxMembers.autoNoMembers')}</p>
            ) : null}
          </fieldset>
          <SaveButton busy={f.busy} />
        </SaveForm>
      ) : null}
    </Card>
  );
}

function DisconnectCard({
  workspace,
  inbox,
  onDone,
}: {
  workspace: WorkspaceRef;
  inbox: Inbox;
  onDone: (deleted: boolean) => void;
}) {
  const disconnected = inbox.status === 'disconnected';
  const [open, setOpen] = useState(false);
  const [deleteHistory, setDeleteHistory] = useState(false);
  const { busy, error, setError, run } = useAction();
  const remove = disconnected || deleteHistory;

  const confirm = () =>
    run(async () => {
      await api.disconnectInbox(workspace.id, inbox.id, !remove);
      setOpen(false);
      onDone(remove);
    });

  const close = () => {
    setOpen(false);
    setError(null);
    setDeleteHistory(false);
  };

  return (
    <Card
      class="card-danger"
      title={disconnected ? t('inboxes.deleteTitle') : t('inboxes.disconnectTitle')}
      intro={disconnected ? t('inboxes.deleteIntro') : t('inboxes.disconnectIntro')}
    >
      <div class="form-actions form-actions-start">
        <button type="button" class="btn btn-danger" onClick={() => setOpen(true)}>
          <Icon name={disconnected ? 'trash' : 'unplug'} size={16} />
          <span>{disconnected ? t('inboxes.delete') : t('inboxes.disconnect')}</span>
        </button>
      </div>
      <Dialog
        open={open}
        title={disconnected ? t('inboxes.deleteConfirm', { name: inbox.name }) : t('inboxes.disconnectConfirm', { name: inbox.name })}
        onClose={close}
        role="alertdialog"
        size="sm"
      >
        {disconnected ? (
          <p class="dialog-text">{t('inboxes.deleteBody')}</p>
        ) : (
          <>
            <p class="dialog-text">
              {inbox.channel_kind === 'webchat' ? t('inboxes.disconnectBodyWebchat') : t('inboxes.disconnectBody')}
            </p>
            <CheckboxField
              label={t('inboxes.deleteHistory')}
              hint={t('inboxes.deleteHistoryHint')}
              checked={deleteHistory}
              onChecked={setDeleteHistory}
            />
          </>
        )}
        <ErrorAlert error={error} />
        <div class="dialog-actions">
          <button type="button" class="btn btn-secondary" onClick={close} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button type="button" class="btn btn-danger" onClick={() => void confirm()} disabled={busy}>
            {remove ? t('inboxes.delete') : t('inboxes.disconnect')}
          </button>
        </div>
      </Dialog>
    </Card>
  );
}

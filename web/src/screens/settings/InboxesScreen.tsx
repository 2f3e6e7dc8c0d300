import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Id, Inbox, Member, WorkspaceRef } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { CopyField } from '../../components/CopyButton';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { CheckboxField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Card, EmptyState, PageHeader, Spinner, SubmitButton } from '../../components/Layout';
import { locale, t, type MessageKey } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import { navigate, onLinkClick } from '../../lib/router';
import { workspacePath } from '../../lib/session';
import { focusFirstInvalid } from '../../lib/validate';
import type { ScreenProps } from '../../routes';
import { ChannelIcon, channelLabel } from '../inbox/shared';
import {
  WEBCHAT_API_FIELDS,
  WHATSAPP_API_FIELDS,
  WebChatFields,
  WhatsAppAccountFields,
  WhatsAppSecretFields,
} from './InboxForms';
import { BackLink, MemberPicker, errorFor, saveError, type SaveError, notice, noticeText, type Notice } from './SettingsParts';
import {
  autoAssignmentOf,
  checkMaxOpen,
  checkWebChat,
  checkWhatsApp,
  emptyWebChat,
  emptyWhatsApp,
  hasProblems,
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
  const addButton = (
    <a class="btn btn-primary" href={`${base}/new`} onClick={onLinkClick}>
      <Icon name="plus" size={18} />
      <span>{t('inboxes.add')}</span>
    </a>
  );
  return (
    <div class="page">
      <PageHeader title={t('inboxes.title')} subtitle={t('inboxes.subtitle')} actions={list.length ? addButton : null} />
      <StatusMessage message={noticeText(status)} />
      <ErrorAlert error={inboxes.error}>
        <button type="button" class="btn btn-link" onClick={() => void inboxes.reload()}>
          {t('common.retry')}
        </button>
      </ErrorAlert>
      <Card>
        {inboxes.loading && !inboxes.data ? <Spinner /> : null}
        {inboxes.data && list.length === 0 ? (
          <EmptyState icon="plug" title={t('inboxes.emptyTitle')} body={t('inboxes.emptyBody')}>
            {addButton}
          </EmptyState>
        ) : null}
        {list.length > 0 ? (
          <div class="table-wrap">
            <table class="table" data-testid="inboxes">
              <thead>
                <tr>
                  <th scope="col">{t('inboxes.colInbox')}</th>
                  <th scope="col">{t('inboxes.colStatus')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
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
        ) : null}
      </Card>
    </div>
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

function NewWhatsApp({ workspace, onConnected }: { workspace: WorkspaceRef; onConnected: (inbox: Inbox, verifyToken: string) => void }) {
  const { form, set } = useForm<WhatsAppForm>(() => emptyWhatsApp(randomToken()));
  const [problems, setProblems] = useState<Problems<WhatsAppField>>({});
  const [server, setServer] = useState<SaveError<WhatsAppField> | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const err = (f: WhatsAppField) => errorFor(f, problems, server);

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkWhatsApp(form, { name: true, settings: true, credentials: true });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    try {
      const { inbox } = await api.createInbox(workspace.id, {
        name: form.name.trim(),
        channel_kind: 'whatsapp',
        settings: whatsAppSettings(form),
        credentials: whatsAppCredentials(form),
      });
      onConnected(inbox, form.verify_token.trim());
    } catch (error) {
      setServer(saveError(error, WHATSAPP_API_FIELDS));
      focusFirstInvalid(ref.current);
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('inboxes.new.whatsappTitle')}</h2>
      <p class="muted">{t('inboxes.new.whatsappIntro')}</p>
      <form ref={ref} class="form" onSubmit={submit} noValidate data-testid="whatsapp-form">
        <ErrorAlert error={server?.general ?? null} />
        <TextField
          label={t('inboxes.name')}
          value={form.name}
          onValue={(v) => set('name', v)}
          error={err('name')}
          placeholder={t('inboxes.whatsappNamePlaceholder')}
          required
        />
        <fieldset class="form-group">
          <legend>{t('whatsapp.account')}</legend>
          <WhatsAppAccountFields form={form} set={set} errors={fieldErrors(WHATSAPP_KEYS, err)} />
        </fieldset>
        <fieldset class="form-group">
          <legend>{t('whatsapp.secrets')}</legend>
          <p class="field-hint">{t('whatsapp.secretsHint')}</p>
          <WhatsAppSecretFields form={form} set={set} errors={fieldErrors(WHATSAPP_KEYS, err)} />
        </fieldset>
        <div>
          <SubmitButton busy={busy} label={t('inboxes.new.connect')} busyLabel={t('inboxes.new.connecting')} />
        </div>
      </form>
    </Card>
  );
}

const WHATSAPP_KEYS: WhatsAppField[] = ['name', 'phone_number_id', 'waba_id', 'messages_per_second', 'access_token', 'app_secret', 'verify_token'];
const WEBCHAT_KEYS: WebChatField[] = [
  'name',
  'allowed_domains',
  'widget_color',
  'locale',
  'welcome_title',
  'welcome_tagline',
  'reply_time',
  'pre_chat_form_enabled',
  'pre_chat_message',
  'consent_text',
  'offline_message',
  'attachments_enabled',
  'max_attachment_mb',
  'hmac_mandatory',
];

function fieldErrors<K extends string>(keys: K[], err: (k: K) => string | undefined): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const e = err(k);
    if (e) out[k] = e;
  }
  return out;
}

function NewWebChat({ workspace, onConnected }: { workspace: WorkspaceRef; onConnected: (inbox: Inbox) => void }) {
  const { form, set } = useForm<WebChatForm>(() => emptyWebChat(locale.get()));
  const [problems, setProblems] = useState<Problems<WebChatField>>({});
  const [server, setServer] = useState<SaveError<WebChatField> | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const err = (f: WebChatField) => errorFor(f, problems, server);

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkWebChat(form, { name: true, settings: true });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    try {
      const { inbox } = await api.createInbox(workspace.id, {
        name: form.name.trim(),
        channel_kind: 'webchat',
        settings: webChatSettings(form),
      });
      onConnected(inbox);
    } catch (error) {
      setServer(saveError(error, WEBCHAT_API_FIELDS));
      focusFirstInvalid(ref.current);
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('inboxes.new.webchatTitle')}</h2>
      <p class="muted">{t('inboxes.new.webchatIntro')}</p>
      <form ref={ref} class="form" onSubmit={submit} noValidate data-testid="webchat-form">
        <ErrorAlert error={server?.general ?? null} />
        <TextField
          label={t('inboxes.name')}
          value={form.name}
          onValue={(v) => set('name', v)}
          error={err('name')}
          placeholder={t('inboxes.webchatNamePlaceholder')}
          required
        />
        <WebChatFields form={form} set={set} errors={fieldErrors(WEBCHAT_KEYS, err)} />
        <div>
          <SubmitButton busy={busy} label={t('inboxes.new.create')} busyLabel={t('inboxes.new.connecting')} />
        </div>
      </form>
    </Card>
  );
}

/* ---------- One inbox ---------- */

function InboxDetail({ workspace, base, inboxId }: { workspace: WorkspaceRef; base: string; inboxId: string }) {
  const loaded = useLoad(() => api.getInbox(workspace.id, inboxId), [workspace.id, inboxId]);
  const members = useLoad(() => api.listMembers(workspace.id), [workspace.id]);
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
        <ErrorAlert error={loaded.error}>
          <button type="button" class="btn btn-link" onClick={() => void loaded.reload()}>
            {t('common.retry')}
          </button>
        </ErrorAlert>
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
  const [problems, setProblems] = useState<Problems<WhatsAppField>>({});
  const [server, setServer] = useState<SaveError<WhatsAppField> | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const err = (f: WhatsAppField) => errorFor(f, problems, server);
  const showForm = open || !saved;

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkWhatsApp(form, { credentials: true });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    try {
      const { inbox: next } = await api.updateInbox(workspace.id, inbox.id, { credentials: whatsAppCredentials(form) });
      const token = form.verify_token.trim();
      setForm(emptyWhatsApp(randomToken()));
      setOpen(false);
      onSaved(next, token);
    } catch (error) {
      setServer(saveError(error, WHATSAPP_API_FIELDS));
      focusFirstInvalid(ref.current);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('whatsapp.connection')}</h2>
      <p class="muted">{t('whatsapp.webhookIntro')}</p>
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
        <form ref={ref} class="form subform" onSubmit={submit} noValidate>
          <ErrorAlert error={server?.general ?? null} />
          <WhatsAppSecretFields form={form} set={set} errors={fieldErrors(WHATSAPP_KEYS, err)} />
          <div class="form-actions">
            {saved ? (
              <button type="button" class="btn btn-secondary" onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </button>
            ) : null}
            <SubmitButton
              busy={busy}
              label={saved ? t('whatsapp.saveCredentials') : t('whatsapp.reconnect')}
              busyLabel={t('common.saving')}
            />
          </div>
        </form>
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function rotate() {
    setBusy(true);
    setError(null);
    try {
      // Credentials without hmac_token: the server generates a new secret (and reconnects).
      const { inbox: next } = await api.updateInbox(workspace.id, inbox.id, { credentials: {} });
      setConfirming(false);
      onSaved(next, disconnected);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('webchat.install')}</h2>
      <p class="muted">{t('webchat.installIntro')}</p>
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
  if (inbox.channel_kind === 'whatsapp') return <WhatsAppSettingsForm workspace={workspace} inbox={inbox} onSaved={onSaved} />;
  if (inbox.channel_kind === 'webchat') return <WebChatSettingsForm workspace={workspace} inbox={inbox} onSaved={onSaved} />;
  return <RenameForm workspace={workspace} inbox={inbox} onSaved={onSaved} />;
}

function WhatsAppSettingsForm({ workspace, inbox, onSaved }: { workspace: WorkspaceRef; inbox: Inbox; onSaved: (inbox: Inbox) => void }) {
  const { form, set } = useForm<WhatsAppForm>(() => whatsAppFormFrom(inbox.name, inbox.settings));
  const [problems, setProblems] = useState<Problems<WhatsAppField>>({});
  const [server, setServer] = useState<SaveError<WhatsAppField> | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const err = (f: WhatsAppField) => errorFor(f, problems, server);

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkWhatsApp(form, { name: true, settings: true });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    try {
      const { inbox: next } = await api.updateInbox(workspace.id, inbox.id, {
        name: form.name.trim(),
        settings: whatsAppSettings(form, inbox.settings),
      });
      onSaved(next);
    } catch (error) {
      setServer(saveError(error, WHATSAPP_API_FIELDS));
      focusFirstInvalid(ref.current);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('inboxes.settings')}</h2>
      <form ref={ref} class="form" onSubmit={submit} noValidate data-testid="inbox-settings">
        <ErrorAlert error={server?.general ?? null} />
        <TextField label={t('inboxes.name')} value={form.name} onValue={(v) => set('name', v)} error={err('name')} required />
        <WhatsAppAccountFields form={form} set={set} errors={fieldErrors(WHATSAPP_KEYS, err)} />
        <div>
          <SubmitButton busy={busy} label={t('common.save')} busyLabel={t('common.saving')} />
        </div>
      </form>
    </Card>
  );
}

function WebChatSettingsForm({ workspace, inbox, onSaved }: { workspace: WorkspaceRef; inbox: Inbox; onSaved: (inbox: Inbox) => void }) {
  const { form, set } = useForm<WebChatForm>(() => webChatFormFrom(inbox.name, inbox.settings));
  const [problems, setProblems] = useState<Problems<WebChatField>>({});
  const [server, setServer] = useState<SaveError<WebChatField> | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const err = (f: WebChatField) => errorFor(f, problems, server);

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkWebChat(form, { name: true, settings: true });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    try {
      const { inbox: next } = await api.updateInbox(workspace.id, inbox.id, {
        name: form.name.trim(),
        settings: webChatSettings(form, inbox.settings),
      });
      onSaved(next);
    } catch (error) {
      setServer(saveError(error, WEBCHAT_API_FIELDS));
      focusFirstInvalid(ref.current);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('inboxes.settings')}</h2>
      <form ref={ref} class="form" onSubmit={submit} noValidate data-testid="inbox-settings">
        <ErrorAlert error={server?.general ?? null} />
        <TextField label={t('inboxes.name')} value={form.name} onValue={(v) => set('name', v)} error={err('name')} required />
        <WebChatFields form={form} set={set} errors={fieldErrors(WEBCHAT_KEYS, err)} />
        <div>
          <SubmitButton busy={busy} label={t('common.save')} busyLabel={t('common.saving')} />
        </div>
      </form>
    </Card>
  );
}

/** Channels the dashboard cannot configure yet: only the name. */
function RenameForm({ workspace, inbox, onSaved }: { workspace: WorkspaceRef; inbox: Inbox; onSaved: (inbox: Inbox) => void }) {
  const { form, set } = useForm(() => ({ ...emptyWhatsApp(), name: inbox.name }));
  const [problems, setProblems] = useState<Problems<WhatsAppField>>({});
  const [server, setServer] = useState<SaveError<WhatsAppField> | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkWhatsApp(form, { name: true });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    try {
      const { inbox: next } = await api.updateInbox(workspace.id, inbox.id, { name: form.name.trim() });
      onSaved(next);
    } catch (error) {
      setServer(saveError(error, WHATSAPP_API_FIELDS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('inboxes.settings')}</h2>
      <form ref={ref} class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={server?.general ?? null} />
        <TextField label={t('inboxes.name')} value={form.name} onValue={(v) => set('name', v)} error={errorFor('name', problems, server)} required />
        <div>
          <SubmitButton busy={busy} label={t('common.save')} busyLabel={t('common.saving')} />
        </div>
      </form>
    </Card>
  );
}

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
  const [maxProblem, setMaxProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (current.data && selected === null) setSelected(current.data.user_ids);
  }, [current.data]);

  const picked = selected ?? current.data?.user_ids ?? [];

  async function submit(e: Event) {
    e.preventDefault();
    // The limit only matters (and is only shown) while auto-assignment is on.
    const p = enabled ? checkMaxOpen(maxOpen) : undefined;
    setMaxProblem(p ? t('validation.maxOpen') : undefined);
    if (p) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    setError(null);
    try {
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
    } catch (err) {
      const s = saveError(err, { auto_assignment: 'max_open' as const, max_open_per_agent: 'max_open' as const });
      if (s.field) setMaxProblem(s.text);
      setError(s.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('inboxMembers.title')}</h2>
      <p class="muted">{t('inboxMembers.intro')}</p>
      <ErrorAlert error={current.error ?? membersError} />
      {(current.loading && !current.data) || (!members && !membersError) ? <Spinner /> : null}
      {current.data && members ? (
        <form ref={ref} class="form" onSubmit={submit} noValidate data-testid="inbox-members">
          <ErrorAlert error={error} />
          <MemberPicker
            legend={t('inboxMembers.members')}
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
                error={maxProblem}
                hint={t('inboxMembers.maxOpenHint')}
                inputMode="numeric"
                dir="ltr"
              />
            ) : null}
            {enabled && picked.length === 0 ? (
              <p class="field-hint field-warning">{t('inboxMembers.autoNoMembers')}</p>
            ) : null}
          </fieldset>
          <div>
            <SubmitButton busy={busy} label={t('common.save')} busyLabel={t('common.saving')} />
          </div>
        </form>
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const remove = disconnected || deleteHistory;

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await api.disconnectInbox(workspace.id, inbox.id, !remove);
      setOpen(false);
      onDone(remove);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const close = () => {
    setOpen(false);
    setError(null);
    setDeleteHistory(false);
  };

  return (
    <Card class="card-danger">
      <h2 class="card-title">{disconnected ? t('inboxes.deleteTitle') : t('inboxes.disconnectTitle')}</h2>
      <p class="muted">{disconnected ? t('inboxes.deleteIntro') : t('inboxes.disconnectIntro')}</p>
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

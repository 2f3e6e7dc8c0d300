import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Avatar, EmptyState, PageHeader, Spinner, SubmitButton } from '../../components/Layout';
import { formatTimestamp, microsToDate, t } from '../../i18n';
import { usePaged } from '../../lib/hooks';
import { checkEmail, focusFirstInvalid, hasErrors, requireText, type Errors } from '../../lib/validate';
import type { ScreenProps } from '../../routes';

export function ContactsScreen({ workspace }: ScreenProps) {
  const contacts = usePaged((cursor) => api.listContacts(workspace.id, cursor), [workspace.id]);
  const [creating, setCreating] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  return (
    <div class="page">
      <PageHeader
        title={t('contacts.title')}
        subtitle={t('contacts.subtitle')}
        actions={
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={18} />
            <span>{t('contacts.new')}</span>
          </button>
        }
      />
      <StatusMessage message={status} />
      <ErrorAlert error={contacts.error}>
        <button type="button" class="btn btn-link" onClick={() => void contacts.reload()}>
          {t('common.retry')}
        </button>
      </ErrorAlert>

      <div class="card">
        {contacts.items.length === 0 && contacts.loading ? <Spinner /> : null}
        {contacts.items.length === 0 && !contacts.loading && !contacts.error ? (
          <EmptyState icon="contacts" title={t('contacts.emptyTitle')} body={t('contacts.emptyBody')} />
        ) : null}
        {contacts.items.length > 0 ? (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('contacts.colName')}</th>
                  <th scope="col" class="hide-sm">
                    {t('contacts.colEmail')}
                  </th>
                  <th scope="col" class="hide-sm">
                    {t('contacts.colPhone')}
                  </th>
                  <th scope="col" class="hide-sm">
                    {t('contacts.colCreated')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {contacts.items.map((c) => (
                  <tr key={String(c.id)}>
                    <td>
                      <span class="cell-person">
                        <Avatar name={c.name || '?'} size="sm" />
                        <span class="cell-stack">
                          <bdi dir="auto">{c.name || t('common.none')}</bdi>
                          {c.email || c.phone_e164 ? (
                            <span class="show-sm muted small">
                              {[c.email, c.phone_e164].filter(Boolean).map((v) => (
                                <bdi key={v} dir="ltr" class="stack-line">
                                  {v}
                                </bdi>
                              ))}
                            </span>
                          ) : null}
                        </span>
                      </span>
                    </td>
                    <td class="hide-sm">{c.email ? <bdi dir="ltr">{c.email}</bdi> : t('common.none')}</td>
                    <td class="hide-sm nowrap">{c.phone_e164 ? <bdi dir="ltr">{c.phone_e164}</bdi> : t('common.none')}</td>
                    <td class="hide-sm nowrap">
                      <time dateTime={microsToDate(c.created_at).toISOString()}>{formatTimestamp(c.created_at)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {contacts.hasMore ? (
          <div class="card-footer">
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() => void contacts.loadMore()}
              disabled={contacts.loading}
            >
              {contacts.loading ? t('common.loading') : t('common.loadMore')}
            </button>
          </div>
        ) : null}
      </div>

      <NewContactDialog
        open={creating}
        workspaceId={workspace.id}
        onClose={() => setCreating(false)}
        onCreated={(name) => {
          setCreating(false);
          setStatus(t('contacts.created', { name }));
          void contacts.reload();
        }}
      />
    </div>
  );
}

type Key = 'name' | 'email' | 'phone';

function NewContactDialog({
  open,
  workspaceId,
  onClose,
  onCreated,
}: {
  open: boolean;
  workspaceId: string | number;
  onClose: () => void;
  onCreated: (name: string) => void;
}) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  function reset() {
    setName('');
    setEmail('');
    setPhone('');
    setErrors({});
    setError(null);
    setBusy(false);
  }

  async function submit(e: Event) {
    e.preventDefault();
    const found: Errors<Key> = { name: requireText(name), email: checkEmail(email, false) };
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: { name: string; email?: string; phone?: string } = { name: name.trim() };
      if (email.trim()) body.email = email.trim();
      // The API wants E.164 ("+971501234567"); people type spaces, dashes and brackets.
      if (phone.trim()) body.phone = phone.replace(/[\s().-]/g, '');
      await api.createContact(workspaceId, body);
      const created = name.trim();
      reset();
      onCreated(created);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      title={t('contacts.new')}
      onClose={() => {
        reset();
        onClose();
      }}
    >
      <form ref={form} class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <TextField label={t('field.name')} value={name} onValue={setName} error={errors.name} required autoFocus />
        <TextField
          label={t('field.email')}
          type="email"
          value={email}
          onValue={setEmail}
          error={errors.email}
          dir="ltr"
          optional
        />
        <TextField
          label={t('field.phone')}
          type="tel"
          value={phone}
          onValue={setPhone}
          error={errors.phone}
          hint={t('contacts.phoneHint')}
          inputMode="tel"
          dir="ltr"
          optional
        />
        <div class="dialog-actions">
          <button
            type="button"
            class="btn btn-secondary"
            onClick={() => {
              reset();
              onClose();
            }}
          >
            {t('common.cancel')}
          </button>
          <SubmitButton busy={busy} label={t('common.create')} busyLabel={t('common.saving')} />
        </div>
      </form>
    </Dialog>
  );
}

import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { ApiToken, ApiTokenCreated } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { CopyField } from '../../components/CopyButton';
import { ConfirmDialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { Card, PageHeader, RowButton, Spinner, SubmitButton } from '../../components/Layout';
import { formatTimestamp, microsToDate, t } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import { focusFirstInvalid, requireText } from '../../lib/validate';
import type { ScreenProps } from '../../routes';

export function ApiTokensScreen({ workspace }: ScreenProps) {
  const tokens = useLoad(() => api.listApiTokens(workspace.id), [workspace.id]);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The secret lives only in this component's state: gone on navigation, never stored.
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const problem = requireText(name);
    setNameError(problem);
    if (problem) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const result = await api.createApiToken(workspace.id, name.trim());
      setCreated(result);
      setName('');
      void tokens.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function confirmRevoke() {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await api.revokeApiToken(workspace.id, revoking.id);
      setStatus(t('tokens.revoked', { name: revoking.name }));
      if (created && String(created.api_token.id) === String(revoking.id)) setCreated(null);
      setRevoking(null);
      void tokens.reload();
    } catch (err) {
      setRevokeError(err);
    } finally {
      setRevokeBusy(false);
    }
  }

  return (
    <div class="page">
      <PageHeader title={t('tokens.title')} subtitle={t('tokens.subtitle')} />
      <StatusMessage message={status} />

      <Card>
        <form ref={form} class="form form-row" onSubmit={submit} noValidate>
          <TextField
            class="grow"
            label={t('tokens.name')}
            value={name}
            onValue={setName}
            error={nameError}
            placeholder={t('tokens.namePlaceholder')}
            autoComplete="off"
            required
          />
          <div class="form-row-action">
            <SubmitButton busy={busy} label={t('tokens.create')} busyLabel={t('tokens.creating')} />
          </div>
        </form>
        <ErrorAlert error={error} />
        {created ? (
          <div class="callout callout-warning" data-testid="new-token">
            <h2 class="callout-title">{t('tokens.newTitle', { name: created.api_token.name })}</h2>
            <p>{t('tokens.newBody')}</p>
            <CopyField id="new-token-value" label={t('tokens.value')} value={created.token} />
            <div class="callout-actions">
              <button type="button" class="btn btn-secondary" onClick={() => setCreated(null)}>
                {t('common.done')}
              </button>
            </div>
          </div>
        ) : null}
      </Card>

      <Card>
        <ErrorAlert error={tokens.error} />
        {tokens.loading && !tokens.data ? <Spinner /> : null}
        {tokens.data && tokens.data.data.length === 0 ? <p class="muted">{t('tokens.empty')}</p> : null}
        {tokens.data && tokens.data.data.length > 0 ? (
          <div class="table-wrap">
            <table class="table" data-testid="api-tokens">
              <thead>
                <tr>
                  <th scope="col">{t('tokens.colName')}</th>
                  <th scope="col">{t('tokens.colPrefix')}</th>
                  <th scope="col" class="hide-sm">
                    {t('tokens.colCreated')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.data.map((tok) => (
                  <tr key={String(tok.id)}>
                    <td>
                      <bdi dir="auto">{tok.name}</bdi>
                    </td>
                    <td>
                      <code dir="ltr">{tok.prefix}…</code>
                    </td>
                    <td class="hide-sm nowrap">
                      <time dateTime={microsToDate(tok.created_at).toISOString()}>{formatTimestamp(tok.created_at)}</time>
                    </td>
                    <td class="cell-actions">
                      <RowButton
                        icon="trash"
                        text={t('tokens.revoke')}
                        label={t('tokens.revokeLabel', { name: tok.name })}
                        danger
                        onClick={() => setRevoking(tok)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>

      <ConfirmDialog
        open={revoking !== null}
        title={revoking ? t('tokens.revokeTitle', { name: revoking.name }) : ''}
        body={t('tokens.revokeBody')}
        confirmLabel={t('tokens.revoke')}
        busy={revokeBusy}
        error={<ErrorAlert error={revokeError} />}
        onConfirm={() => void confirmRevoke()}
        onCancel={() => {
          setRevoking(null);
          setRevokeError(null);
        }}
      />
    </div>
  );
}

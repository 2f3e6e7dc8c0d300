import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { SelectField, TextField } from '../../components/Field';
import { Card, PageHeader, SubmitButton } from '../../components/Layout';
import { normalizeLocale, t, type UiLocale } from '../../i18n';
import { updateWorkspace } from '../../lib/session';
import { focusFirstInvalid, requireText } from '../../lib/validate';
import type { ScreenProps } from '../../routes';

export function WorkspaceScreen({ workspace }: ScreenProps) {
  const [name, setName] = useState(workspace.name);
  const [wsLocale, setWsLocale] = useState<UiLocale>(normalizeLocale(workspace.locale ?? 'en'));
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
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
      const result = await api.updateWorkspace(workspace.id, { name: name.trim(), locale: wsLocale });
      updateWorkspace(workspace.id, {
        name: result?.workspace?.name ?? name.trim(),
        locale: result?.workspace?.locale ?? wsLocale,
      });
      setStatus(t('workspace.saved'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="page">
      <PageHeader title={t('workspace.title')} subtitle={t('workspace.subtitle')} />
      <StatusMessage message={status} />
      <Card class="card-narrow">
        <form ref={form} class="form" onSubmit={submit} noValidate>
          <ErrorAlert error={error} />
          <TextField
            label={t('workspace.name')}
            value={name}
            onValue={setName}
            error={nameError}
            autoComplete="organization"
            required
          />
          <SelectField
            label={t('workspace.locale')}
            value={wsLocale}
            hint={t('workspace.localeHint')}
            options={[
              { value: 'en', label: t('lang.en') },
              { value: 'ar', label: t('lang.ar') },
            ]}
            onValue={setWsLocale}
          />
          <div>
            <SubmitButton busy={busy} label={t('common.save')} busyLabel={t('common.saving')} />
          </div>
        </form>
      </Card>
    </div>
  );
}

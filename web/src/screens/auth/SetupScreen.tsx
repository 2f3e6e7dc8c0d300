import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { SetupResponse } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { SubmitButton } from '../../components/Layout';
import { locale, t } from '../../i18n';
import {
  MIN_PASSWORD,
  checkEmail,
  checkPassword,
  focusFirstInvalid,
  hasErrors,
  requireText,
  type Errors,
} from '../../lib/validate';
import { AuthLayout } from './AuthLayout';

type Key = 'workspace' | 'name' | 'email' | 'password';

export function SetupScreen({ onDone }: { onDone: (result: SetupResponse) => void }) {
  const [workspace, setWorkspace] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const found: Errors<Key> = {
      workspace: requireText(workspace),
      name: requireText(name),
      email: checkEmail(email),
      password: checkPassword(password),
    };
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await api.setup({
        workspace_name: workspace.trim(),
        name: name.trim(),
        email: email.trim(),
        password,
        locale: locale.get(),
      });
      onDone(result);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <AuthLayout title={t('setup.title')} intro={t('setup.intro')}>
      <form ref={form} class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <TextField
          label={t('setup.workspaceName')}
          value={workspace}
          onValue={setWorkspace}
          error={errors.workspace}
          placeholder={t('setup.workspacePlaceholder')}
          autoComplete="organization"
          required
          autoFocus
        />
        <TextField
          label={t('setup.yourName')}
          value={name}
          onValue={setName}
          error={errors.name}
          autoComplete="name"
          required
        />
        <TextField
          label={t('field.email')}
          type="email"
          value={email}
          onValue={setEmail}
          error={errors.email}
          autoComplete="email"
          dir="ltr"
          required
        />
        <TextField
          label={t('field.password')}
          type="password"
          value={password}
          onValue={setPassword}
          error={errors.password}
          hint={t('setup.passwordHint', { min: MIN_PASSWORD })}
          autoComplete="new-password"
          minLength={MIN_PASSWORD}
          dir="ltr"
          required
        />
        <SubmitButton busy={busy} label={t('setup.submit')} busyLabel={t('setup.submitting')} class="btn-block" />
      </form>
    </AuthLayout>
  );
}

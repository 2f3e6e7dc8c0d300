import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { LoginResponse } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { SubmitButton } from '../../components/Layout';
import { t } from '../../i18n';
import { checkEmail, focusFirstInvalid, hasErrors, requireText, type Errors } from '../../lib/validate';
import { AuthLayout } from './AuthLayout';

type Key = 'email' | 'password';

export function LoginScreen({
  onDone,
  notice,
}: {
  onDone: (result: LoginResponse) => void;
  notice?: 'expired' | 'signed-out' | 'removed' | null;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [error, setError] = useState<unknown>(
    notice === 'expired' ? new ApiError(401, 'unauthenticated', '') : null,
  );
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const found: Errors<Key> = { email: checkEmail(email), password: requireText(password) };
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await api.login(email.trim(), password));
    } catch (err) {
      // A 401 here means bad credentials, not an expired session.
      setError(
        err instanceof ApiError && err.status === 401
          ? new ApiError(401, 'invalid_credentials', err.message || t('login.failed'))
          : err,
      );
      setPassword('');
      setBusy(false);
    }
  }

  return (
    <AuthLayout title={t('login.title')} intro={t('login.subtitle')}>
      <form ref={form} class="form" onSubmit={submit} noValidate>
        <StatusMessage message={notice === 'signed-out' && !error ? t('login.signedOut') : null} />
        {notice === 'removed' && !error ? (
          <div class="callout callout-warning" role="status" data-testid="removed-notice">
            <p>{t('login.removed')}</p>
          </div>
        ) : null}
        <ErrorAlert error={error} />
        <TextField
          label={t('field.email')}
          type="email"
          value={email}
          onValue={setEmail}
          error={errors.email}
          autoComplete="username"
          dir="ltr"
          required
          autoFocus
        />
        <TextField
          label={t('field.password')}
          type="password"
          value={password}
          onValue={setPassword}
          error={errors.password}
          autoComplete="current-password"
          dir="ltr"
          required
        />
        <SubmitButton busy={busy} label={t('login.submit')} busyLabel={t('login.submitting')} class="btn-block" />
      </form>
    </AuthLayout>
  );
}

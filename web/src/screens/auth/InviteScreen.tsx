import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { LoginResponse } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { SubmitButton } from '../../components/Layout';
import { t } from '../../i18n';
import { onLinkClick } from '../../lib/router';
import {
  MIN_PASSWORD,
  checkPassword,
  focusFirstInvalid,
  hasErrors,
  requireText,
  type Errors,
} from '../../lib/validate';
import { AuthLayout } from './AuthLayout';

type Key = 'name' | 'password';

export function InviteScreen({ token, onDone }: { token: string; onDone: (result: LoginResponse) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<Key>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  if (!token) {
    return (
      <AuthLayout title={t('invite.title')}>
        <div class="alert alert-error" role="alert">
          {t('invite.missingToken')}
        </div>
        <p>
          <a href="/login" onClick={onLinkClick}>
            {t('invite.toLogin')}
          </a>
        </p>
      </AuthLayout>
    );
  }

  async function submit(e: Event) {
    e.preventDefault();
    const found: Errors<Key> = { name: requireText(name), password: checkPassword(password) };
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await api.acceptInvitation(token, name.trim(), password));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <AuthLayout title={t('invite.title')} intro={t('invite.intro')}>
      <form ref={form} class="form" onSubmit={submit} noValidate>
        <ErrorAlert error={error} />
        <TextField
          label={t('field.name')}
          value={name}
          onValue={setName}
          error={errors.name}
          autoComplete="name"
          required
          autoFocus
        />
        <TextField
          label={t('field.password')}
          type="password"
          value={password}
          onValue={setPassword}
          error={errors.password}
          hint={t('setup.passwordHint', { min: MIN_PASSWORD })}
          autoComplete="new-password"
          dir="ltr"
          required
        />
        <SubmitButton busy={busy} label={t('invite.submit')} busyLabel={t('invite.submitting')} class="btn-block" />
      </form>
    </AuthLayout>
  );
}

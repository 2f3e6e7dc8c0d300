import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client';
import { locale, t } from '../i18n';
import { Icon } from './Icon';

function localizedFor(error: ApiError): string {
  switch (error.code) {
    case 'unauthenticated':
      return t('error.unauthenticated');
    case 'invalid_credentials':
      return t('login.failed');
    case 'permission_denied':
      return t('error.permission');
    case 'not_found':
      return t('error.notFound');
    case 'conflict':
      return t('error.conflict');
    case 'invalid_argument':
      return t('error.invalid');
    default:
      return t('error.generic');
  }
}

/**
 * What to show a person for a failure. In English that is the server's own message. In other
 * languages the server's (English) message becomes a detail under a localized summary, unless
 * the server already answered in the UI language (it gets Accept-Language).
 */
export function describeError(error: unknown): { text: string; detail: string | null } {
  if (!(error instanceof ApiError)) return { text: t('error.generic'), detail: null };
  if (error.status === 0) return { text: t('error.network'), detail: null };
  if (error.status === 429 || error.code === 'rate_limited') {
    const wait = error.retryAfterSeconds;
    const text =
      wait === null
        ? t('error.rateLimitedNoHint')
        : wait <= 1
          ? t('error.rateLimitedSoon')
          : wait >= 120
          ? t('error.rateLimitedMinutes', { minutes: Math.ceil(wait / 60) })
          : t('error.rateLimited', { seconds: Math.max(1, wait) });
    return { text, detail: null };
  }
  if (!error.message) return { text: localizedFor(error), detail: null };
  if (locale.get() === 'en' || !/^[\x00-\x7F]*$/.test(error.message)) {
    return { text: error.message, detail: null };
  }
  return { text: localizedFor(error), detail: error.message };
}

/**
 * An error announced to assistive technology as soon as it appears. Renders nothing for null.
 * With `onRetry`, a "Try again" link button follows the message.
 */
export function ErrorAlert({ error, children, onRetry }: { error: unknown; children?: ComponentChildren; onRetry?: () => void }) {
  if (error === null || error === undefined) return null;
  const { text, detail } = describeError(error);
  return (
    <div class="alert alert-error" role="alert">
      <Icon name="alert" size={18} />
      <div class="alert-body">
        <span dir="auto">{text}</span>
        {detail ? (
          <span class="alert-detail" dir="ltr" lang="en">
            {detail}
          </span>
        ) : null}
        {children}
        {onRetry ? (
          <button type="button" class="btn btn-link" onClick={onRetry}>
            {t('common.retry')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** A polite confirmation ("Saved", "Token revoked"). */
export function StatusMessage({ message }: { message: string | null }) {
  return (
    <div class="status-region" role="status" aria-live="polite">
      {message ? (
        <div class="alert alert-success">
          <Icon name="check" size={18} />
          <span>{message}</span>
        </div>
      ) : null}
    </div>
  );
}

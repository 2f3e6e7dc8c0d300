import type { ComponentChildren } from 'preact';
import { t } from '../i18n';
import { Icon, type IconName } from './Icon';

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: string;
  actions?: ComponentChildren;
}) {
  return (
    <header class="page-header">
      <div>
        <h1 tabIndex={-1} data-page-title>
          {title}
        </h1>
        {subtitle ? <p class="page-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div class="page-actions">{actions}</div> : null}
    </header>
  );
}

export function EmptyState({
  icon,
  title,
  body,
  children,
}: {
  icon: IconName;
  title: string;
  body?: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="empty-state">
      <div class="empty-icon">
        <Icon name={icon} size={28} />
      </div>
      <h2>{title}</h2>
      {body ? <p>{body}</p> : null}
      {children}
    </div>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <div class="spinner-wrap" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span class="visually-hidden">{label ?? t('common.loading')}</span>
    </div>
  );
}

/** A white panel; with `title` (an h2) and `intro` (a muted paragraph under it) when given. */
export function Card({ children, class: cls, title, intro }: { children: ComponentChildren; class?: string; title?: string; intro?: string }) {
  return (
    <section class={`card${cls ? ` ${cls}` : ''}`}>
      {title ? <h2 class="card-title">{title}</h2> : null}
      {intro ? <p class="muted">{intro}</p> : null}
      {children}
    </section>
  );
}

export function SubmitButton({
  busy,
  label,
  busyLabel,
  variant = 'primary',
  class: cls,
}: {
  busy: boolean;
  label: string;
  busyLabel: string;
  variant?: 'primary' | 'secondary';
  class?: string;
}) {
  return (
    <button type="submit" class={`btn btn-${variant}${cls ? ` ${cls}` : ''}`} disabled={busy} aria-busy={busy}>
      {busy ? <span class="spinner spinner-sm" aria-hidden="true" /> : null}
      <span>{busy ? busyLabel : label}</span>
    </button>
  );
}

/**
 * A small button in a table row's actions cell: an icon, with its text hidden on narrow screens
 * (the accessible `label` names the row: "Edit label “vip”").
 */
export function RowButton({
  icon,
  text,
  label,
  danger,
  onClick,
}: {
  icon: IconName;
  text: string;
  label: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" class={`btn btn-ghost btn-sm${danger ? ' btn-danger-text' : ''}`} aria-label={label} onClick={onClick}>
      <Icon name={icon} size={16} />
      <span class="hide-sm">{text}</span>
    </button>
  );
}

/**
 * Initials for an avatar: first letters of the first two words, or one letter when the name is
 * in Arabic script (two joined Arabic letters read as a word, not as initials).
 */
export function initials(name: string): string {
  const firsts = name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => Array.from(w)[0] ?? '');
  if (firsts.length === 0) return '';
  if (firsts.some((c) => /[\u0600-\u06FF]/.test(c))) return firsts[0]!;
  return firsts.join('').toUpperCase();
}

export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' }) {
  return (
    <span class={`avatar avatar-${size}`} aria-hidden="true">
      {initials(name) || '?'}
    </span>
  );
}

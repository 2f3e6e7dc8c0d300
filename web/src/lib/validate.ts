import { t } from '../i18n';

export const MIN_PASSWORD = 8;

export type Errors<K extends string> = Partial<Record<K, string>>;

export function requireText(value: string): string | undefined {
  return value.trim() ? undefined : t('validation.required');
}

export function checkEmail(value: string, required = true): string | undefined {
  const v = value.trim();
  if (!v) return required ? t('validation.required') : undefined;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : t('validation.email');
}

export function checkPassword(value: string): string | undefined {
  if (!value) return t('validation.required');
  return Array.from(value).length >= MIN_PASSWORD
    ? undefined
    : t('validation.passwordLength', { min: MIN_PASSWORD });
}

export function hasErrors<K extends string>(errors: Errors<K>): boolean {
  return Object.values(errors).some(Boolean);
}

/** Moves focus to the first invalid control of the form that holds `el`. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  window.requestAnimationFrame(() => {
    form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });
}

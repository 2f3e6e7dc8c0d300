import { createStore } from '../lib/store';
import { setAcceptLanguage } from '../api/client';
import { ar } from './ar';
import { en, type MessageKey, type Messages } from './en';

export type { MessageKey };
export type UiLocale = 'en' | 'ar';
export const LOCALES: readonly UiLocale[] = ['en', 'ar'];

const catalogs: Record<UiLocale, Messages> = { en, ar };
const STORAGE_KEY = 'hudhud.locale';

/** Anything (a user's saved locale, "ar-AE", navigator.language) → a locale we have. */
export function normalizeLocale(value: string | null | undefined): UiLocale {
  const base = (value ?? '').toLowerCase().split(/[-_]/)[0];
  return base === 'ar' ? 'ar' : 'en';
}

function initialLocale(): UiLocale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  return normalizeLocale(saved ?? navigator.language);
}

export const locale = createStore<UiLocale>(initialLocale());

export function isRtl(l: UiLocale = locale.get()): boolean {
  return l === 'ar';
}

function applyToDocument(l: UiLocale): void {
  const html = document.documentElement;
  html.lang = l;
  html.dir = isRtl(l) ? 'rtl' : 'ltr';
  setAcceptLanguage(l);
}

applyToDocument(locale.get());

/** Switches the UI language (document lang/dir included) and remembers it in this browser. */
export function setLocale(next: UiLocale): void {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode: the choice still applies to this page.
  }
  applyToDocument(next);
  formatters.clear();
  locale.set(next);
}

const FSI = '\u2068';
const PDI = '\u2069';

/**
 * Looks up `key` in the current language and fills {placeholders}. String values are wrapped in
 * Unicode isolates so an English name inside an Arabic sentence (or the reverse) keeps its order.
 */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = catalogs[locale.get()][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : FSI + value + PDI;
  });
}

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormatter(): Intl.DateTimeFormat {
  const k = `d:${locale.get()}`;
  let f = formatters.get(k) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locale.get(), { dateStyle: 'medium', timeStyle: 'short' });
    formatters.set(k, f);
  }
  return f;
}

export function formatNumber(n: number): string {
  const k = `n:${locale.get()}`;
  let f = formatters.get(k) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locale.get());
    formatters.set(k, f);
  }
  return f.format(n);
}

/** API timestamps are integer microseconds since the epoch. */
export function microsToDate(micros: number): Date {
  return new Date(Math.floor(micros / 1000));
}

export function formatTimestamp(micros: number | null | undefined): string {
  if (micros === null || micros === undefined || !Number.isFinite(micros)) return t('common.none');
  return dateFormatter().format(microsToDate(micros));
}

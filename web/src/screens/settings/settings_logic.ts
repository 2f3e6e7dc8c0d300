/**
 * The settings screens' pure rules: form checks mirroring the server's (docs/api.md), the JSON the
 * forms send, and reading stored settings back into forms. No DOM, no network, no i18n: problems
 * are codes the screens translate. Kept free of runtime imports so web/test/settings_logic.test.mjs
 * can load it directly.
 */
import type { CannedResponse, Id } from '../../api/types';

/** What is wrong with one field; the screens turn it into words (settingsProblem()). */
export type Problem =
  | 'required'
  | 'tooLong'
  | 'digits'
  | 'color'
  | 'domain'
  | 'range'
  | 'shortCode'
  | 'minLength';

export type Problems<K extends string> = Partial<Record<K, Problem>>;

export function hasProblems<K extends string>(p: Problems<K>): boolean {
  return Object.values(p).some(Boolean);
}

/** The server counts lengths in UTF-8 bytes (an Arabic letter is two). */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

function text(value: string, max: number, required: boolean): Problem | undefined {
  const v = value.trim();
  if (!v) return required ? 'required' : undefined;
  return utf8Length(v) > max ? 'tooLong' : undefined;
}

export const isHexColor = (c: string): boolean => /^#[0-9a-fA-F]{6}$/.test(c.trim());

/** An integer in [min, max] typed as text; empty is `empty`. */
function integer(value: string, min: number, max: number, empty: Problem | undefined): Problem | undefined {
  const v = value.trim();
  if (!v) return empty;
  if (!/^\d+$/.test(v)) return 'range';
  const n = Number(v);
  return n < min || n > max ? 'range' : undefined;
}

type Settings = Record<string, unknown>;

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);

/* ---------- WhatsApp (Cloud API) ---------- */

export interface WhatsAppForm {
  name: string;
  phone_number_id: string;
  waba_id: string;
  /** Optional override of the server's sending rate; empty: the server's default. */
  messages_per_second: string;
  access_token: string;
  app_secret: string;
  verify_token: string;
}

export type WhatsAppField = keyof WhatsAppForm;

export function emptyWhatsApp(verifyToken = ''): WhatsAppForm {
  return { name: '', phone_number_id: '', waba_id: '', messages_per_second: '', access_token: '', app_secret: '', verify_token: verifyToken };
}

const digitsId = (v: string): Problem | undefined => {
  const s = v.trim();
  if (!s) return 'required';
  return /^\d{1,32}$/.test(s) ? undefined : 'digits';
};

/** An inbox's name, whatever its channel: required, at most 100 bytes. */
export function checkInboxName(name: string): Problem | undefined {
  return text(name, 100, true);
}

/**
 * Checks the parts being sent: `name` and `settings` when `parts.settings`, the three secrets when
 * `parts.credentials` (credentials are replaced as a whole, so all three are needed).
 */
export function checkWhatsApp(
  f: WhatsAppForm,
  parts: { name?: boolean; settings?: boolean; credentials?: boolean },
): Problems<WhatsAppField> {
  const p: Problems<WhatsAppField> = {};
  if (parts.name) p.name = checkInboxName(f.name);
  if (parts.settings) {
    p.phone_number_id = digitsId(f.phone_number_id);
    p.waba_id = digitsId(f.waba_id);
    p.messages_per_second = integer(f.messages_per_second, 1, 10000, undefined);
  }
  if (parts.credentials) {
    p.access_token = f.access_token.trim() ? undefined : 'required';
    p.app_secret = f.app_secret.trim() ? undefined : 'required';
    p.verify_token = text(f.verify_token, 200, true);
  }
  return p;
}

/** The form from an inbox's stored settings (secrets are never returned, so they stay empty). */
export function whatsAppFormFrom(name: string, settings: Settings | undefined): WhatsAppForm {
  const s = settings ?? {};
  const mps = s.messages_per_second;
  return {
    ...emptyWhatsApp(),
    name,
    phone_number_id: str(s.phone_number_id),
    waba_id: str(s.waba_id),
    messages_per_second: typeof mps === 'number' ? String(mps) : '',
  };
}

/** New settings over `base`: keys the form doesn't show (auto_assignment, ...) are kept. */
export function whatsAppSettings(f: WhatsAppForm, base: Settings = {}): Settings {
  const out: Settings = { ...base, phone_number_id: f.phone_number_id.trim(), waba_id: f.waba_id.trim() };
  if (f.messages_per_second.trim()) out.messages_per_second = Number(f.messages_per_second.trim());
  else delete out.messages_per_second;
  return out;
}

export function whatsAppCredentials(f: WhatsAppForm): Record<string, string> {
  return { app_secret: f.app_secret.trim(), verify_token: f.verify_token.trim(), access_token: f.access_token.trim() };
}

/* ---------- Web Chat ---------- */

export type PreChatName = 'name' | 'email' | 'phone';
export interface PreChatField {
  name: PreChatName;
  enabled: boolean;
  required: boolean;
}
export const REPLY_TIMES = ['in_a_few_minutes', 'in_a_few_hours', 'in_a_day'] as const;
export type ReplyTime = (typeof REPLY_TIMES)[number];

export interface WebChatForm {
  name: string;
  /** One site per line (or comma-separated), as typed. */
  allowed_domains: string;
  widget_color: string;
  locale: 'en' | 'ar';
  welcome_title: string;
  welcome_tagline: string;
  reply_time: ReplyTime;
  pre_chat_form_enabled: boolean;
  pre_chat_message: string;
  pre_chat_fields: PreChatField[];
  consent_text: string;
  offline_message: string;
  attachments_enabled: boolean;
  /** Megabytes, as typed. */
  max_attachment_mb: string;
  hmac_mandatory: boolean;
}

export type WebChatField = Exclude<keyof WebChatForm, 'pre_chat_fields'>;

export const DEFAULT_WIDGET_COLOR = '#1f93ff';
export const MAX_ATTACHMENT_MB = 25;
const MB = 1024 * 1024;

export function defaultPreChatFields(): PreChatField[] {
  return [
    { name: 'name', enabled: true, required: false },
    { name: 'email', enabled: true, required: true },
    { name: 'phone', enabled: false, required: false },
  ];
}

export function emptyWebChat(locale: 'en' | 'ar' = 'en'): WebChatForm {
  return {
    name: '',
    allowed_domains: '',
    widget_color: DEFAULT_WIDGET_COLOR,
    locale,
    welcome_title: '',
    welcome_tagline: '',
    reply_time: 'in_a_few_minutes',
    pre_chat_form_enabled: false,
    pre_chat_message: '',
    pre_chat_fields: defaultPreChatFields(),
    consent_text: '',
    offline_message: '',
    attachments_enabled: true,
    max_attachment_mb: '10',
    hmac_mandatory: false,
  };
}

/**
 * The sites typed into the allowed-domains box: split on new lines and commas, trimmed, a pasted
 * trailing "/" dropped, duplicates removed.
 */
export function parseDomains(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(/[\n,]/)) {
    const d = raw.trim().replace(/\/+$/, '');
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

/** The server's rule: `host`, `*.host` or `http(s)://host[:port]` (host: letters, digits, . and -). */
export function isDomainPattern(d: string): boolean {
  const m = /^(?:(https?):\/\/)?(\*\.)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(d);
  if (!m) return false;
  const host = m[3]!;
  return host.length <= 253 && !host.startsWith('.') && !host.endsWith('.');
}

export function checkWebChat(f: WebChatForm, parts: { name?: boolean; settings?: boolean }): Problems<WebChatField> {
  const p: Problems<WebChatField> = {};
  if (parts.name) p.name = checkInboxName(f.name);
  if (!parts.settings) return p;
  const domains = parseDomains(f.allowed_domains);
  if (domains.length > 50 || domains.some((d) => !isDomainPattern(d))) p.allowed_domains = 'domain';
  p.widget_color = isHexColor(f.widget_color) ? undefined : 'color';
  p.welcome_title = text(f.welcome_title, 200, false);
  p.welcome_tagline = text(f.welcome_tagline, 500, false);
  p.pre_chat_message = text(f.pre_chat_message, 500, false);
  p.consent_text = text(f.consent_text, 2000, false);
  p.offline_message = text(f.offline_message, 500, false);
  if (f.attachments_enabled) p.max_attachment_mb = integer(f.max_attachment_mb, 1, MAX_ATTACHMENT_MB, 'required');
  return p;
}

/** Reads stored settings back into the form; what is missing takes the server's defaults. */
export function webChatFormFrom(name: string, settings: Settings | undefined): WebChatForm {
  const s = settings ?? {};
  const base = emptyWebChat(s.locale === 'ar' ? 'ar' : 'en');
  const domains = Array.isArray(s.allowed_domains)
    ? s.allowed_domains.filter((d): d is string => typeof d === 'string')
    : parseDomains(str(s.allowed_domains));
  const reply = REPLY_TIMES.find((r) => r === s.reply_time) ?? base.reply_time;
  const fields = Array.isArray(s.pre_chat_fields) ? readPreChatFields(s.pre_chat_fields) : base.pre_chat_fields;
  const bytes = typeof s.max_attachment_bytes === 'number' ? s.max_attachment_bytes : 10 * MB;
  return {
    ...base,
    name,
    allowed_domains: domains.join('\n'),
    widget_color: isHexColor(str(s.widget_color)) ? str(s.widget_color) : DEFAULT_WIDGET_COLOR,
    welcome_title: str(s.welcome_title),
    welcome_tagline: str(s.welcome_tagline),
    reply_time: reply,
    pre_chat_form_enabled: bool(s.pre_chat_form_enabled, false),
    pre_chat_message: str(s.pre_chat_message),
    pre_chat_fields: fields,
    consent_text: str(s.consent_text),
    offline_message: str(s.offline_message),
    attachments_enabled: bool(s.attachments_enabled, true),
    max_attachment_mb: String(Math.max(1, Math.round(bytes / MB))),
    hmac_mandatory: bool(s.hmac_mandatory, false),
  };
}

/** Always the three known fields, in order, whatever was stored. */
function readPreChatFields(stored: unknown[]): PreChatField[] {
  return defaultPreChatFields().map((d) => {
    const found = stored.find((x): x is Record<string, unknown> => !!x && typeof x === 'object' && (x as { name?: unknown }).name === d.name);
    if (!found) return { ...d, enabled: false, required: false };
    return { name: d.name, enabled: bool(found.enabled, true), required: bool(found.required, false) };
  });
}

/** New settings over `base`: keys the form doesn't show (auto_assignment, allowed_mime_types, ...) are kept. */
export function webChatSettings(f: WebChatForm, base: Settings = {}): Settings {
  const out: Settings = {
    ...base,
    allowed_domains: parseDomains(f.allowed_domains),
    widget_color: f.widget_color.trim().toLowerCase(),
    locale: f.locale,
    welcome_title: f.welcome_title.trim(),
    welcome_tagline: f.welcome_tagline.trim(),
    reply_time: f.reply_time,
    pre_chat_form_enabled: f.pre_chat_form_enabled,
    pre_chat_message: f.pre_chat_message.trim(),
    pre_chat_fields: f.pre_chat_fields.map((x) => ({ name: x.name, enabled: x.enabled, required: x.enabled && x.required })),
    consent_text: f.consent_text.trim(),
    offline_message: f.offline_message.trim(),
    attachments_enabled: f.attachments_enabled,
    hmac_mandatory: f.hmac_mandatory,
  };
  if (f.attachments_enabled && /^\d+$/.test(f.max_attachment_mb.trim())) {
    out.max_attachment_bytes = Number(f.max_attachment_mb.trim()) * MB;
  }
  return out;
}

/* ---------- Inbox members and auto-assignment ---------- */

export interface AutoAssignment {
  enabled: boolean;
  max_open_per_agent: number;
}

export function autoAssignmentOf(settings: Settings | undefined): AutoAssignment {
  const a = settings?.auto_assignment;
  if (!a || typeof a !== 'object') return { enabled: false, max_open_per_agent: 0 };
  const r = a as Record<string, unknown>;
  const max = r.max_open_per_agent;
  return {
    enabled: bool(r.enabled, false),
    max_open_per_agent: typeof max === 'number' && Number.isInteger(max) && max >= 0 ? max : 0,
  };
}

export function withAutoAssignment(settings: Settings | undefined, a: AutoAssignment): Settings {
  return { ...(settings ?? {}), auto_assignment: { enabled: a.enabled, max_open_per_agent: a.max_open_per_agent } };
}

/** "Most open conversations per agent": 0 (no limit) to 10000. */
export function checkMaxOpen(value: string): Problem | undefined {
  return integer(value, 0, 10000, 'required');
}

/* ---------- Ids (members of inboxes and teams) ---------- */

export function toggleId(ids: readonly Id[], id: Id, on: boolean): Id[] {
  const rest = ids.filter((x) => String(x) !== String(id));
  return on ? [...rest, id] : rest;
}

export function sameIds(a: readonly Id[], b: readonly Id[]): boolean {
  const x = a.map(String).sort();
  const y = b.map(String).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Ids as the API wants them (integers), whatever form they were kept in. */
export function numericIds(ids: readonly Id[]): number[] {
  return ids.map((x) => Number(x)).filter((n) => Number.isSafeInteger(n));
}

/**
 * The inbox's members changed on the server (another admin saved them: `inbox.members_changed`)
 * while this form shows them. An untouched selection follows the new list; a selection the admin
 * is editing is kept, so a save still sends what they chose.
 */
export function followRemoteIds(stored: readonly Id[] | null, selected: readonly Id[] | null, incoming: readonly Id[]): Id[] {
  if (selected === null || stored === null || sameIds(selected, stored)) return [...incoming];
  return [...selected];
}

/* ---------- Lists edited in place ---------- */

/** The list after `item` was saved: a new one at the end, a changed one in its place; then `order`. */
export function upsertById<T extends { id: Id }>(list: readonly T[], item: T, created: boolean, order?: (a: T, b: T) => number): T[] {
  const same = (x: T) => String(x.id) === String(item.id);
  const next = created || !list.some(same) ? [...list.filter((x) => !same(x)), item] : list.map((x) => (same(x) ? item : x));
  return order ? next.sort(order) : next;
}

export function removeById<T extends { id: Id }>(list: readonly T[], id: Id): T[] {
  return list.filter((x) => String(x.id) !== String(id));
}

/* ---------- Teams and labels ---------- */

export type TeamField = 'name' | 'description';

export function checkTeam(f: { name: string; description: string }): Problems<TeamField> {
  return { name: text(f.name, 100, true), description: text(f.description, 1000, false) };
}

export type LabelField = 'name' | 'color' | 'description';

export function checkLabel(f: { name: string; color: string; description: string }): Problems<LabelField> {
  return {
    name: text(f.name, 64, true),
    color: isHexColor(f.color) ? undefined : 'color',
    description: text(f.description, 1000, false),
  };
}

/** A few distinct colours to start from (the label's colour input takes any). */
export const LABEL_COLORS = ['#1f93ff', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#db2777', '#0891b2', '#4b5563'] as const;

/* ---------- Canned responses ---------- */

export const CANNED_VARIABLES = ['contact.name', 'contact.email', 'contact.phone', 'agent.name'] as const;
export type CannedField = 'short_code' | 'content';

/** What the server keeps: 1–50 ASCII letters, digits, `_`, `-`, `.` (stored in lower case). */
export function checkShortCode(value: string): Problem | undefined {
  const v = normalizeShortCode(value);
  if (!v) return 'required';
  if (v.length > 50) return 'tooLong';
  return /^[A-Za-z0-9_.-]+$/.test(v) ? undefined : 'shortCode';
}

/** People type "/thanks" because that is how they use it; the code is "thanks". */
export function normalizeShortCode(value: string): string {
  return value.trim().replace(/^\/+/, '').toLowerCase();
}

export function checkCanned(f: { short_code: string; content: string }): Problems<CannedField> {
  const content = f.content.trim() ? (Array.from(f.content).length > 4096 ? 'tooLong' : undefined) : 'required';
  return { short_code: checkShortCode(f.short_code), content };
}

/** Inserts `{{variable}}` over the selection [start, end) of `text`; returns the text and the caret after it. */
export function insertVariable(text: string, start: number, end: number, variable: string): { text: string; caret: number } {
  const token = `{{${variable}}}`;
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + token + text.slice(b), caret: a + token.length };
}

/** The variables a content uses that the server does not fill (they are sent as typed). */
export function unknownVariables(content: string): string[] {
  const out: string[] = [];
  for (const m of content.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    const v = m[1]!;
    if (!(CANNED_VARIABLES as readonly string[]).includes(v) && !out.includes(v)) out.push(v);
  }
  return out;
}

/** The list's search box: short code or content, case- and accent-insensitive, every word. */
export function filterCanned<T extends Pick<CannedResponse, 'short_code' | 'content'>>(list: readonly T[], query: string): T[] {
  const words = fold(query).replace(/^\//, '').split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...list];
  return list.filter((c) => {
    const hay = `${fold(c.short_code)} ${fold(c.content)}`;
    return words.every((w) => hay.includes(w));
  });
}

function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .toLowerCase();
}

/* ---------- Errors the API sends about a field ---------- */

/**
 * Which form field a failed request is about, from the server's message ("settings.phone_number_id
 * must be ...", "short_code may hold ...", "widget_color must ...") or, for a 409, the form's main
 * field (a duplicate name or short code). `fields` maps the message's leading key to the field.
 */
export function apiFieldError<K extends string>(
  err: { status?: number; code?: string; message?: string } | null | undefined,
  fields: Record<string, K>,
  conflictField?: K,
): { field: K; kind: 'invalid' | 'conflict' } | null {
  if (!err || typeof err !== 'object') return null;
  if ((err.status === 409 || err.code === 'conflict') && conflictField) return { field: conflictField, kind: 'conflict' };
  if (err.status !== 400 && err.code !== 'invalid_argument') return null;
  const m = /^\s*([A-Za-z_][\w.]*)/.exec(err.message ?? '');
  if (!m) return null;
  let key = m[1]!;
  for (;;) {
    const field = fields[key];
    if (field) return { field, kind: 'invalid' };
    const dot = key.indexOf('.');
    if (dot < 0) return null;
    key = key.slice(dot + 1);
  }
}

/* ---------- Secrets typed by the admin ---------- */

/** A random verify token for Meta's webhook handshake (URL-safe). */
export function randomToken(bytes = 18): string {
  const raw = new Uint8Array(bytes);
  crypto.getRandomValues(raw);
  let s = '';
  for (const b of raw) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The inbox's pure rules: no DOM, no network, no clock of its own (callers pass `now`). Kept free
 * of runtime imports so web/test/inbox_logic.test.mjs can load it directly.
 */
import type {
  AttachmentRef,
  Conversation,
  ConversationFilter,
  Id,
  Message,
  MessageTemplate,
  TemplateComponent,
} from '../../api/types';

export const sameId = (a: Id | null | undefined, b: Id | null | undefined): boolean =>
  a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);

/* ---------- Delivery ticks ---------- */

export type Tick = 'none' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** The tick drawn under a bubble: only the agents' own channel messages have one. */
export function tickFor(m: Pick<Message, 'direction' | 'status' | 'private'>): Tick {
  if (m.direction !== 'outgoing' || m.private) return 'none';
  switch (m.status) {
    case 'pending':
    case 'sent':
    case 'delivered':
    case 'read':
    case 'failed':
      return m.status as Tick;
    default:
      return 'none';
  }
}

const RANK: Record<string, number> = { received: 0, pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Merges a newer copy of a message (an event, a re-fetched page) into the one shown. Statuses
 * never move backwards, whatever order the answers and events arrive in.
 */
export function mergeMessage(shown: Message, next: Message): Message {
  const shownRank = RANK[shown.status] ?? 0;
  const nextRank = RANK[next.status] ?? 0;
  if (nextRank < shownRank) return { ...next, status: shown.status, error_code: shown.error_code, error_message: shown.error_message };
  return next;
}

/** Adds `incoming` to `list` (deduplicated by id), oldest first. */
export function mergeMessages(list: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of list) byId.set(String(m.id), m);
  for (const m of incoming) {
    const old = byId.get(String(m.id));
    byId.set(String(m.id), old ? mergeMessage(old, m) : m);
  }
  return [...byId.values()].sort((a, b) => a.created_at - b.created_at || compareIds(a.id, b.id));
}

function compareIds(a: Id, b: Id): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a).localeCompare(String(b));
}

/** The later of two messages (by time, then id); either may be missing. */
export function newerMessage(a: Message | null | undefined, b: Message): Message {
  if (!a) return b;
  return b.created_at > a.created_at || (b.created_at === a.created_at && compareIds(b.id, a.id) >= 0) ? b : a;
}

/* ---------- The WhatsApp 24-hour window ---------- */

/** True when the channel has a reply window and it has closed: only templates may go out. */
export function isWindowClosed(c: Pick<Conversation, 'reply_window_ends_at'>, nowMicros: number): boolean {
  const ends = c.reply_window_ends_at;
  return ends !== null && ends !== undefined && ends <= nowMicros;
}

/* ---------- Conversation list ---------- */

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;

/** Whether a conversation belongs in the list as filtered (for live inserts and removals). */
export function matchesFilter(c: Conversation, f: ConversationFilter, meId: Id | null): boolean {
  if (f.status !== 'all' && c.status !== f.status) return false;
  if (f.inbox_id && !sameId(c.inbox_id, f.inbox_id)) return false;
  if (f.assignee === 'me' && !sameId(c.assignee_id, meId)) return false;
  if (f.assignee === 'unassigned' && c.assignee_id !== null && c.assignee_id !== undefined) return false;
  return true;
}

/** Newest activity first; ties by id (newest first). */
export function sortConversations(list: Conversation[]): Conversation[] {
  return list.sort((a, b) => b.last_activity_at - a.last_activity_at || compareIds(b.id, a.id));
}

/**
 * Applies a changed (or new) conversation to the filtered list: replaced or inserted in order
 * when it matches the filter, dropped when it no longer does. Fields the update lacks (a lean
 * event) are kept from the shown copy.
 */
export function upsertConversation(
  list: readonly Conversation[],
  next: Conversation,
  f: ConversationFilter,
  meId: Id | null,
): Conversation[] {
  const i = list.findIndex((c) => sameId(c.id, next.id));
  const merged: Conversation = i >= 0 ? { ...list[i]!, ...stripUndefined(next) } : next;
  const rest = list.filter((c) => !sameId(c.id, next.id));
  if (!matchesFilter(merged, f, meId)) return rest;
  return sortConversations([...rest, merged]);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * A conversation after one of its messages was created: it moves to the top, its preview is the
 * message, and an incoming message counts as unread unless the agent is looking at it.
 */
export function withNewMessage(c: Conversation, m: Message, isOpen: boolean): Conversation {
  const incoming = m.direction === 'incoming';
  const newer = m.created_at >= (c.last_activity_at ?? 0);
  return {
    ...c,
    last_message: !c.last_message || m.created_at >= c.last_message.created_at ? m : c.last_message,
    last_activity_at: newer ? m.created_at : c.last_activity_at,
    last_incoming_at: incoming ? Math.max(m.created_at, c.last_incoming_at ?? 0) : c.last_incoming_at,
    unread_count: incoming && !isOpen ? (c.unread_count ?? 0) + 1 : isOpen ? 0 : c.unread_count,
  };
}

/** Whether a new message deserves a desktop notification. */
export function shouldNotify(
  m: Pick<Message, 'direction' | 'private'>,
  c: Pick<Conversation, 'id' | 'assignee_id'> | undefined,
  meId: Id | null,
  openId: Id | null,
  pageVisible: boolean,
): boolean {
  if (m.direction !== 'incoming' || m.private || !c) return false;
  if (!sameId(c.assignee_id, meId)) return false;
  return !(pageVisible && sameId(c.id, openId));
}

/* ---------- Relative time ---------- */

export type RelativeUnit = 'now' | 'minute' | 'hour' | 'day' | 'date';

/** "now", n minutes/hours/days ago, or an absolute date (older than a week). */
export function relativeParts(thenMs: number, nowMs: number): { unit: RelativeUnit; value: number } {
  const s = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (s < 60) return { unit: 'now', value: 0 };
  if (s < 3600) return { unit: 'minute', value: Math.floor(s / 60) };
  if (s < 86400) return { unit: 'hour', value: Math.floor(s / 3600) };
  if (s < 7 * 86400) return { unit: 'day', value: Math.floor(s / 86400) };
  return { unit: 'date', value: 0 };
}

/* ---------- Keyboard shortcuts ---------- */

export type ShortcutAction = 'next' | 'previous' | 'reply' | 'note' | 'resolve' | 'search' | 'help' | 'escape';

export const SHORTCUTS: readonly { key: string; action: ShortcutAction }[] = [
  { key: 'j', action: 'next' },
  { key: 'k', action: 'previous' },
  { key: 'r', action: 'reply' },
  { key: 'n', action: 'note' },
  { key: 'e', action: 'resolve' },
  { key: '/', action: 'search' },
  { key: '?', action: 'help' },
];

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Focus is in a text field, a select or contenteditable: letters are typing, not commands. */
  inEditable?: boolean;
  /** Escape from inside a field still counts (leaves the field). */
}

/** The command a key press means in the inbox, or null. */
export function shortcutFor(e: KeyInput): ShortcutAction | null {
  if (e.key === 'Escape') return 'escape';
  if (e.ctrlKey || e.metaKey || e.altKey || e.inEditable) return null;
  // Caps Lock gives "J"; Arabic keyboards give the letter on the same key.
  const key = ARABIC_KEYS[e.key] ?? (e.key.length === 1 ? e.key.toLowerCase() : e.key);
  return SHORTCUTS.find((s) => s.key === key)?.action ?? null;
}

/** The characters the standard Arabic keyboard gives on the shortcut keys (so they work there too). */
const ARABIC_KEYS: Record<string, string> = { 'ت': 'j', 'ن': 'k', 'ق': 'r', 'ى': 'n', 'ث': 'e', 'ظ': '/', '؟': '?' };

/** The conversation j/k move to, or null at the ends. */
export function neighbour(list: readonly { id: Id }[], current: Id | null, step: 1 | -1): Id | null {
  if (list.length === 0) return null;
  const i = current === null ? -1 : list.findIndex((c) => sameId(c.id, current));
  if (i < 0) return list[0]!.id;
  const j = i + step;
  return j >= 0 && j < list.length ? list[j]!.id : null;
}

/* ---------- Canned responses ---------- */

/** The `/shortcut` being typed at the caret (at the start or after a space), or null. */
export function cannedQuery(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([\p{L}\p{N}_.-]*)$/u.exec(before);
  if (!m) return null;
  const start = before.length - m[2]!.length - 1;
  return { query: m[2]!, start };
}

/** Replaces the `/shortcut` from `start` to `caret` with `content`; returns the new text and caret. */
export function insertCanned(text: string, start: number, caret: number, content: string): { text: string; caret: number } {
  const next = text.slice(0, start) + content + text.slice(caret);
  return { text: next, caret: start + content.length };
}

export interface TemplateVars {
  contact?: { name?: string | null; email?: string | null; phone?: string | null };
  agent?: { name?: string | null; email?: string | null };
}

/**
 * Fills {{contact.name}}, {{contact.first_name}}, {{contact.email}}, {{contact.phone}},
 * {{agent.name}}, {{agent.first_name}}, {{agent.email}}. Unknown or empty variables stay as typed,
 * so the agent sees what still needs filling in.
 */
export function fillVariables(content: string, vars: TemplateVars): string {
  return content.replace(/\{\{\s*(contact|agent)\.(\w+)\s*\}\}/g, (whole, who: 'contact' | 'agent', field: string) => {
    const src = (vars[who] ?? {}) as Record<string, string | null | undefined>;
    let value: string | null | undefined;
    if (field === 'first_name') value = src.name?.trim().split(/\s+/)[0];
    else value = src[field];
    return value ? value : whole;
  });
}

/* ---------- WhatsApp templates ---------- */

export interface TemplateSlot {
  component: 'header' | 'body';
  count: number;
  text: string;
}

/** The {{1}}…{{n}} parameters of a template's text header and body. */
export function templateSlots(t: Pick<MessageTemplate, 'components'>): TemplateSlot[] {
  const out: TemplateSlot[] = [];
  for (const c of t.components ?? []) {
    const type = String(c.type ?? '').toLowerCase();
    if (type !== 'header' && type !== 'body') continue;
    if (type === 'header' && c.format && String(c.format).toUpperCase() !== 'TEXT') continue;
    const text = typeof c.text === 'string' ? c.text : '';
    const nums = [...text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1]));
    out.push({ component: type, count: nums.length ? Math.max(...nums) : 0, text });
  }
  return out;
}

/** The text with {{n}} replaced by the given values (blank ones keep their placeholder). */
export function previewTemplate(text: string, values: readonly string[]): string {
  return text.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => values[Number(n) - 1]?.trim() || whole);
}

/** The `components` to send: one entry per header/body that takes parameters. */
export function templateComponents(slots: readonly TemplateSlot[], values: Record<string, readonly string[]>): TemplateComponent[] {
  const out: TemplateComponent[] = [];
  for (const s of slots) {
    if (s.count === 0) continue;
    const v = values[s.component] ?? [];
    out.push({
      type: s.component,
      parameters: Array.from({ length: s.count }, (_, i) => ({ type: 'text', text: (v[i] ?? '').trim() })),
    });
  }
  return out;
}

/** Every parameter has a value. */
export function templateComplete(slots: readonly TemplateSlot[], values: Record<string, readonly string[]>): boolean {
  return slots.every((s) => Array.from({ length: s.count }, (_, i) => (values[s.component]?.[i] ?? '').trim()).every(Boolean));
}

/* ---------- Snooze ---------- */

export type SnoozePreset = 'oneHour' | 'threeHours' | 'tomorrow' | 'nextWeek';

/** When a snooze preset ends, in local time: tomorrow and next week wake at 09:00. */
export function snoozeUntil(preset: SnoozePreset, now: Date): Date {
  const d = new Date(now.getTime());
  switch (preset) {
    case 'oneHour':
      return new Date(now.getTime() + 3600_000);
    case 'threeHours':
      return new Date(now.getTime() + 3 * 3600_000);
    case 'tomorrow':
      d.setDate(d.getDate() + 1);
      d.setHours(9, 0, 0, 0);
      return d;
    case 'nextWeek': {
      // The next Monday (a full week when today is Monday).
      const days = ((8 - d.getDay()) % 7) || 7;
      d.setDate(d.getDate() + days);
      d.setHours(9, 0, 0, 0);
      return d;
    }
  }
}

/** A `datetime-local` value ("2026-05-28T14:30") → Date in local time, or null if not a time in the future. */
export function parseLocalDateTime(value: string, now: Date): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return d.getTime() > now.getTime() ? d : null;
}

/* ---------- Attachments ---------- */

export function attachmentsOf(m: Pick<Message, 'content_attributes'>): AttachmentRef[] {
  const list = m.content_attributes?.attachments;
  if (!Array.isArray(list)) return [];
  return list.filter((a): a is AttachmentRef => !!a && typeof a === 'object' && 'id' in a);
}

/** Shown inline: raster images the browser draws (never SVG, which can carry script). */
export function isInlineImage(a: Pick<AttachmentRef, 'kind' | 'mime_type'>): boolean {
  return /^image\/(png|jpe?g|gif|webp)$/i.test(a.mime_type ?? '') || (a.kind === 'image' && !a.mime_type);
}

/** 1536 → { value: 1.5, unit: 'KB' }. */
export function sizeParts(bytes: number): { value: number; unit: 'B' | 'KB' | 'MB' | 'GB' } {
  if (!Number.isFinite(bytes) || bytes < 1024) return { value: Math.max(0, bytes || 0), unit: 'B' };
  const units = ['KB', 'MB', 'GB'] as const;
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return { value: Math.round(v * 10) / 10, unit: units[i]! };
}

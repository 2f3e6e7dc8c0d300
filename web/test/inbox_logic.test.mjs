// The inbox's pure rules (src/screens/inbox/logic.ts): ticks, merging live updates, the WhatsApp
// reply window, list filtering, shortcuts, canned responses, templates and snooze times.
// logic.ts has only type imports, so Vite's transformer turns it into a self-contained module.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { transformWithOxc } from 'vite';

const source = await readFile(new URL('../src/screens/inbox/logic.ts', import.meta.url), 'utf8');
const { code } = await transformWithOxc(source, 'logic.ts', { lang: 'ts' });
const L = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const msg = (over = {}) => ({
  id: 1,
  conversation_id: 9,
  inbox_id: 2,
  direction: 'outgoing',
  sender_kind: 'agent',
  sender_id: 5,
  private: false,
  content: 'hi',
  content_type: 'text',
  content_attributes: {},
  status: 'pending',
  external_id: null,
  reply_to_id: null,
  error_code: null,
  error_message: null,
  created_at: 1_000,
  updated_at: 1_000,
  ...over,
});

const conv = (over = {}) => ({
  id: 9,
  inbox_id: 2,
  contact_id: 3,
  status: 'open',
  assignee_id: null,
  unread_count: 0,
  last_activity_at: 1_000,
  last_incoming_at: null,
  created_at: 1_000,
  ...over,
});

const ALL = { status: 'all', inbox_id: '', assignee: 'all' };

test('ticks: only the agents\' own channel messages have one', () => {
  for (const s of ['pending', 'sent', 'delivered', 'read', 'failed']) assert.equal(L.tickFor(msg({ status: s })), s);
  assert.equal(L.tickFor(msg({ direction: 'incoming', status: 'received' })), 'none');
  assert.equal(L.tickFor(msg({ private: true, status: 'sent' })), 'none');
  assert.equal(L.tickFor(msg({ status: 'something-new' })), 'none');
});

test('a status never moves backwards, whatever order updates arrive in', () => {
  const read = msg({ status: 'read' });
  assert.equal(L.mergeMessage(read, msg({ status: 'delivered' })).status, 'read');
  assert.equal(L.mergeMessage(msg({ status: 'sent' }), msg({ status: 'delivered' })).status, 'delivered');
  const failed = L.mergeMessage(msg({ status: 'sent' }), msg({ status: 'failed', error_message: 'Re-engagement' }));
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error_message, 'Re-engagement');
  // A late "sent" after "failed" keeps the failure and its reason.
  const kept = L.mergeMessage(failed, msg({ status: 'sent', error_message: null }));
  assert.equal(kept.status, 'failed');
  assert.equal(kept.error_message, 'Re-engagement');
});

test('mergeMessages dedupes by id and orders oldest first', () => {
  const a = msg({ id: 1, created_at: 10 });
  const b = msg({ id: 2, created_at: 20 });
  const c = msg({ id: 3, created_at: 20 });
  const merged = L.mergeMessages([c, a], [b, msg({ id: 1, created_at: 10, status: 'sent' })]);
  assert.deepEqual(merged.map((m) => m.id), [1, 2, 3]);
  assert.equal(merged[0].status, 'sent');
});

test('newerMessage keeps the latest preview whatever order answers arrive in', () => {
  const older = msg({ id: 1, created_at: 10 });
  const newer = msg({ id: 2, created_at: 20 });
  assert.equal(L.newerMessage(undefined, older), older);
  assert.equal(L.newerMessage(newer, older), newer);
  assert.equal(L.newerMessage(older, newer), newer);
  assert.equal(L.newerMessage(msg({ id: 3, created_at: 20 }), newer).id, 3);
});

test('the 24-hour window is closed only when it has an end in the past', () => {
  assert.equal(L.isWindowClosed({ reply_window_ends_at: null }, 100), false);
  assert.equal(L.isWindowClosed({}, 100), false);
  assert.equal(L.isWindowClosed({ reply_window_ends_at: 101 }, 100), false);
  assert.equal(L.isWindowClosed({ reply_window_ends_at: 100 }, 100), true);
  assert.equal(L.isWindowClosed({ reply_window_ends_at: 99 }, 100), true);
});

test('filters: status, inbox and assignee (ids compared as strings)', () => {
  const c = conv({ status: 'pending', inbox_id: 2, assignee_id: 7 });
  assert.equal(L.matchesFilter(c, ALL, 7), true);
  assert.equal(L.matchesFilter(c, { ...ALL, status: 'open' }, 7), false);
  assert.equal(L.matchesFilter(c, { ...ALL, inbox_id: '2' }, 7), true);
  assert.equal(L.matchesFilter(c, { ...ALL, inbox_id: '3' }, 7), false);
  assert.equal(L.matchesFilter(c, { ...ALL, assignee: 'me' }, '7'), true);
  assert.equal(L.matchesFilter(c, { ...ALL, assignee: 'me' }, 8), false);
  assert.equal(L.matchesFilter(c, { ...ALL, assignee: 'unassigned' }, 8), false);
  assert.equal(L.matchesFilter(conv(), { ...ALL, assignee: 'unassigned' }, 8), true);
});

test('upsertConversation inserts in activity order, updates in place, drops what no longer matches', () => {
  const f = { ...ALL, status: 'open' };
  let list = [];
  list = L.upsertConversation(list, conv({ id: 1, last_activity_at: 10 }), f, 1);
  list = L.upsertConversation(list, conv({ id: 2, last_activity_at: 30 }), f, 1);
  list = L.upsertConversation(list, conv({ id: 3, last_activity_at: 20 }), f, 1);
  assert.deepEqual(list.map((c) => c.id), [2, 3, 1]);
  list = L.upsertConversation(list, { ...list[2], last_activity_at: 40, contact: undefined }, f, 1);
  assert.deepEqual(list.map((c) => c.id), [1, 2, 3]);
  list = L.upsertConversation(list, conv({ id: 2, status: 'resolved', last_activity_at: 30 }), f, 1);
  assert.deepEqual(list.map((c) => c.id), [1, 3]);
  // A lean update keeps fields it lacks.
  list = L.upsertConversation([conv({ id: 5, last_message: msg() })], { id: 5, inbox_id: 2, status: 'open', last_activity_at: 50 }, f, 1);
  assert.equal(list[0].last_message.content, 'hi');
});

test('a new message moves the conversation up, previews it, and counts unread unless open', () => {
  const c = conv({ unread_count: 1, last_activity_at: 5 });
  const m = msg({ direction: 'incoming', created_at: 9, content: 'new' });
  const closed = L.withNewMessage(c, m, false);
  assert.equal(closed.unread_count, 2);
  assert.equal(closed.last_activity_at, 9);
  assert.equal(closed.last_incoming_at, 9);
  assert.equal(closed.last_message.content, 'new');
  assert.equal(L.withNewMessage(c, m, true).unread_count, 0);
  assert.equal(L.withNewMessage(c, msg({ created_at: 9 }), false).unread_count, 1);
});

test('notifications: incoming, assigned to me, not the one I am looking at', () => {
  const c = conv({ id: 4, assignee_id: 7 });
  const m = msg({ direction: 'incoming' });
  assert.equal(L.shouldNotify(m, c, 7, null, true), true);
  assert.equal(L.shouldNotify(m, c, 7, 4, true), false);
  assert.equal(L.shouldNotify(m, c, 7, 4, false), true);
  assert.equal(L.shouldNotify(m, c, 8, null, true), false);
  assert.equal(L.shouldNotify(msg(), c, 7, null, true), false);
  assert.equal(L.shouldNotify({ ...m, private: true }, c, 7, null, true), false);
  assert.equal(L.shouldNotify(m, undefined, 7, null, true), false);
});

test('relative time buckets', () => {
  const now = 10_000_000;
  assert.deepEqual(L.relativeParts(now - 5_000, now), { unit: 'now', value: 0 });
  assert.deepEqual(L.relativeParts(now - 5 * 60_000, now), { unit: 'minute', value: 5 });
  assert.deepEqual(L.relativeParts(now - 3 * 3600_000, now), { unit: 'hour', value: 3 });
  assert.deepEqual(L.relativeParts(now - 2 * 86400_000, now), { unit: 'day', value: 2 });
  assert.equal(L.relativeParts(now - 9 * 86400_000, now).unit, 'date');
  assert.deepEqual(L.relativeParts(now + 5_000, now), { unit: 'now', value: 0 });
});

test('shortcuts: plain keys outside fields, Arabic layout and Caps Lock too', () => {
  assert.equal(L.shortcutFor({ key: 'j' }), 'next');
  assert.equal(L.shortcutFor({ key: 'K' }), 'previous');
  assert.equal(L.shortcutFor({ key: 'ت' }), 'next');
  assert.equal(L.shortcutFor({ key: 'e' }), 'resolve');
  assert.equal(L.shortcutFor({ key: '/' }), 'search');
  assert.equal(L.shortcutFor({ key: '?' }), 'help');
  assert.equal(L.shortcutFor({ key: 'r', inEditable: true }), null);
  assert.equal(L.shortcutFor({ key: 'r', ctrlKey: true }), null);
  assert.equal(L.shortcutFor({ key: 'Escape', inEditable: true }), 'escape');
  assert.equal(L.shortcutFor({ key: 'x' }), null);
});

test('neighbour walks the list and stops at the ends', () => {
  const list = [{ id: 1 }, { id: 2 }, { id: 3 }];
  assert.equal(L.neighbour(list, null, 1), 1);
  assert.equal(L.neighbour(list, '1', 1), 2);
  assert.equal(L.neighbour(list, 3, 1), null);
  assert.equal(L.neighbour(list, 1, -1), null);
  assert.equal(L.neighbour(list, 99, -1), 1);
  assert.equal(L.neighbour([], 1, 1), null);
});

test('canned responses: /shortcut at the caret, replaced with the filled-in text', () => {
  assert.deepEqual(L.cannedQuery('/thx', 4), { query: 'thx', start: 0 });
  assert.deepEqual(L.cannedQuery('Hello /sh', 9), { query: 'sh', start: 6 });
  assert.deepEqual(L.cannedQuery('مرحبا /شكر', 10), { query: 'شكر', start: 6 });
  assert.equal(L.cannedQuery('a/b', 3), null);
  assert.equal(L.cannedQuery('http://x', 8), null);
  assert.deepEqual(L.cannedQuery('/', 1), { query: '', start: 0 });
  const out = L.insertCanned('Hi /thx there', 3, 7, 'Thank you!');
  assert.deepEqual(out, { text: 'Hi Thank you! there', caret: 13 });
  const vars = { contact: { name: 'Sara Ali', email: null }, agent: { name: 'Layla' } };
  assert.equal(
    L.fillVariables('Hi {{contact.first_name}}, {{ agent.name }} here. {{contact.email}} {{order.id}}', vars),
    'Hi Sara, Layla here. {{contact.email}} {{order.id}}',
  );
});

test('templates: parameters per component, preview, components to send', () => {
  const tpl = {
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships {{2}}.' },
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'FOOTER', text: 'Thanks' },
    ],
  };
  const slots = L.templateSlots(tpl);
  assert.deepEqual(slots.map((s) => [s.component, s.count]), [['header', 1], ['body', 2]]);
  assert.equal(L.previewTemplate(slots[1].text, ['Sara']), 'Hi Sara, your order {{2}} ships {{2}}.');
  assert.equal(L.templateComplete(slots, { header: ['#1'], body: ['Sara'] }), false);
  const values = { header: ['#1042'], body: [' Sara ', 'today'] };
  assert.equal(L.templateComplete(slots, values), true);
  assert.deepEqual(L.templateComponents(slots, values), [
    { type: 'header', parameters: [{ type: 'text', text: '#1042' }] },
    { type: 'body', parameters: [{ type: 'text', text: 'Sara' }, { type: 'text', text: 'today' }] },
  ]);
  assert.deepEqual(L.templateComponents(L.templateSlots({ components: [{ type: 'BODY', text: 'Hello' }] }), {}), []);
});

test('snooze presets and the custom time', () => {
  const now = new Date(2026, 4, 28, 15, 30); // Thursday
  assert.equal(L.snoozeUntil('oneHour', now).getTime(), now.getTime() + 3600_000);
  const tomorrow = L.snoozeUntil('tomorrow', now);
  assert.deepEqual([tomorrow.getDate(), tomorrow.getHours(), tomorrow.getMinutes()], [29, 9, 0]);
  const monday = L.snoozeUntil('nextWeek', now);
  assert.deepEqual([monday.getDay(), monday.getDate(), monday.getHours()], [1, 1, 9]);
  const fromMonday = L.snoozeUntil('nextWeek', new Date(2026, 5, 1, 8, 0));
  assert.equal(fromMonday.getDate(), 8);
  assert.equal(L.parseLocalDateTime('2026-05-28T16:00', now)?.getHours(), 16);
  assert.equal(L.parseLocalDateTime('2026-05-28T15:00', now), null);
  assert.equal(L.parseLocalDateTime('tomorrow', now), null);
});

test('attachments: listed from content_attributes, images inline (never SVG)', () => {
  const a = { id: 1, kind: 'image', mime_type: 'image/png', file_name: 'a.png', size_bytes: 10 };
  assert.deepEqual(L.attachmentsOf(msg({ content_attributes: { attachments: [a, null, 'x'] } })), [a]);
  assert.deepEqual(L.attachmentsOf(msg({ content_attributes: null })), []);
  assert.equal(L.isInlineImage(a), true);
  assert.equal(L.isInlineImage({ kind: 'image', mime_type: 'image/svg+xml' }), false);
  assert.equal(L.isInlineImage({ kind: 'document', mime_type: 'application/pdf' }), false);
  assert.deepEqual(L.sizeParts(512), { value: 512, unit: 'B' });
  assert.deepEqual(L.sizeParts(1536), { value: 1.5, unit: 'KB' });
  assert.deepEqual(L.sizeParts(5 * 1024 * 1024), { value: 5, unit: 'MB' });
});

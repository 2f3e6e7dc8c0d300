// The settings screens' pure rules (src/screens/settings/settings_logic.ts): form checks that
// mirror the server's, the JSON sent for WhatsApp and Web Chat inboxes (unknown settings kept),
// reading stored settings back, auto-assignment, canned-response helpers and placing the API's
// validation errors next to the right field. settings_logic.ts has only type imports.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { transformWithOxc } from 'vite';

const source = await readFile(new URL('../src/screens/settings/settings_logic.ts', import.meta.url), 'utf8');
const { code } = await transformWithOxc(source, 'settings_logic.ts', { lang: 'ts' });
const S = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const whatsapp = (over = {}) => ({
  ...S.emptyWhatsApp('verify-me'),
  name: 'WhatsApp Sales',
  phone_number_id: '100000000000002',
  waba_id: '100000000000001',
  access_token: 'EAAG-token',
  app_secret: 'app-secret',
  ...over,
});

test('WhatsApp: a complete form passes; each part is checked only when sent', () => {
  assert.equal(S.hasProblems(S.checkWhatsApp(whatsapp(), { name: true, settings: true, credentials: true })), false);
  const blank = S.checkWhatsApp(S.emptyWhatsApp(''), { name: true, settings: true, credentials: true });
  assert.deepEqual(
    Object.entries(blank).filter(([, v]) => v).map(([k, v]) => `${k}:${v}`).sort(),
    ['access_token:required', 'app_secret:required', 'name:required', 'phone_number_id:required', 'verify_token:required', 'waba_id:required'],
  );
  // Editing settings does not ask for the write-only secrets again.
  assert.equal(S.hasProblems(S.checkWhatsApp(whatsapp({ access_token: '', app_secret: '' }), { name: true, settings: true })), false);
  // Replacing credentials needs all three (the API replaces them as a whole).
  assert.equal(S.checkWhatsApp(whatsapp({ app_secret: ' ' }), { credentials: true }).app_secret, 'required');
});

test('WhatsApp: ids are digit strings, messages per second 1–10000, lengths in UTF-8 bytes', () => {
  const p = S.checkWhatsApp(whatsapp({ phone_number_id: '+1 415 555', waba_id: '12a', messages_per_second: '0' }), { settings: true });
  assert.equal(p.phone_number_id, 'digits');
  assert.equal(p.waba_id, 'digits');
  assert.equal(p.messages_per_second, 'range');
  assert.equal(S.checkWhatsApp(whatsapp({ messages_per_second: '10001' }), { settings: true }).messages_per_second, 'range');
  assert.equal(S.checkWhatsApp(whatsapp({ messages_per_second: '250' }), { settings: true }).messages_per_second, undefined);
  assert.equal(S.checkWhatsApp(whatsapp({ phone_number_id: '1'.repeat(33) }), { settings: true }).phone_number_id, 'digits');
  // 60 Arabic letters are 120 bytes: over the server's 100.
  assert.equal(S.checkWhatsApp(whatsapp({ name: 'ب'.repeat(60) }), { name: true }).name, 'tooLong');
  assert.equal(S.checkWhatsApp(whatsapp({ name: 'ب'.repeat(50) }), { name: true }).name, undefined);
});

test('WhatsApp: the JSON sent keeps settings the form does not show', () => {
  const f = whatsapp({ phone_number_id: ' 100000000000002 ', messages_per_second: '40' });
  const base = { auto_assignment: { enabled: true, max_open_per_agent: 3 }, messages_per_second: 80 };
  assert.deepEqual(S.whatsAppSettings(f, base), {
    auto_assignment: { enabled: true, max_open_per_agent: 3 },
    phone_number_id: '100000000000002',
    waba_id: '100000000000001',
    messages_per_second: 40,
  });
  // Emptying the rate goes back to the server's default.
  assert.equal('messages_per_second' in S.whatsAppSettings(whatsapp(), base), false);
  assert.deepEqual(S.whatsAppCredentials(whatsapp({ access_token: ' tok ' })), {
    app_secret: 'app-secret',
    verify_token: 'verify-me',
    access_token: 'tok',
  });
  const back = S.whatsAppFormFrom('Sales', { phone_number_id: '123', waba_id: '456', messages_per_second: 12 });
  assert.equal(back.phone_number_id, '123');
  assert.equal(back.messages_per_second, '12');
  assert.equal(back.access_token, '', 'secrets are never read back');
});

test('Web Chat: allowed domains follow the server\'s host, *.host, scheme://host[:port] rule', () => {
  assert.deepEqual(S.parseDomains(' shop.example\n*.shop.example, https://shop.example:8443/ \n\nshop.example'), [
    'shop.example',
    '*.shop.example',
    'https://shop.example:8443',
  ]);
  for (const ok of ['shop.example', '*.shop.example', 'https://shop.example:8443', 'http://127.0.0.1:8081', 'localhost']) {
    assert.ok(S.isDomainPattern(ok), ok);
  }
  for (const bad of ['ftp://shop.example', 'shop example', '.shop.example', 'shop.example.', 'https://shop.example/path', 'shop.example:port', 'مثال.com']) {
    assert.ok(!S.isDomainPattern(bad), bad);
  }
  const f = { ...S.emptyWebChat(), name: 'Site', allowed_domains: 'shop.example\nnot a domain' };
  assert.equal(S.checkWebChat(f, { settings: true }).allowed_domains, 'domain');
});

test('Web Chat: colour, texts and file size are checked; the JSON round-trips', () => {
  const f = {
    ...S.emptyWebChat('ar'),
    name: 'دردشة الموقع',
    allowed_domains: 'shop.example',
    widget_color: '#12AB9C',
    welcome_title: 'أهلًا',
    pre_chat_form_enabled: true,
    pre_chat_fields: [
      { name: 'name', enabled: true, required: true },
      { name: 'email', enabled: false, required: true },
      { name: 'phone', enabled: true, required: false },
    ],
    max_attachment_mb: '5',
  };
  assert.equal(S.hasProblems(S.checkWebChat(f, { name: true, settings: true })), false);
  assert.equal(S.checkWebChat({ ...f, widget_color: 'teal' }, { settings: true }).widget_color, 'color');
  assert.equal(S.checkWebChat({ ...f, max_attachment_mb: '26' }, { settings: true }).max_attachment_mb, 'range');
  assert.equal(S.checkWebChat({ ...f, attachments_enabled: false, max_attachment_mb: '' }, { settings: true }).max_attachment_mb, undefined);

  const sent = S.webChatSettings(f, { auto_assignment: { enabled: false, max_open_per_agent: 0 }, allowed_mime_types: ['image/*'] });
  assert.deepEqual(sent.allowed_domains, ['shop.example']);
  assert.equal(sent.widget_color, '#12ab9c');
  assert.equal(sent.locale, 'ar');
  assert.equal(sent.max_attachment_bytes, 5 * 1024 * 1024);
  // A field that is not asked cannot be required.
  assert.deepEqual(sent.pre_chat_fields[1], { name: 'email', enabled: false, required: false });
  assert.deepEqual(sent.allowed_mime_types, ['image/*'], 'keys the form does not show are kept');
  assert.deepEqual(sent.auto_assignment, { enabled: false, max_open_per_agent: 0 });

  const back = S.webChatFormFrom('دردشة الموقع', sent);
  assert.equal(back.allowed_domains, 'shop.example');
  assert.equal(back.widget_color, '#12ab9c');
  assert.equal(back.max_attachment_mb, '5');
  assert.deepEqual(back.pre_chat_fields.map((x) => [x.name, x.enabled, x.required]), [
    ['name', true, true],
    ['email', false, false],
    ['phone', true, false],
  ]);
});

test('Web Chat: stored settings in other shapes read back with the server\'s defaults', () => {
  const d = S.webChatFormFrom('x', {});
  assert.equal(d.widget_color, S.DEFAULT_WIDGET_COLOR);
  assert.equal(d.reply_time, 'in_a_few_minutes');
  assert.equal(d.max_attachment_mb, '10');
  assert.deepEqual(d.pre_chat_fields.map((x) => x.name), ['name', 'email', 'phone']);
  // Chatwoot-style comma-separated domains, a bad colour, an unknown reply time.
  const odd = S.webChatFormFrom('x', { allowed_domains: 'a.example, b.example', widget_color: 'red', reply_time: 'soon', pre_chat_fields: [{ name: 'phone', required: true }] });
  assert.equal(odd.allowed_domains, 'a.example\nb.example');
  assert.equal(odd.widget_color, S.DEFAULT_WIDGET_COLOR);
  assert.equal(odd.reply_time, 'in_a_few_minutes');
  assert.deepEqual(odd.pre_chat_fields.map((x) => [x.name, x.enabled, x.required]), [
    ['name', false, false],
    ['email', false, false],
    ['phone', true, true],
  ]);
});

test('auto-assignment: read, written over other settings, limit 0–10000', () => {
  assert.deepEqual(S.autoAssignmentOf(undefined), { enabled: false, max_open_per_agent: 0 });
  assert.deepEqual(S.autoAssignmentOf({ auto_assignment: { enabled: true, max_open_per_agent: 4 } }), { enabled: true, max_open_per_agent: 4 });
  assert.deepEqual(S.autoAssignmentOf({ auto_assignment: { enabled: 'yes', max_open_per_agent: -1 } }), { enabled: false, max_open_per_agent: 0 });
  assert.deepEqual(S.withAutoAssignment({ phone_number_id: '1' }, { enabled: true, max_open_per_agent: 2 }), {
    phone_number_id: '1',
    auto_assignment: { enabled: true, max_open_per_agent: 2 },
  });
  assert.equal(S.checkMaxOpen('0'), undefined);
  assert.equal(S.checkMaxOpen('10000'), undefined);
  assert.equal(S.checkMaxOpen('10001'), 'range');
  assert.equal(S.checkMaxOpen('-1'), 'range');
  assert.equal(S.checkMaxOpen('2.5'), 'range');
  assert.equal(S.checkMaxOpen(''), 'required');
});

test('member ids: toggling, comparing and sending as integers', () => {
  assert.deepEqual(S.toggleId([1, 2], '2', false), [1]);
  assert.deepEqual(S.toggleId([1], 3, true), [1, 3]);
  assert.deepEqual(S.toggleId([1, 3], 3, true), [1, 3]);
  assert.ok(S.sameIds([1, '2'], ['2', 1]));
  assert.ok(!S.sameIds([1], [1, 2]));
  assert.deepEqual(S.numericIds(['7', 8, 'x']), [7, 8]);
});

test('teams and labels: names required, label colours #rrggbb, lengths as the server counts', () => {
  assert.deepEqual(S.checkTeam({ name: ' ', description: '' }), { name: 'required', description: undefined });
  assert.equal(S.checkTeam({ name: 'x'.repeat(101), description: '' }).name, 'tooLong');
  assert.equal(S.checkLabel({ name: 'vip', color: '#1F93FF', description: '' }).color, undefined);
  assert.equal(S.checkLabel({ name: 'vip', color: '#1f93f', description: '' }).color, 'color');
  assert.equal(S.checkLabel({ name: 'ع'.repeat(33), color: '#000000', description: '' }).name, 'tooLong');
  assert.equal(S.checkLabel({ name: 'ع'.repeat(32), color: '#000000', description: '' }).name, undefined);
});

test('canned responses: short codes, variables, search', () => {
  assert.equal(S.checkShortCode('thanks'), undefined);
  assert.equal(S.checkShortCode('/Order.Status_2-b'), undefined);
  assert.equal(S.normalizeShortCode(' /Thanks '), 'thanks');
  assert.equal(S.checkShortCode('two words'), 'shortCode');
  assert.equal(S.checkShortCode('شكرا'), 'shortCode');
  assert.equal(S.checkShortCode('/'), 'required');
  assert.equal(S.checkShortCode('a'.repeat(51)), 'tooLong');
  assert.equal(S.checkCanned({ short_code: 'x', content: '  ' }).content, 'required');
  assert.equal(S.checkCanned({ short_code: 'x', content: 'ب'.repeat(4096) }).content, undefined, '4096 characters, not bytes');
  assert.equal(S.checkCanned({ short_code: 'x', content: 'ب'.repeat(4097) }).content, 'tooLong');

  assert.deepEqual(S.insertVariable('Hi !', 3, 3, 'contact.name'), { text: 'Hi {{contact.name}}!', caret: 19 });
  assert.deepEqual(S.insertVariable('Hi NAME!', 3, 7, 'agent.name'), { text: 'Hi {{agent.name}}!', caret: 17 });
  assert.deepEqual(S.unknownVariables('Hi {{ contact.name }}, {{order.id}} {{order.id}} {{agent.name}}'), ['order.id']);

  const list = [
    { short_code: 'thanks', content: 'Thank you {{contact.name}}!' },
    { short_code: 'shipping', content: 'التوصيل خلال يومين' },
    { short_code: 'refund', content: 'Refunds take 5 days' },
  ];
  assert.deepEqual(S.filterCanned(list, '').map((c) => c.short_code), ['thanks', 'shipping', 'refund']);
  assert.deepEqual(S.filterCanned(list, '/TH').map((c) => c.short_code), ['thanks']);
  assert.deepEqual(S.filterCanned(list, 'days refund').map((c) => c.short_code), ['refund']);
  // Arabic matches however the letters are written.
  assert.deepEqual(S.filterCanned(list, 'يومين').map((c) => c.short_code), ['shipping']);
  assert.deepEqual(S.filterCanned(list, 'التوصيل').map((c) => c.short_code), ['shipping']);
});

test('an API validation error lands on the field it names', () => {
  const fields = { name: 'name', phone_number_id: 'phone_number_id', auto_assignment: 'max_open', short_code: 'short_code', allowed_domains: 'allowed_domains' };
  const e = (status, code, message) => ({ status, code, message });
  assert.deepEqual(S.apiFieldError(e(400, 'invalid_argument', 'settings.phone_number_id must be the numeric id as a string'), fields), { field: 'phone_number_id', kind: 'invalid' });
  assert.deepEqual(S.apiFieldError(e(400, 'invalid_argument', 'settings.auto_assignment must be {enabled: bool, ...}'), fields), { field: 'max_open', kind: 'invalid' });
  assert.deepEqual(S.apiFieldError(e(400, 'invalid_argument', "allowed_domains: 'x y' is not a host"), fields), { field: 'allowed_domains', kind: 'invalid' });
  assert.deepEqual(S.apiFieldError(e(400, 'invalid_argument', 'name must be 1 to 100 characters'), fields), { field: 'name', kind: 'invalid' });
  assert.equal(S.apiFieldError(e(400, 'invalid_argument', 'settings must be a JSON object'), fields), null);
  assert.equal(S.apiFieldError(e(403, 'permission_denied', 'name needs admin'), fields), null, 'only validation errors');
  assert.deepEqual(S.apiFieldError(e(409, 'conflict', 'a canned response with this short_code exists'), fields, 'short_code'), { field: 'short_code', kind: 'conflict' });
  assert.equal(S.apiFieldError(e(409, 'conflict', 'UNIQUE constraint failed'), fields), null, 'a conflict without a main field stays general');
  assert.equal(S.apiFieldError(null, fields), null);
});

test('verify tokens are random and URL-safe', () => {
  const a = S.randomToken();
  const b = S.randomToken();
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(a, b);
});

test('an inbox name is required and at most 100 bytes, for every channel', () => {
  assert.equal(S.checkInboxName(''), 'required');
  assert.equal(S.checkInboxName('  '), 'required');
  assert.equal(S.checkInboxName('Support'), undefined);
  assert.equal(S.checkInboxName('ع'.repeat(51)), 'tooLong', 'Arabic letters count two bytes');
  assert.equal(S.checkWhatsApp({ ...S.emptyWhatsApp(), name: '' }, { name: true }).name, 'required');
  assert.equal(S.checkWebChat({ ...S.emptyWebChat(), name: 'x'.repeat(101) }, { name: true }).name, 'tooLong');
});

test('inbox members saved elsewhere: an untouched selection follows, an edited one is kept', () => {
  assert.deepEqual(S.followRemoteIds([1, 2], [2, 1], [1, 2, 3]), [1, 2, 3], 'untouched (same ids, any order)');
  assert.deepEqual(S.followRemoteIds([1, 2], [1], [1, 2, 3]), [1], 'the admin unticked someone: kept');
  assert.deepEqual(S.followRemoteIds(null, null, ['4']), ['4'], 'nothing loaded yet');
});

test('a list after a save or a delete: appended, replaced in place, ordered, removed', () => {
  const list = [{ id: 1, n: 'b' }, { id: 2, n: 'a' }];
  assert.deepEqual(S.upsertById(list, { id: 3, n: 'c' }, true), [...list, { id: 3, n: 'c' }]);
  assert.deepEqual(S.upsertById(list, { id: '1', n: 'B' }, false), [{ id: '1', n: 'B' }, list[1]], 'in place, ids as text');
  assert.deepEqual(S.upsertById(list, { id: 9, n: 'z' }, false).map((x) => x.id), [1, 2, 9], 'an edit of something not listed is added');
  assert.deepEqual(S.upsertById(list, { id: 3, n: '0' }, true, (x, y) => x.n.localeCompare(y.n)).map((x) => x.id), [3, 2, 1]);
  assert.equal(list.length, 2, 'the input is not changed');
  assert.deepEqual(S.removeById(list, '2'), [list[0]]);
});

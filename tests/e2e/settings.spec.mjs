// The settings screens against the real server, as an administrator would use them: a WhatsApp
// inbox connected through the form (its webhook URL and verify token work with Meta's handshake),
// edited, its credentials replaced (write-only: shown as "saved, hidden"), members and
// auto-assignment set (a new customer's conversation is then assigned by itself), a team with a
// member, labels created/edited/deleted and applied in the inbox, a canned response made with the
// variable buttons and used with "/shortcut" in the composer, and the inbox disconnected, then
// deleted. Then the same screens in Arabic: a Web Chat inbox created through its form (embed
// snippet shown), a team, a label, a canned response, a disconnect; html dir=rtl, mirrored layout,
// and no English string of the catalogue left on any of these pages.
//
// Runs after the other specs (signs in as their owner) or alone (sets up itself):
//   HUDHUD_E2E_ONLY=settings tests/e2e/run.sh build/hudhud
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OWNER, assertCleanRun, chooseLanguage, deliverSigned, ownerApi, poll, whatsappText } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WA = {
  name: 'WhatsApp Support',
  phone_number_id: '100000000000013',
  waba_id: '100000000000011',
  access_token: 'e2e-settings-access-token',
  app_secret: 'e2e-settings-app-secret',
  verify_token: 'e2e-settings-verify',
};
const NEW_SECRETS = { access_token: 'e2e-settings-access-token-2', app_secret: 'e2e-settings-app-secret-2', verify_token: 'e2e-settings-verify-2' };
const CUSTOMER = { wa_id: '971501112233', name: 'Khalid Mansour' };

// Admin API access from node (cookie session + CSRF), to check what the screens saved.
const adminApi = (env) => ownerApi(env, 'settingsApi');

/** The browser signed in as the owner, in English, on `section`. */
async function openAsOwner(env, section) {
  const { page } = env;
  const api = await adminApi(env);
  await api.call('PATCH', '/api/v1/me', { locale: 'en' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(env.url(`/w/${api.ws}/${section}`));
  await page.locator('h1, input[type="email"]').first().waitFor();
  if ((await page.locator('input[type="email"]').count()) > 0 && (await page.locator('.sidebar').count()) === 0) {
    await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => new URL(u).pathname.startsWith(`/w/${api.ws}/`));
    await page.goto(env.url(`/w/${api.ws}/${section}`));
  }
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.locator('.sidebar').waitFor();
  return api;
}

const esc = (v) => String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * An accessible name with interpolated values, as a RegExp: t() wraps each value in Unicode
 * isolates (U+2068 … U+2069), which a plain string would not match. L`Edit team ${name}`.
 */
function L(strings, ...values) {
  let re = '^';
  strings.forEach((str, i) => {
    re += esc(str);
    if (i < values.length) re += `\u2068?${esc(values[i])}\u2069?`;
  });
  return new RegExp(`${re}$`);
}
/** The same, matching anywhere in a longer text (status messages). */
function Lin(strings, ...values) {
  return new RegExp(L(strings, ...values).source.slice(1, -1));
}

async function settled(page) {
  await page.locator('.spinner-wrap').first().waitFor({ state: 'detached' }).catch(() => {});
}

/** Meta's webhook handshake against the URL the screen showed; retried past the server's short inbox cache. */
async function handshake(env, webhookUrl, token, { expectOk }) {
  const u = new URL(webhookUrl, env.baseUrl);
  const challenge = String(Math.floor(Math.random() * 1e9));
  const target = `${env.baseUrl}${u.pathname}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=${challenge}`;
  const until = Date.now() + 6000;
  for (;;) {
    const res = await fetch(target);
    const body = await res.text();
    const ok = res.status === 200 && body === challenge;
    if (ok === expectOk) return res.status;
    if (Date.now() > until) throw new Error(`handshake with ${token}: HTTP ${res.status} "${body}" (wanted ${expectOk ? 'the challenge' : 'a refusal'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const deliver = deliverSigned;
const textWebhook = (who, text) => whatsappText(WA, who, text);

/** The English catalogue (web/src/i18n/en.ts), read as text: every value, for the untranslated-string check. */
function catalogue(file) {
  const src = readFileSync(path.join(here, '../../web/src/i18n', file), 'utf8');
  return [...src.matchAll(/^\s*'([\w.]+)':\s*'((?:[^'\\]|\\.)*)',\s*$/gm)].map((m) => [m[1], m[2].replace(/\\'/g, "'")]);
}

let english = null;
function englishStrings() {
  if (english) return english;
  // English the Arabic catalogue uses on purpose (product names, "Callback URL", ...) is fine.
  const arabic = catalogue('ar.ts').map(([, v]) => v).join('\n');
  english = [];
  for (const [key, value] of catalogue('en.ts')) {
    // Only sentences and words: skip values that are codes, names or punctuation.
    if (!/[A-Za-z]{3,}/.test(value) || key === 'lang.en') continue;
    const parts = value
      .split(/\{\w+\}/)
      .map((s) => s.trim())
      .filter((s) => /[A-Za-z]{3,}/.test(s) && !arabic.includes(s));
    if (parts.length) english.push({ key, parts });
  }
  assert.ok(english.length > 300, `read ${english.length} English strings`);
  return english;
}

/**
 * No English UI string in `main` (user content — bdi, code, inputs, ltr islands — left out), and
 * no raw catalogue key. A key missing from ar.ts would fall back to English and show up here.
 */
async function assertNoEnglish(page, where) {
  const text = await page.evaluate(() => {
    const root = document.querySelector('main')?.cloneNode(true);
    if (!root) return '';
    for (const el of root.querySelectorAll('bdi, code, input, textarea, [dir="ltr"], .visually-hidden[dir="ltr"]')) el.remove();
    const labels = [...document.querySelectorAll('main [aria-label]')].map((e) => e.getAttribute('aria-label'));
    // Values put into sentences (names, codes) are isolated by t(): they are user content.
    return `${root.textContent}\n${labels.join('\n')}`.replace(/\u2068[^\u2069]*\u2069/g, ' ');
  });
  const found = [];
  for (const { key, parts } of englishStrings()) {
    for (const part of parts) {
      const re = new RegExp(`(^|[^A-Za-z])${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z]|$)`);
      if (re.test(text)) found.push(`${key}: "${part}"`);
    }
  }
  assert.deepEqual(found, [], `English strings on the Arabic ${where}: ${text.replace(/\s+/g, ' ').slice(0, 600)}`);
  const rawKey = /\b(inboxes|inboxMembers|whatsapp|webchat|teams|labels|canned|secret|settings|validation|common|nav)\.[a-z][A-Za-z.]+/.exec(text);
  assert.equal(rawKey, null, `a raw i18n key on the Arabic ${where}`);
}

export function defineTests(test) {
  test('settings: connect a WhatsApp inbox through the form; its webhook URL and verify token pass Meta\'s handshake', async (env) => {
    const { page } = env;
    const api = await openAsOwner(env, 'settings/inboxes');
    await page.getByRole('heading', { name: 'Inboxes', level: 1 }).waitFor();
    await settled(page);
    await env.screenshot('en-settings-inboxes-before');
    await page.getByRole('link', { name: 'Add inbox' }).first().click();
    await page.waitForURL(/\/settings\/inboxes\/new$/);
    await page.getByRole('heading', { name: 'Add an inbox', level: 1 }).waitFor();
    await page.getByRole('radio', { name: /WhatsApp/ }).check();
    const form = page.getByTestId('whatsapp-form');
    await form.waitFor();

    // Nothing filled: every required field says so, and focus goes to the first.
    await form.getByLabel('Inbox name').fill('');
    await form.getByLabel('Verify token').fill('');
    await form.getByRole('button', { name: 'Connect WhatsApp' }).click();
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    assert.equal(await form.getByLabel('Inbox name').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Access token').getAttribute('aria-invalid'), 'true');
    assert.ok((await form.locator('.field-error').count()) >= 6);
    // A phone number id that is not Meta's numeric id.
    await form.getByLabel('Phone number ID').fill('+1 415 555 0100');
    await form.getByRole('button', { name: 'Connect WhatsApp' }).click();
    await form.getByText('Use digits only').waitFor();

    await form.getByLabel('Inbox name').fill(WA.name);
    await form.getByLabel('Phone number ID').fill(WA.phone_number_id);
    await form.getByLabel('WhatsApp Business Account ID').fill(WA.waba_id);
    await form.getByLabel('Access token').fill(WA.access_token);
    await form.getByLabel('App secret').fill(WA.app_secret);
    await form.getByRole('button', { name: 'Generate' }).click();
    assert.match(await form.getByLabel('Verify token').inputValue(), /^[A-Za-z0-9_-]{20,}$/, 'a generated verify token');
    await form.getByLabel('Verify token').fill(WA.verify_token);
    await env.screenshot('en-settings-inbox-new-whatsapp');
    await form.getByRole('button', { name: 'Connect WhatsApp' }).click();

    await page.waitForURL(/\/settings\/inboxes\/\d+$/);
    env.state.waInboxId = new URL(page.url()).pathname.split('/').pop();
    await page.getByRole('heading', { name: WA.name, level: 1 }).waitFor();
    await page.getByRole('status').filter({ hasText: 'connected' }).waitFor();
    const webhookUrl = await page.getByLabel('Callback URL', { exact: true }).inputValue();
    assert.match(webhookUrl, /\/webhooks\/whatsapp\/[^/]+$/);
    env.state.waWebhookUrl = webhookUrl;
    // The verify token just typed is shown this once, to copy into Meta.
    assert.equal(await page.getByLabel('Verify token', { exact: true }).inputValue(), WA.verify_token);
    // Each Copy button is described by its field's label.
    const copy = page.locator('.copy-field', { has: page.getByRole('textbox', { name: 'Callback URL', exact: true }) }).getByRole('button', { name: 'Copy' });
    assert.equal(await copy.evaluate((b) => document.getElementById(b.getAttribute('aria-describedby'))?.textContent), 'Callback URL');
    const secrets = page.getByTestId('credentials');
    assert.equal(await secrets.getByText('Saved, hidden').count(), 3);
    const html = await page.content();
    assert.ok(!html.includes(WA.access_token) && !html.includes(WA.app_secret), 'secrets are never shown');
    await env.screenshot('en-settings-inbox-whatsapp');

    // What Meta does when the admin registers the webhook: the challenge comes back only for our token.
    await handshake(env, webhookUrl, WA.verify_token, { expectOk: true });
    await handshake(env, webhookUrl, 'not-the-token', { expectOk: false });
    const stored = await api.call('GET', api.w(`/inboxes/${env.state.waInboxId}`));
    assert.equal(stored.inbox.channel_kind, 'whatsapp');
    assert.deepEqual([stored.inbox.settings.phone_number_id, stored.inbox.settings.waba_id], [WA.phone_number_id, WA.waba_id]);
    assert.equal(stored.inbox.has_credentials, true);
  });

  test('settings: the inbox is listed; rename it, change its settings, replace its credentials', async (env) => {
    const { page } = env;
    const api = await adminApi(env);
    await page.getByRole('link', { name: 'All inboxes' }).click();
    await page.waitForURL(/\/settings\/inboxes$/);
    const row = page.getByTestId('inboxes').locator('tr', { hasText: WA.name });
    await row.locator('.ib-channel-whatsapp').waitFor();
    await row.getByText('Active').waitFor();
    await row.getByRole('link', { name: L`Configure ${WA.name}` }).click();
    await page.waitForURL(/\/settings\/inboxes\/\d+$/);
    await page.waitForFunction(() => document.activeElement?.matches('h1'), null, { timeout: 3000 });

    // Once the page is left, the verify token is hidden like the other secrets.
    await page.getByTestId('credentials').waitFor();
    assert.equal(await page.getByLabel('Verify token', { exact: true }).count(), 0);
    assert.equal(await page.getByTestId('credentials').getByText('Saved, hidden').count(), 3);

    const settings = page.getByTestId('inbox-settings');
    await settings.getByLabel('Inbox name').fill('WhatsApp Support KSA');
    await settings.getByLabel(/^Messages per second/).fill('0');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await settings.getByText('Enter a whole number in the allowed range.').waitFor();
    await settings.getByLabel(/^Messages per second/).fill('20');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Inbox settings saved.' }).waitFor();
    await page.getByRole('heading', { name: 'WhatsApp Support KSA', level: 1 }).waitFor();
    let inbox = (await api.call('GET', api.w(`/inboxes/${env.state.waInboxId}`))).inbox;
    assert.equal(inbox.name, 'WhatsApp Support KSA');
    assert.equal(inbox.settings.messages_per_second, 20);
    assert.equal(inbox.settings.phone_number_id, WA.phone_number_id);

    // New credentials: all three, write-only; the new verify token is shown once.
    await page.getByRole('button', { name: 'Replace credentials' }).click();
    await page.getByLabel('Access token').fill(NEW_SECRETS.access_token);
    await page.getByLabel('App secret').fill(NEW_SECRETS.app_secret);
    await page.getByLabel('Verify token', { exact: true }).fill(NEW_SECRETS.verify_token);
    await page.getByRole('button', { name: 'Save new credentials' }).click();
    await page.getByRole('status').filter({ hasText: 'New credentials saved' }).waitFor();
    assert.equal(await page.getByLabel('Verify token', { exact: true }).inputValue(), NEW_SECRETS.verify_token);
    await handshake(env, env.state.waWebhookUrl, NEW_SECRETS.verify_token, { expectOk: true });
    await handshake(env, env.state.waWebhookUrl, WA.verify_token, { expectOk: false });
    inbox = (await api.call('GET', api.w(`/inboxes/${env.state.waInboxId}`))).inbox;
    assert.equal(inbox.status, 'active');
  });

  test('settings: inbox members and auto-assignment; a new customer\'s conversation is assigned by itself', async (env) => {
    const { page } = env;
    const api = await adminApi(env);
    const card = page.getByTestId('inbox-members');
    await card.waitFor();
    await card.getByRole('checkbox', { name: new RegExp(OWNER.name) }).check();
    await card.getByLabel('Assign new conversations automatically').check();
    await card.getByLabel('Most open conversations per agent').fill('lots');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('Enter a whole number from 0 to 10000.').waitFor();
    await card.getByLabel('Most open conversations per agent').fill('5');
    await card.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Members and auto-assignment saved.' }).waitFor();
    await env.screenshot('en-settings-inbox-members');

    const members = await api.call('GET', api.w(`/inboxes/${env.state.waInboxId}/members`));
    assert.deepEqual(members.user_ids.map(String), [String(api.userId)]);
    let inbox = (await api.call('GET', api.w(`/inboxes/${env.state.waInboxId}`))).inbox;
    assert.deepEqual(inbox.settings.auto_assignment, { enabled: true, max_open_per_agent: 5 });

    // Saving the other settings afterwards keeps auto-assignment (the API replaces settings whole).
    await page.getByTestId('inbox-settings').getByLabel('Inbox name').fill('WhatsApp Support');
    await page.getByTestId('inbox-settings').getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'WhatsApp Support', level: 1, exact: true }).waitFor();
    inbox = (await api.call('GET', api.w(`/inboxes/${env.state.waInboxId}`))).inbox;
    assert.deepEqual(inbox.settings.auto_assignment, { enabled: true, max_open_per_agent: 5 });
    assert.equal(inbox.settings.messages_per_second, 20);

    // The rule at work: the owner is online, a new customer writes, the conversation is theirs.
    await api.call('PUT', api.w('/availability'), { availability: 'online' });
    await deliver(env, env.state.waWebhookUrl, NEW_SECRETS.app_secret, textWebhook(CUSTOMER, 'Hello, I need help with my order'));
    const conversation = await poll('the new conversation', async () => {
      const list = await api.call('GET', api.w(`/conversations?inbox_id=${env.state.waInboxId}`));
      return list.data[0];
    });
    env.state.customerConversation = conversation.id;
    await poll('the automatic assignment', async () => {
      const c = (await api.call('GET', api.w(`/conversations/${conversation.id}`))).conversation;
      return String(c.assignee_id) === String(api.userId);
    });
  });

  test('settings: a team with a member; a duplicate name is refused next to the field; delete', async (env) => {
    const { page } = env;
    const api = await adminApi(env);
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.waitForURL(/\/settings\/teams$/);
    await settled(page);
    await page.getByRole('button', { name: 'New team' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New team' });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.closest('dialog') !== null);
    await dialog.getByLabel('Team name').fill('Sales');
    await dialog.getByLabel(/^Description/).fill('Pre-sales questions');
    await dialog.getByRole('checkbox', { name: new RegExp(OWNER.name) }).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('status').filter({ hasText: Lin`Team “${'Sales'}” created.` }).waitFor();
    const row = page.getByTestId('teams').locator('tr', { hasText: 'Sales' });
    await row.getByText(OWNER.name).waitFor();
    // Closing the dialog gave the focus back to the button that opened it.
    await page.waitForFunction(() => document.activeElement?.textContent?.includes('New team'));
    let teams = (await api.call('GET', api.w('/teams'))).data;
    const sales = teams.find((t) => t.name === 'Sales');
    assert.deepEqual(sales.member_ids.map(String), [String(api.userId)]);
    assert.equal(sales.description, 'Pre-sales questions');

    await row.getByRole('button', { name: L`Edit team ${'Sales'}` }).click();
    const edit = page.getByRole('dialog', { name: /Edit/ });
    assert.equal(await edit.getByLabel('Team name').inputValue(), 'Sales');
    await edit.getByLabel('Team name').fill('Sales KSA');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('teams').locator('tr', { hasText: 'Sales KSA' }).waitFor();

    await page.getByRole('button', { name: 'New team' }).first().click();
    await dialog.getByLabel('Team name').fill('Sales KSA');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('This name is already taken in this workspace.').waitFor();
    assert.equal(await dialog.getByLabel('Team name').getAttribute('aria-invalid'), 'true');
    await dialog.getByLabel('Team name').fill('Temporary');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const temp = page.getByTestId('teams').locator('tr', { hasText: 'Temporary' });
    await temp.getByText('No members').waitFor();
    await temp.getByRole('button', { name: L`Delete team ${'Temporary'}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await temp.waitFor({ state: 'detached' });
    teams = (await api.call('GET', api.w('/teams'))).data;
    assert.deepEqual(teams.map((t) => t.name).sort(), ['Sales KSA']);
    await env.screenshot('en-settings-teams');
  });

  test('settings: labels are created, edited and deleted, and applied in the inbox', async (env) => {
    const { page } = env;
    const api = await adminApi(env);
    await page.getByRole('link', { name: 'Labels' }).click();
    await page.waitForURL(/\/settings\/labels$/);
    await settled(page);
    const dialog = page.getByRole('dialog', { name: 'New label' });
    for (const [name, color] of [
      ['vip', '#16a34a'],
      ['temp', '#dc2626'],
    ]) {
      await page.getByRole('button', { name: 'New label' }).first().click();
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      await dialog.getByRole('button', { name: color }).click();
      await dialog.getByRole('button', { name: 'Create' }).click();
      await page.getByTestId('labels').locator('tr', { hasText: name }).waitFor();
    }
    // A duplicate name answers 409: shown on the name field.
    await page.getByRole('button', { name: 'New label' }).first().click();
    await dialog.getByLabel('Name', { exact: true }).fill('vip');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('This name is already taken in this workspace.').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: L`Edit label ${'vip'}` }).click();
    const edit = page.getByRole('dialog', { name: L`Edit ${'vip'}` });
    await edit.getByLabel(/^Description/).fill('Customers on the gold plan');
    await edit.getByLabel('Colour', { exact: true }).fill('#7c3aeZ');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('Use a colour like #1f93ff.').waitFor();
    await edit.getByLabel('Colour', { exact: true }).fill('#7C3AED');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: Lin`Label “${'vip'}” saved.` }).waitFor();
    await page.getByTestId('labels').getByText('Customers on the gold plan').waitFor();

    await page.getByRole('button', { name: L`Delete label ${'temp'}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('labels').locator('tr', { hasText: 'temp' }).waitFor({ state: 'detached' });
    const labels = (await api.call('GET', api.w('/labels'))).data;
    assert.deepEqual(labels.map((l) => [l.name, l.color, l.description]), [['vip', '#7c3aed', 'Customers on the gold plan']]);
    await env.screenshot('en-settings-labels');

    // Applied in the inbox, on the new customer's conversation.
    await page.goto(env.url(`/w/${api.ws}/inbox/${env.state.customerConversation}`));
    await page.locator('.ib-conv-title', { hasText: CUSTOMER.name }).waitFor();
    await page.getByLabel('Add a label').selectOption('vip');
    await page.locator('.ib-labels .ib-label-chip', { hasText: 'vip' }).waitFor();
    const c = (await api.call('GET', api.w(`/conversations/${env.state.customerConversation}`))).conversation;
    assert.deepEqual(c.labels, ['vip']);
  });

  test('settings: a canned response made with the variable buttons is used with /shortcut in the composer', async (env) => {
    const { page } = env;
    const api = await adminApi(env);
    await page.getByRole('link', { name: 'Canned responses' }).click();
    await page.waitForURL(/\/settings\/canned-responses$/);
    await settled(page);
    await page.getByRole('button', { name: 'New canned response' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New canned response' });
    await dialog.getByLabel('Shortcut').fill('/Greet KSA');
    const content = dialog.getByLabel('Reply text');
    await content.fill('Hello , I am  from Acme.');
    // Put the caret after "Hello " and insert the contact's name, then the agent's.
    await content.evaluate((el) => el.setSelectionRange(6, 6));
    await dialog.getByRole('button', { name: L`Insert ${'The contact’s name'}` }).click();
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    const value = await content.inputValue();
    const at = value.indexOf('I am ') + 5;
    await content.evaluate((el, i) => el.setSelectionRange(i, i), at);
    await dialog.getByRole('button', { name: L`Insert ${'Your name (the agent sending it)'}` }).click();
    assert.equal(await content.inputValue(), 'Hello {{contact.name}}, I am {{agent.name}} from Acme.');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Use only letters a–z, digits').waitFor();
    await dialog.getByLabel('Shortcut').fill('/Greet');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('status').filter({ hasText: '/greet' }).waitFor();
    const table = page.getByTestId('canned');
    await table.getByText('/greet').waitFor();

    // A second one, then search, edit and delete.
    await page.getByRole('button', { name: 'New canned response' }).first().click();
    await dialog.getByLabel('Shortcut').fill('refund');
    await dialog.getByLabel('Reply text').fill('Refunds take 5 working days. {{order.id}}');
    await dialog.getByText('These aren’t known variables').waitFor();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await table.getByText('/refund').waitFor();
    await page.getByLabel('Search canned responses').fill('working days');
    await table.getByText('/greet').waitFor({ state: 'detached' });
    await page.getByText('1 found').waitFor();
    await page.getByRole('button', { name: L`Edit ${'/refund'}` }).click();
    const editCanned = page.getByRole('dialog', { name: L`Edit ${'/refund'}` });
    await editCanned.getByLabel('Reply text').fill('Refunds take 3 working days.');
    await editCanned.getByRole('button', { name: 'Save changes' }).click();
    await table.getByText('Refunds take 3 working days.').waitFor();
    await page.getByRole('button', { name: L`Delete ${'/refund'}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Nothing matches your search.').waitFor();
    await page.getByRole('alertdialog').waitFor({ state: 'hidden' });
    await page.getByLabel('Search canned responses').fill('');
    await table.getByText('/greet').waitFor();
    const saved = (await api.call('GET', api.w('/canned-responses'))).data;
    assert.ok(saved.some((c) => c.short_code === 'greet'));
    assert.ok(!saved.some((c) => c.short_code === 'refund'));
    await env.screenshot('en-settings-canned');

    // In the composer: "/gre" offers it, Enter inserts it filled in for this contact and agent.
    await page.goto(env.url(`/w/${api.ws}/inbox/${env.state.customerConversation}`));
    const box = page.getByPlaceholder(/Write a reply/);
    await box.waitFor();
    await box.pressSequentially('/gre');
    await page.getByRole('option', { name: /\/greet/ }).waitFor();
    await box.press('Enter');
    await page.waitForFunction(
      (want) => document.activeElement?.value === want,
      `Hello ${CUSTOMER.name}, I am ${OWNER.name} from Acme.`,
    );
    await box.fill('');
  });

  test('settings: disconnect the inbox (credentials deleted, history kept), then delete it', async (env) => {
    const { page } = env;
    const api = await adminApi(env);
    await page.goto(env.url(`/w/${api.ws}/settings/inboxes/${env.state.waInboxId}`));
    await page.getByRole('heading', { name: 'WhatsApp Support', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Disconnect inbox' }).click();
    const dialog = page.getByRole('alertdialog', { name: L`Disconnect ${'WhatsApp Support'}?` });
    await dialog.getByText('are deleted right away').waitFor();
    const wipe = dialog.getByLabel('Also delete its conversations and messages');
    assert.equal(await wipe.isChecked(), false, 'history is kept unless asked');
    await wipe.check();
    await dialog.getByRole('button', { name: 'Delete inbox' }).waitFor();
    await wipe.uncheck();
    await env.screenshot('en-settings-inbox-disconnect');
    await dialog.getByRole('button', { name: 'Disconnect inbox' }).click();
    await page.getByRole('status').filter({ hasText: 'disconnected; its credentials were deleted' }).waitFor();
    await page.locator('.page-header .badge', { hasText: 'Disconnected' }).waitFor();
    assert.equal(await page.getByTestId('credentials').getByText('Not set').count(), 3);
    await page.getByRole('button', { name: 'Reconnect' }).waitFor();
    let inbox = (await api.call('GET', api.w(`/inboxes/${env.state.waInboxId}`))).inbox;
    assert.deepEqual([inbox.status, inbox.has_credentials], ['disconnected', false]);
    await handshake(env, env.state.waWebhookUrl, NEW_SECRETS.verify_token, { expectOk: false });
    // The conversation is still there.
    await api.call('GET', api.w(`/conversations/${env.state.customerConversation}`));

    await page.getByRole('button', { name: 'Delete inbox' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete inbox' }).click();
    await page.waitForURL(/\/settings\/inboxes$/);
    await page.getByRole('status').filter({ hasText: Lin`Inbox “${'WhatsApp Support'}” deleted.` }).waitFor();
    await page.locator('[data-testid="inboxes"], .empty-state').first().waitFor();
    assert.equal(await page.getByTestId('inboxes').locator('tr', { hasText: 'WhatsApp Support' }).count(), 0);
    const list = (await api.call('GET', api.w('/inboxes'))).data;
    assert.ok(!list.some((i) => String(i.id) === String(env.state.waInboxId)));
    await env.screenshot('en-settings-inboxes');
  });

  test('settings in Arabic: a Web Chat inbox through its form, teams, labels, canned responses; rtl and nothing left in English', async (env) => {
    const { page } = env;
    const api = await adminApi(env);
    await page.locator('.profile-button').click();
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');

    await page.getByRole('link', { name: 'صناديق الوارد' }).click();
    await page.getByRole('heading', { name: 'صناديق الوارد', level: 1 }).waitFor();
    await settled(page);
    const side = await page.locator('.sidebar').boundingBox();
    assert.ok(side.x > 640, `the sidebar is on the right (x=${side.x})`);
    await assertNoEnglish(page, 'inbox list');
    await page.getByRole('link', { name: 'إضافة صندوق وارد' }).first().click();
    await page.getByRole('radio', { name: /الدردشة على الموقع/ }).check();
    const form = page.getByTestId('webchat-form');
    await form.getByRole('button', { name: 'إنشاء صندوق الوارد' }).click();
    await form.getByText('هذا الحقل مطلوب.').waitFor();
    await form.getByLabel('اسم صندوق الوارد').fill('دردشة المتجر');
    await form.getByLabel(/^المواقع المسموح بها/).fill('shop.example\nليس موقعًا');
    await form.getByRole('button', { name: 'إنشاء صندوق الوارد' }).click();
    await form.getByText('اكتب موقعًا واحدًا في كل سطر').waitFor();
    await form.getByLabel(/^المواقع المسموح بها/).fill('shop.example\n*.shop.example');
    await form.getByLabel('لون النافذة', { exact: true }).fill('#0f766e');
    await form.getByLabel(/^عبارة الترحيب/).fill('أهلًا بك في متجرنا');
    await form.getByLabel('اطلب من الزوار بياناتهم قبل الرسالة الأولى').check();
    await form.getByLabel(L`طلب ${'الهاتف'}`).check();
    await form.getByLabel(L`${'الهاتف'} إلزامي`).check();
    await assertNoEnglish(page, 'new Web Chat inbox form');
    await env.screenshot('ar-settings-inbox-new-webchat');
    await form.getByRole('button', { name: 'إنشاء صندوق الوارد' }).click();
    await page.waitForURL(/\/settings\/inboxes\/\d+$/);
    const webchatId = new URL(page.url()).pathname.split('/').pop();
    await page.getByRole('heading', { name: 'دردشة المتجر', level: 1 }).waitFor();
    const snippet = await page.getByLabel('شيفرة التضمين', { exact: true }).inputValue();
    assert.match(snippet, /<script src="[^"]+\/widget\/sdk\.js" data-website-token="[^"]+" async><\/script>/);
    assert.ok((await page.getByLabel('سرّ التحقق من الهوية', { exact: true }).inputValue()).length >= 16, 'the identity secret is shown to admins');
    const stored = (await api.call('GET', api.w(`/inboxes/${webchatId}`))).inbox;
    assert.deepEqual(stored.settings.allowed_domains, ['shop.example', '*.shop.example']);
    assert.equal(stored.settings.widget_color, '#0f766e');
    assert.equal(stored.settings.locale, 'ar');
    assert.deepEqual(stored.settings.pre_chat_fields.find((f) => f.name === 'phone'), { name: 'phone', enabled: true, required: true });
    // Mirrored: the back link's arrow points right, the header's status badge sits left of the title.
    const title = await page.locator('.page-header h1').boundingBox();
    const badge = await page.locator('.page-header .badge').boundingBox();
    assert.ok(badge.x < title.x, `the badge is on the left in RTL (${badge.x} vs ${title.x})`);
    // Members and auto-assignment, with a validation error in Arabic.
    const card = page.getByTestId('inbox-members');
    await card.getByRole('checkbox', { name: new RegExp(OWNER.name) }).check();
    await card.getByLabel('إسناد المحادثات الجديدة تلقائيًا').check();
    await card.getByLabel('أقصى عدد من المحادثات المفتوحة لكل موظف').fill('-3');
    await card.getByRole('button', { name: 'حفظ التغييرات' }).click();
    await card.getByText('أدخل عددًا صحيحًا من 0 إلى 10000.').waitFor();
    await card.getByLabel('أقصى عدد من المحادثات المفتوحة لكل موظف').fill('0');
    await card.getByRole('button', { name: 'حفظ التغييرات' }).click();
    await page.getByRole('status').filter({ hasText: 'تم حفظ الأعضاء والإسناد التلقائي.' }).waitFor();
    await assertNoEnglish(page, 'Web Chat inbox page');
    await page.locator('.page-header h1').scrollIntoViewIfNeeded();
    await env.screenshot('ar-settings-inbox-webchat');
    await page.setViewportSize({ width: 390, height: 844 });
    await env.screenshot('ar-mobile-settings-inbox-webchat');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Disconnect in Arabic.
    await page.getByRole('button', { name: 'فك ربط صندوق الوارد' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText('تتوقف نافذة الدردشة عن العمل').waitFor();
    await assertNoEnglish(page, 'disconnect dialog');
    await confirm.getByRole('button', { name: 'فك ربط صندوق الوارد' }).click();
    await page.locator('.page-header .badge', { hasText: 'غير مربوط' }).waitFor();
    await page.getByRole('button', { name: 'إعادة ربط نافذة الدردشة' }).waitFor();
    await assertNoEnglish(page, 'disconnected inbox');

    // Teams.
    await page.getByRole('link', { name: 'الفرق' }).click();
    await page.getByRole('heading', { name: 'الفرق', level: 1 }).waitFor();
    await settled(page);
    await page.getByRole('button', { name: 'فريق جديد' }).first().click();
    const teamDialog = page.getByRole('dialog', { name: 'فريق جديد' });
    await teamDialog.getByLabel('اسم الفريق').fill('فريق الدعم');
    await teamDialog.getByRole('checkbox', { name: new RegExp(OWNER.name) }).check();
    await assertNoEnglish(page, 'new team dialog');
    await teamDialog.getByRole('button', { name: 'إنشاء' }).click();
    await page.getByTestId('teams').locator('tr', { hasText: 'فريق الدعم' }).getByText(OWNER.name).waitFor();
    await assertNoEnglish(page, 'teams');
    await env.screenshot('ar-settings-teams');

    // Labels.
    await page.getByRole('link', { name: 'التصنيفات' }).click();
    await page.getByRole('heading', { name: 'التصنيفات', level: 1 }).waitFor();
    await settled(page);
    await page.getByRole('button', { name: 'تصنيف جديد' }).first().click();
    const labelDialog = page.getByRole('dialog', { name: 'تصنيف جديد' });
    await labelDialog.getByLabel('الاسم', { exact: true }).fill('عاجل');
    await labelDialog.getByRole('button', { name: '#dc2626' }).click();
    await labelDialog.getByRole('button', { name: 'إنشاء' }).click();
    await page.getByTestId('labels').locator('tr', { hasText: 'عاجل' }).waitFor();
    await page.getByRole('button', { name: L`تعديل التصنيف ${'عاجل'}` }).click();
    const editLabel = page.getByRole('dialog', { name: L`تعديل ${'عاجل'}` });
    await editLabel.getByLabel(/^الوصف/).fill('يحتاج إلى رد خلال ساعة');
    await assertNoEnglish(page, 'edit label dialog');
    await editLabel.getByRole('button', { name: 'حفظ التغييرات' }).click();
    await page.getByTestId('labels').getByText('يحتاج إلى رد خلال ساعة').waitFor();
    await assertNoEnglish(page, 'labels');
    await env.screenshot('ar-settings-labels');
    await page.getByRole('button', { name: L`حذف التصنيف ${'عاجل'}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'حذف' }).click();
    await page.getByTestId('labels').locator('tr', { hasText: 'عاجل' }).waitFor({ state: 'detached' });

    // Canned responses.
    await page.getByRole('link', { name: 'الردود الجاهزة' }).click();
    await page.getByRole('heading', { name: 'الردود الجاهزة', level: 1 }).waitFor();
    await settled(page);
    await page.getByRole('button', { name: 'رد جاهز جديد' }).first().click();
    const cannedDialog = page.getByRole('dialog', { name: 'رد جاهز جديد' });
    await cannedDialog.getByLabel('الاختصار').fill('شكرا');
    await cannedDialog.getByLabel('نص الرد').fill('شكرًا لتواصلك معنا يا ');
    await cannedDialog.getByRole('button', { name: L`إدراج ${'اسم جهة الاتصال'}` }).click();
    await cannedDialog.getByRole('button', { name: 'إنشاء' }).click();
    await cannedDialog.getByText('استخدم الحروف اللاتينية').waitFor();
    await assertNoEnglish(page, 'new canned response dialog');
    await cannedDialog.getByLabel('الاختصار').fill('shukran');
    await cannedDialog.getByRole('button', { name: 'إنشاء' }).click();
    await page.getByTestId('canned').getByText('/shukran').waitFor();
    await page.getByLabel('البحث في الردود الجاهزة').fill('لتواصلك');
    await page.getByText('عدد النتائج').waitFor();
    await assertNoEnglish(page, 'canned responses');
    await env.screenshot('ar-settings-canned');
    const saved = (await api.call('GET', api.w('/canned-responses'))).data.find((c) => c.short_code === 'shukran');
    assert.equal(saved.content, 'شكرًا لتواصلك معنا يا {{contact.name}}');
  });

  test('settings: back to English; no page errors; writes carried X-CSRF-Token', async (env) => {
    await chooseLanguage(env.page, 'English');
    await env.page.setViewportSize({ width: 1280, height: 800 });
    assertCleanRun(env);
  });
}

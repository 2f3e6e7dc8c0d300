// Inbox permissions as two people see them at once, on two browsers: an agent (the main page) and
// the owner (a second browser, env.openPage). Two WhatsApp inboxes each get a customer's message
// through a signed webhook. The agent, a member of no inbox, is told so (English and Arabic); made
// a member of one, it sees only that inbox's conversation, live; the owner ticks it on the second
// inbox's members card and the second conversation appears in the agent's list without a reload
// (and the owner's card follows a change saved elsewhere); taken off the first inbox, its
// conversation leaves the list and closes. The agent sets its availability from the profile menu
// (mouse, then keyboard) and the owner's members page shows "Busy" live. A new role shows the
// admin settings in the agent's sidebar and back; removed from the workspace, the agent lands on
// the sign-in page with a notice.
//
// Runs after the other specs (signs in as their owner) or alone (sets up itself):
//   HUDHUD_E2E_ONLY=permissions tests/e2e/run.sh build/hudhud
import assert from 'node:assert/strict';
import { OWNER, apiClient, assertCleanRun, chooseLanguage, deliverSigned, ownerApi, poll, trackSubscriptions, whatsappText } from './helpers.mjs';

const AGENT = { name: 'Huda Nasser', email: 'agent.huda@example.com', password: 'huda-agent-pass-1' };
const RIYADH = { name: 'Riyadh Store', phone_number_id: '100000000000031', waba_id: '100000000000030', app_secret: 'e2e-permissions-riyadh' };
const JEDDAH = { name: 'Jeddah Store', phone_number_id: '100000000000041', waba_id: '100000000000040', app_secret: 'e2e-permissions-jeddah' };
const FAISAL = { wa_id: '966500000101', name: 'Faisal Otaibi' };
const MONA = { wa_id: '966500000202', name: 'Mona Harbi' };

const ownerSession = (env) => ownerApi(env, 'permissionsApi');
const item = (page, name) => page.locator('.ib-item', { has: page.locator('.ib-name', { hasText: name }) });
const inboxOptions = async (page) => (await page.locator('#ib-filter-inbox option').allTextContents()).slice(1).sort();

async function signIn(page, env, who) {
  await page.goto(env.url('/login'));
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => /^\/w\/[^/]+\/inbox$/.test(new URL(u).pathname));
}

/** A WhatsApp inbox connected over the API, with one customer's conversation in it. */
async function inboxWithConversation(env, account, customer, text) {
  const api = await ownerSession(env);
  const { inbox } = await api.call('POST', api.w('/inboxes'), {
    name: account.name,
    channel_kind: 'whatsapp',
    settings: { phone_number_id: account.phone_number_id, waba_id: account.waba_id },
    credentials: { app_secret: account.app_secret, verify_token: `${account.app_secret}-verify`, access_token: `${account.app_secret}-token` },
  });
  await deliverSigned(env, inbox.webhook_url, account.app_secret, whatsappText(account, customer, text));
  const conversation = await poll(`${customer.name}'s conversation`, async () => (await api.call('GET', api.w(`/conversations?inbox_id=${inbox.id}`))).data[0]);
  return { inbox, conversation };
}

/** The page has not been reloaded since `mark` (a flag set in the document survives). */
const markDocument = (page) => page.evaluate(() => {
  window.__sameDocument = true;
});
const assertSameDocument = async (page, what) => assert.equal(await page.evaluate(() => window.__sameDocument), true, `${what} without a reload`);

export function defineTests(test) {
  test('permissions: an agent who works no inbox is told so, in English and Arabic', async (env) => {
    const { page, context } = env;
    const api = await ownerSession(env);
    const riyadh = await inboxWithConversation(env, RIYADH, FAISAL, 'Is the Riyadh branch open on Friday?');
    const jeddah = await inboxWithConversation(env, JEDDAH, MONA, 'Do you deliver to Obhur?');
    const { token } = await api.call('POST', api.w('/invitations'), { email: AGENT.email, role: 'agent' });
    const agentApi = apiClient(env);
    const accepted = await agentApi.call('POST', '/api/v1/invitations/accept', { token, name: AGENT.name, password: AGENT.password });
    env.state.permissions = { riyadh, jeddah, agentId: accepted.user.id, agentApi };
    // The server's side of it: an agent sees no inbox, and another inbox's conversation is a 404.
    assert.deepEqual((await agentApi.call('GET', api.w('/inboxes'))).data, []);
    await assert.rejects(agentApi.call('GET', api.w(`/conversations/${riyadh.conversation.id}`)), /HTTP 404/);

    await context.clearCookies();
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(env.url('/login'));
    await page.evaluate(() => localStorage.removeItem('hudhud.inbox.filter'));
    await signIn(page, env, AGENT);
    const empty = page.getByTestId('no-inboxes');
    await empty.getByRole('heading', { name: 'You’re not a member of any inbox yet' }).waitFor();
    await empty.getByText('Ask an admin to add you.').waitFor();
    await page.locator('.ib-conn[data-connection="online"]').waitFor();
    await env.screenshot('en-inbox-no-inboxes');

    await chooseLanguage(page, 'العربية');
    await empty.getByRole('heading', { name: 'لست عضوًا في أي صندوق وارد بعد' }).waitFor();
    await empty.getByText('اطلب من أحد المسؤولين إضافتك.').waitFor();
    await env.screenshot('ar-inbox-no-inboxes');
    await chooseLanguage(page, 'English');
  });

  test('permissions: made a member of one inbox, the agent sees only its conversations, live', async (env) => {
    const { page } = env;
    const api = await ownerSession(env);
    const s = env.state.permissions;
    await page.locator('.ib-conn[data-connection="online"]').waitFor();
    await markDocument(page);
    await api.call('PUT', api.w(`/inboxes/${s.riyadh.inbox.id}/members`), { user_ids: [Number(s.agentId)] });

    await item(page, FAISAL.name).waitFor({ timeout: 15_000 });
    assert.deepEqual(await page.locator('.ib-item .ib-name').allTextContents(), [FAISAL.name], 'only the Riyadh conversation is listed');
    await poll('only the Riyadh inbox offered', async () => (await inboxOptions(page)).join() === RIYADH.name);
    await assertSameDocument(page, 'the list came in');
    await item(page, FAISAL.name).click();
    await page.locator('.ib-msg.ib-in', { hasText: 'Riyadh branch' }).waitFor();
    await page.waitForURL((u) => new URL(u).pathname.endsWith(`/inbox/${s.riyadh.conversation.id}`));
  });

  test('permissions: the owner adds the agent to a second inbox; the agent\'s list updates without a reload', async (env) => {
    const { page } = env;
    const api = await ownerSession(env);
    const s = env.state.permissions;
    const owner = await env.openPage();
    s.owner = owner;
    s.ownerSockets = trackSubscriptions(owner);
    await signIn(owner, env, OWNER);
    s.ownerSockets.mark();
    await owner.goto(env.url(`/w/${api.ws}/settings/inboxes/${s.jeddah.inbox.id}`));
    const card = owner.getByTestId('inbox-members');
    await card.waitFor();
    await card.getByText('Agents only see the inboxes they are members of').waitFor();
    await s.ownerSockets.subscribed();

    await card.getByRole('checkbox', { name: new RegExp(AGENT.name) }).check();
    await card.getByRole('button', { name: 'Save changes' }).click();
    await owner.getByRole('status').filter({ hasText: 'Members and auto-assignment saved.' }).waitFor();
    await env.screenshot('en-settings-inbox-members-visibility', owner);

    await item(page, MONA.name).waitFor({ timeout: 15_000 });
    await item(page, FAISAL.name).waitFor();
    await poll('both inboxes offered', async () => (await inboxOptions(page)).join() === [JEDDAH.name, RIYADH.name].sort().join());
    await assertSameDocument(page, 'the second inbox came in');

    // Another admin's change shows on the owner's open card too (here: the owner added as well).
    await api.call('PUT', api.w(`/inboxes/${s.jeddah.inbox.id}/members`), { user_ids: [Number(s.agentId), Number(api.userId)] });
    await poll('the owner ticked on the open members card', () => card.getByRole('checkbox', { name: new RegExp(OWNER.name) }).isChecked());
    assert.equal(await card.getByRole('checkbox', { name: new RegExp(AGENT.name) }).isChecked(), true);

    // Taken off the first inbox: its conversation leaves the list and, open, closes.
    await api.call('PUT', api.w(`/inboxes/${s.riyadh.inbox.id}/members`), { user_ids: [] });
    await item(page, FAISAL.name).waitFor({ state: 'detached', timeout: 15_000 });
    await page.waitForURL((u) => new URL(u).pathname.endsWith('/inbox'));
    await item(page, MONA.name).waitFor();
    await poll('only the Jeddah inbox offered', async () => (await inboxOptions(page)).join() === JEDDAH.name);
    await assertSameDocument(page, 'the first inbox left');
  });

  test('permissions: the agent sets availability to busy; the owner\'s members page shows it live', async (env) => {
    const { page } = env;
    const api = await ownerSession(env);
    const s = env.state.permissions;
    const owner = s.owner;
    // The owner's socket stays subscribed moving between screens of the workspace.
    await owner.getByRole('link', { name: 'Members' }).click();
    const row = owner.locator('tbody tr', { hasText: AGENT.email });
    await row.locator('.presence').waitFor();

    // The profile menu shows the current state and changes it: by mouse, then by keyboard.
    await page.locator('.profile-button').click();
    const picker = page.getByRole('group', { name: 'Availability' });
    await picker.waitFor();
    await picker.locator('label', { hasText: 'Online' }).click();
    await page.locator('.profile-button .presence-badge[data-availability="online"]').waitFor();
    assert.equal(await picker.getByRole('radio', { name: 'Online' }).isChecked(), true);
    await row.locator('.presence[data-availability="online"]').waitFor();
    await picker.getByRole('radio', { name: 'Online' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('.profile-button .presence-badge[data-availability="busy"]').waitFor();
    assert.equal(await picker.getByRole('radio', { name: 'Busy' }).isChecked(), true);
    assert.match(await page.locator('.profile-button').getAttribute('aria-label'), /Busy/);
    await env.screenshot('en-profile-availability');

    // The owner, on the members page all along, sees it change.
    await row.locator('.presence[data-availability="busy"]', { hasText: 'Busy' }).waitFor();
    await env.screenshot('en-members-availability', owner);
    const members = (await api.call('GET', api.w('/members'))).data;
    assert.equal(members.find((m) => String(m.user_id) === String(s.agentId)).availability, 'busy');

    // Read back after a reload.
    await page.keyboard.press('Escape');
    await page.reload();
    await page.locator('.profile-button .presence-badge[data-availability="busy"]').waitFor();
  });

  test('permissions: a new role shows the admin settings live and back; removed, the agent is signed out with a notice', async (env) => {
    const { page } = env;
    const s = env.state.permissions;
    const owner = s.owner;
    await page.locator('.ib-conn[data-connection="online"]').waitFor();
    await markDocument(page);
    assert.equal(await page.getByRole('link', { name: 'Members' }).count(), 0);

    await owner.getByLabel(/^Role for .*Huda/).selectOption('admin');
    await page.getByRole('link', { name: 'Members' }).waitFor();
    // (t() isolates the interpolated role: U+2068 … U+2069.)
    await page.getByTestId('shell-notice').filter({ hasText: /Your role in this workspace is now \u2068?Administrator\u2069?\./ }).waitFor();
    // An administrator sees every inbox, the Riyadh one again included.
    await poll('every inbox offered', async () => (await inboxOptions(page)).includes(RIYADH.name));
    await page.getByTestId('shell-notice').getByRole('button', { name: 'Close' }).click();

    await owner.getByLabel(/^Role for .*Huda/).selectOption('agent');
    await page.getByRole('link', { name: 'Members' }).waitFor({ state: 'detached' });
    await poll('only the member inboxes offered', async () => !(await inboxOptions(page)).includes(RIYADH.name));
    await assertSameDocument(page, 'the role changed twice');

    await owner.getByRole('button', { name: /^Remove .*Huda/ }).click();
    await owner.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await owner.locator('tbody tr', { hasText: AGENT.email }).waitFor({ state: 'detached' });
    await page.waitForURL((u) => new URL(u).pathname === '/login' && new URL(u).searchParams.has('removed'));
    await page.getByTestId('removed-notice').filter({ hasText: 'An administrator removed you from your workspace' }).waitFor();
    await env.screenshot('en-login-removed');
  });

  test('permissions: no page errors; writes carried X-CSRF-Token', async (env) => {
    await env.state.permissions?.owner?.context().close();
    assertCleanRun(env);
  });
}

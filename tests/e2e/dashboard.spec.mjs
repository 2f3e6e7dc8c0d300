// The dashboard story, in order, on a fresh server: set-up → sign-out → sign-in → contacts →
// API token → invitation → workspace → audit log → Arabic → invitation acceptance.
// Later tests use what earlier ones created (env.state).
import assert from 'node:assert/strict';

const OWNER = {
  workspace: 'Acme Support',
  name: 'Layla Haddad',
  email: 'owner@example.com',
  password: 'correct-horse-42',
};
const INVITEE = { email: 'agent.omar@example.com', name: 'عمر Omar', password: 'another-pass-99' };

async function expectVisible(locator, message) {
  try {
    await locator.first().waitFor({ state: 'visible' });
  } catch (err) {
    throw new Error(`${message}: ${err.message.split('\n')[0]}`);
  }
}

async function waitForPath(page, re) {
  await page.waitForURL((u) => re.test(new URL(u).pathname));
}

async function openProfileMenu(page) {
  const button = page.locator('.profile-button');
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}

async function signIn(page, env, email, password) {
  await page.goto(env.url('/login'));
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export function defineTests(test) {
  test('first-run set-up validates and creates the owner, landing in the app', async (env) => {
    const { page } = env;
    await page.goto(env.url('/'));
    await waitForPath(page, /^\/setup$/);
    await expectVisible(page.getByRole('heading', { name: 'Set up Hudhud' }), 'set-up screen');
    assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');

    // Client-side validation: a short password is refused before anything is sent.
    await page.getByLabel('Workspace name').fill(OWNER.workspace);
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await expectVisible(page.getByText('Use at least 8 characters.'), 'password length error');
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), 'true');
    await env.screenshot('en-setup');

    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await waitForPath(page, /^\/w\/[^/]+\/inbox$/);
    await expectVisible(page.getByRole('heading', { name: 'Inbox', level: 1 }), 'inbox heading');
    await expectVisible(page.getByText('Conversations will appear here'), 'inbox placeholder');
    const ws = new URL(page.url()).pathname.split('/')[2];
    env.state.ws = ws;
    assert.equal(await page.getByLabel('Workspace', { exact: true }).inputValue(), ws);
    await expectVisible(page.locator('.profile-name', { hasText: OWNER.name }), 'profile shows the owner');
  });

  test('a second set-up is not offered once done', async (env) => {
    const { page } = env;
    await page.goto(env.url('/setup'));
    await waitForPath(page, /^\/w\/[^/]+\/inbox$/);
  });

  test('logout returns to sign-in and drops the session', async (env) => {
    const { page } = env;
    await openProfileMenu(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await waitForPath(page, /^\/login$/);
    await expectVisible(page.getByText('You have signed out.'), 'signed-out notice');
    await page.goto(env.url(`/w/${env.state.ws}/contacts`));
    await waitForPath(page, /^\/login$/);
    assert.equal(new URL(page.url()).searchParams.get('next'), `/w/${env.state.ws}/contacts`);
  });

  test('login with a wrong password shows the error', async (env) => {
    const { page } = env;
    await signIn(page, env, OWNER.email, 'not-the-password');
    const alert = page.getByRole('alert');
    await expectVisible(alert, 'error alert');
    assert.ok((await alert.innerText()).trim().length > 0, 'alert has a message');
    assert.match(new URL(page.url()).pathname, /^\/login$/);
    await env.screenshot('en-login-error');

    // The same in Arabic (the sign-in page has its own language toggle).
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.getByLabel('كلمة المرور', { exact: true }).fill('still-not-it');
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await expectVisible(page.getByRole('alert').filter({ hasText: 'غير صحيحة' }), 'Arabic error alert');
    await env.screenshot('ar-login-error');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  test('a throttled login (429) shows a retry hint from Retry-After', async (env) => {
    const { page } = env;
    await page.route('**/api/v1/auth/login', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '42' },
        body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many attempts' } }),
      }),
    );
    try {
      await signIn(page, env, OWNER.email, OWNER.password);
      await expectVisible(page.getByRole('alert').filter({ hasText: '42 seconds' }), 'retry hint');
    } finally {
      await page.unroute('**/api/v1/auth/login');
    }
  });

  test('login works and returns to the page asked for', async (env) => {
    const { page } = env;
    await page.goto(env.url(`/login?next=${encodeURIComponent(`/w/${env.state.ws}/contacts`)}`));
    await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForPath(page, /^\/w\/[^/]+\/contacts$/);
    await expectVisible(page.getByRole('heading', { name: 'Contacts', level: 1 }), 'contacts heading');
  });

  test('create a contact with mixed Arabic/English name', async (env) => {
    const { page } = env;
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'New contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await expectVisible(dialog, 'new contact dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('سارة Ahmed 2');
    await dialog.getByLabel(/^Email/).fill('sara@example.com');
    await dialog.getByLabel(/^Phone/).fill('+971 50 123 4567');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expectVisible(page.getByRole('status').filter({ hasText: 'created' }), 'created notice');
    await expectVisible(page.getByRole('cell', { name: 'سارة Ahmed 2' }), 'contact row');
    await expectVisible(page.getByRole('cell', { name: 'sara@example.com' }), 'contact email');
    for (const [name, email] of [
      ['John Appleseed', 'john@example.com'],
      ['محمد العلي', null],
    ]) {
      await page.getByRole('button', { name: 'New contact' }).click();
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      if (email) await dialog.getByLabel(/^Email/).fill(email);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await expectVisible(page.getByRole('cell', { name }), `contact row ${name}`);
    }
  });

  test('create an API token and see it shown once', async (env) => {
    const { page } = env;
    await page.getByRole('link', { name: 'API tokens' }).click();
    await waitForPath(page, /\/settings\/api-tokens$/);
    await page.getByLabel('Token name').fill('CRM sync');
    await page.getByRole('button', { name: 'Create token' }).click();
    const callout = page.getByTestId('new-token');
    await expectVisible(callout, 'new token callout');
    const value = await page.getByLabel('New API token').inputValue();
    assert.match(value, /^hh_.{8,}/, 'token starts with hh_');
    await expectVisible(callout.getByRole('button', { name: 'Copy' }), 'copy button');
    await expectVisible(page.getByRole('cell', { name: 'CRM sync', exact: true }), 'token listed');
    await env.screenshot('en-api-token-created');

    await callout.getByRole('button', { name: 'Done' }).click();
    await callout.waitFor({ state: 'detached' });
    await page.reload();
    await expectVisible(page.getByRole('cell', { name: 'CRM sync', exact: true }), 'token listed after reload');
    const html = await page.content();
    assert.ok(!html.includes(value), 'the secret is never shown again');

    // A second token, revoked through the confirmation dialog.
    await page.getByLabel('Token name').fill('Old key');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expectVisible(page.getByRole('cell', { name: 'Old key', exact: true }), 'second token listed');
    await page.getByRole('button', { name: /^Revoke token .*Old key/ }).click();
    const confirm = page.getByRole('alertdialog');
    await expectVisible(confirm, 'revoke confirmation');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('cell', { name: 'Old key', exact: true }).waitFor({ state: 'detached' });
    await expectVisible(page.getByRole('cell', { name: 'CRM sync', exact: true }), 'first token kept');
  });

  test('invite a member and see the invitation link', async (env) => {
    const { page } = env;
    await page.getByRole('link', { name: 'Members' }).click();
    await waitForPath(page, /\/settings\/members$/);
    await expectVisible(page.getByRole('cell', { name: new RegExp(OWNER.name) }), 'owner in members');
    await page.getByLabel('Email', { exact: true }).fill(INVITEE.email);
    await page.getByLabel('Role', { exact: true }).selectOption('agent');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const created = page.getByTestId('invitation-created');
    await expectVisible(created, 'invitation created');
    const acceptUrl = await page.getByLabel('Invitation link').inputValue();
    const token = new URL(acceptUrl, env.baseUrl).searchParams.get('token');
    assert.ok(token, `accept_url carries a token: ${acceptUrl}`);
    env.state.inviteToken = token;
    await expectVisible(page.getByTestId('invitations').getByRole('cell', { name: INVITEE.email }), 'pending invitation');

    // Another invitation, then revoked.
    await page.getByLabel('Email', { exact: true }).fill('typo@example.com');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expectVisible(page.getByTestId('invitations').getByRole('cell', { name: 'typo@example.com', exact: true }), 'second invitation');
    await page.getByRole('button', { name: /^Revoke the invitation for .*typo@example.com/ }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('cell', { name: 'typo@example.com', exact: true }).waitFor({ state: 'detached' });
    await expectVisible(page.getByTestId('invitations').getByRole('cell', { name: INVITEE.email }), 'first invitation kept');
  });

  test('rename the workspace', async (env) => {
    const { page } = env;
    await page.getByRole('link', { name: 'Workspace', exact: true }).click();
    await waitForPath(page, /\/settings\/workspace$/);
    const name = page.getByLabel('Workspace name');
    assert.equal(await name.inputValue(), OWNER.workspace);
    await name.fill('Acme Support — الدعم');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectVisible(page.getByText('Workspace settings saved.'), 'saved notice');
    const switcher = page.getByLabel('Workspace', { exact: true });
    await page.waitForFunction(
      (el) => el.selectedOptions[0]?.textContent === 'Acme Support — الدعم',
      await switcher.elementHandle(),
    );
  });

  test('audit log lists what happened', async (env) => {
    const { page } = env;
    await page.getByRole('link', { name: 'Audit log' }).click();
    await waitForPath(page, /\/settings\/audit-log$/);
    await expectVisible(page.getByTestId('audit-log').locator('tbody tr'), 'audit rows');
  });

  test('English screenshots (desktop and mobile)', async (env) => {
    await takeScreens(env, 'en');
  });

  test('switch to Arabic: html[dir=rtl], mirrored layout, remembered per user', async (env) => {
    const { page } = env;
    await page.getByRole('link', { name: 'Inbox', exact: true }).click();
    await openProfileMenu(page);
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
    await expectVisible(page.getByRole('heading', { name: 'صندوق الوارد', level: 1 }), 'Arabic inbox heading');
    // Mirrored: the sidebar sits on the right.
    const box = await page.locator('.sidebar').boundingBox();
    assert.ok(box && box.x > 640, `sidebar is on the right in RTL (x=${box?.x})`);
    await env.screenshot('ar-inbox-menu');

    // The choice is saved on the user (PATCH /me), so it survives a fresh load.
    await page.evaluate(() => localStorage.removeItem('hudhud.locale'));
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await expectVisible(page.getByRole('link', { name: 'جهات الاتصال' }), 'Arabic nav after reload');
  });

  test('Arabic screenshots (desktop and mobile)', async (env) => {
    await takeScreens(env, 'ar');
  });

  test('switch back to English', async (env) => {
    const { page } = env;
    await page.setViewportSize({ width: 1280, height: 800 });
    await openProfileMenu(page);
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  });

  test('an invited member accepts at /invite and lands in the app as an agent', async (env) => {
    const { page, context } = env;
    assert.ok(env.state.inviteToken, 'needs the invitation from an earlier test');
    await context.clearCookies();
    await page.goto(env.url(`/invite?token=${encodeURIComponent(env.state.inviteToken)}`));
    await expectVisible(page.getByRole('heading', { name: 'Join your team on Hudhud' }), 'invite screen');
    await page.getByLabel('Name', { exact: true }).fill(INVITEE.name);
    await page.getByLabel('Password', { exact: true }).fill(INVITEE.password);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await waitForPath(page, /^\/w\/[^/]+\/inbox$/);
    await expectVisible(page.locator('.profile-name', { hasText: 'Omar' }), 'signed in as the invitee');
    assert.equal(await page.getByRole('link', { name: 'Members' }).count(), 0, 'agents see no admin settings');
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'agents see no audit log');
    for (const admin of ['Inboxes', 'Teams', 'Labels']) {
      assert.equal(await page.getByRole('link', { name: admin, exact: true }).count(), 0, `agents see no ${admin} settings`);
    }
    // Canned responses: agents look them up, only administrators change them.
    await page.getByRole('link', { name: 'Canned responses' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Canned responses', level: 1 }), 'agent canned responses page');
    await expectVisible(page.getByText('Only administrators can add or change canned responses.'), 'read-only note');
    assert.equal(await page.getByRole('button', { name: 'New canned response' }).count(), 0, 'agents cannot add canned responses');
    // Agents manage their own API tokens.
    await page.getByRole('link', { name: 'API tokens' }).click();
    await expectVisible(page.getByRole('heading', { name: 'API tokens', level: 1 }), 'agent API tokens page');
    await expectVisible(page.getByText('No API tokens yet.'), "the owner's token is not listed to an agent");
  });

  test('the owner changes the new member\'s role, then removes them', async (env) => {
    const { page, context } = env;
    await context.clearCookies();
    await signIn(page, env, OWNER.email, OWNER.password);
    await waitForPath(page, /^\/w\/[^/]+\/inbox$/);
    await page.getByRole('link', { name: 'Members' }).click();
    const role = page.getByLabel(/^Role for .*Omar/);
    await expectVisible(role, 'role select for the new member');
    assert.equal(await role.inputValue(), 'agent');
    await role.selectOption('admin');
    await expectVisible(page.getByRole('status').filter({ hasText: 'changed' }), 'role changed notice');
    await page.reload();
    assert.equal(await page.getByLabel(/^Role for .*Omar/).inputValue(), 'admin');
    await env.screenshot('en-members-two');

    await page.getByRole('button', { name: /^Remove .*Omar/ }).click();
    const confirm = page.getByRole('alertdialog');
    await expectVisible(confirm, 'remove confirmation');
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByLabel(/^Role for .*Omar/).waitFor({ state: 'detached' });
    await expectVisible(page.getByRole('status').filter({ hasText: 'removed' }), 'removed notice');
  });

  test('every cookie-authenticated write sent X-CSRF-Token', async (env) => {
    const exempt = new Set(['/api/v1/setup', '/api/v1/auth/login', '/api/v1/invitations/accept']);
    const checked = env.writes.filter((w) => !exempt.has(w.path));
    assert.ok(checked.length >= 5, `saw ${checked.length} writes`);
    const missing = checked.filter((w) => !w.csrf);
    assert.deepEqual(missing, [], 'writes without X-CSRF-Token');
  });

  test('no uncaught errors in the page', async (env) => {
    assert.deepEqual(env.pageErrors, []);
  });
}

async function takeScreens(env, lang) {
  const { page } = env;
  const ws = env.state.ws;
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [section, name] of [
    ['inbox', 'inbox'],
    ['contacts', 'contacts'],
    ['settings/members', 'members'],
    ['settings/api-tokens', 'api-tokens'],
    ['settings/audit-log', 'audit-log'],
  ]) {
    await page.goto(env.url(`/w/${ws}/${section}`));
    await page.locator('h1').waitFor();
    await page.locator('.spinner').first().waitFor({ state: 'detached' }).catch(() => {});
    await env.screenshot(`${lang}-${name}`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(env.url(`/w/${ws}/contacts`));
  await page.locator('tbody tr').first().waitFor();
  await env.screenshot(`${lang}-mobile-contacts`);
  await page.locator('.topbar button').click();
  await page.locator('.sidebar.is-open').waitFor();
  await page.waitForTimeout(250);
  await env.screenshot(`${lang}-mobile-nav`);
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1280, height: 800 });
}

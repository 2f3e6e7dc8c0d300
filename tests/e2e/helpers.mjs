// What the specs share: API sessions from node (cookie jar + CSRF), signed WhatsApp webhooks,
// polling, and knowing when a page's WebSocket is subscribed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

export const OWNER = { workspace: 'Acme Support', name: 'Layla Haddad', email: 'owner@example.com', password: 'correct-horse-42' };

/**
 * A cookie-and-CSRF HTTP client for the API, as a browser would be. `call` throws on a non-2xx
 * answer (with the status in the message); a sign-in answer's csrf_token is kept for later writes.
 */
export function apiClient(env) {
  const jar = {};
  let csrf = '';
  const call = async (method, p, body) => {
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const cookie = Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.Cookie = cookie;
    const res = await fetch(env.url(p), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar[pair.slice(0, i)] = pair.slice(i + 1);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text}`);
    const json = text ? JSON.parse(text) : null;
    if (json?.csrf_token) csrf = json.csrf_token;
    return json;
  };
  return { call };
}

/**
 * The owner's API session (setting up the server first when a spec runs alone), kept in
 * env.state[key]: `{call, ws, w(path), userId}`.
 */
export async function ownerApi(env, key) {
  if (env.state[key]) return env.state[key];
  const { call } = apiClient(env);
  const setup = await call('GET', '/api/v1/setup');
  const signedIn = setup.needs_setup
    ? await call('POST', '/api/v1/setup', { workspace_name: OWNER.workspace, name: OWNER.name, email: OWNER.email, password: OWNER.password })
    : await call('POST', '/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
  const ws = (await call('GET', '/api/v1/workspaces')).data[0].id;
  env.state[key] = { call, ws, w: (p) => `/api/v1/workspaces/${ws}${p}`, userId: signedIn.user.id };
  return env.state[key];
}

/** POSTs a webhook signed like Meta does: HMAC-SHA256 of the raw bytes with the app secret. */
export async function deliverSigned(env, webhookUrl, appSecret, payload) {
  const raw = JSON.stringify(payload);
  const sig = `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
  const res = await fetch(`${env.baseUrl}${new URL(webhookUrl, env.baseUrl).pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sig },
    body: raw,
  });
  assert.equal(res.status, 200, `webhook answered ${res.status}: ${await res.text()}`);
}

let textSeq = 0;
/** A WhatsApp Cloud API webhook carrying one text message from `who` to the number `account` is. */
export function whatsappText(account, who, text) {
  textSeq += 1;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: account.waba_id,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '14155550111', phone_number_id: account.phone_number_id },
              contacts: [{ profile: { name: who.name }, wa_id: who.wa_id }],
              messages: [{ from: who.wa_id, id: `wamid.E2E${Date.now()}${textSeq}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

export async function poll(what, fn, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Counts the dashboard's `subscribed` answers on `page`'s WebSockets (register before the page
 * loads). `await sockets.subscribed()` waits until one more arrived than when `mark()` was last
 * called: events published after that reach the page.
 */
export function trackSubscriptions(page) {
  let count = 0;
  let marked = 0;
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && /"type"\s*:\s*"subscribed"/.test(payload)) count += 1;
    });
  });
  return {
    mark: () => {
      marked = count;
    },
    subscribed: () => poll('the page\'s WebSocket subscription', () => count > marked, 10_000),
  };
}

/** Switches the signed-in page's language from the profile menu and closes the menu. */
export async function chooseLanguage(page, language) {
  const dir = language === 'العربية' ? 'rtl' : 'ltr';
  await page.locator('.profile-button').click();
  await page.getByRole('button', { name: language }).click();
  await page.waitForFunction((d) => document.documentElement.dir === d, dir);
  await page.keyboard.press('Escape');
}

/** Every cookie-authenticated write so far carried X-CSRF-Token, and no page threw. */
export function assertCleanRun(env) {
  const exempt = new Set(['/api/v1/setup', '/api/v1/auth/login', '/api/v1/invitations/accept']);
  const missing = env.writes.filter((w) => !w.csrf && !exempt.has(w.path));
  assert.deepEqual(missing, [], 'writes without X-CSRF-Token');
  assert.deepEqual(env.pageErrors, []);
}

// The agents' inbox against the real server, with WhatsApp as the customer's channel: a WhatsApp
// inbox whose Graph API is tests/e2e/fake-graph.mjs (run.sh starts it and passes
// --graph-api-url; its address comes in HUDHUD_E2E_GRAPH_URL). Signed webhooks play the customer;
// the browser plays the agent, who never reloads: the conversation appears live, the reply reaches
// the fake Graph, delivery and read receipts move the tick, a private note never leaves, a closed
// 24-hour window offers templates, and the whole screen mirrors in Arabic. Screenshots go to
// docs/screenshots/inbox-{en,ar}.png for the README.
//
// Runs after the other specs (signs in as their owner) or alone (sets up itself):
//   HUDHUD_E2E_ONLY=inbox tests/e2e/run.sh build/hudhud
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OWNER, assertCleanRun, chooseLanguage, deliverSigned, ownerApi } from './helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const docsShots = path.join(here, '../../docs/screenshots');
const APP_SECRET = 'e2e-whatsapp-app-secret';
const PHONE_NUMBER_ID = '100000000000002';
const WABA_ID = '100000000000001';
const SARA = { wa_id: '12025550143', name: 'Sara Whitfield' };
const OMAR = { wa_id: '13125550187', name: 'عمر الفاروق' };

/** The owner's API session (shared helper), as `{call, ws, userId}`. */
const apiSession = (env) => ownerApi(env, 'inboxApi');

function graphUrl() {
  const url = process.env.HUDHUD_E2E_GRAPH_URL;
  if (!url) {
    throw new Error('HUDHUD_E2E_GRAPH_URL is not set: run the suite with tests/e2e/run.sh, which starts tests/e2e/fake-graph.mjs and passes --graph-api-url to hudhud');
  }
  return url.replace(/\/+$/, '');
}

async function graphRequests() {
  const res = await fetch(`${graphUrl()}/__requests`);
  return res.json();
}

/** Polls the fake Graph until `pred` matches a recorded request. */
async function waitForGraph(pred, what, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await graphRequests()).find(pred);
    if (found) return found;
    if (Date.now() > until) throw new Error(`the fake Graph API never received ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sentMessages = (reqs) => reqs.filter((r) => r.method === 'POST' && r.path.endsWith(`/${PHONE_NUMBER_ID}/messages`) && r.body?.status !== 'read');

let wamidSeq = 0;
function wamid() {
  wamidSeq += 1;
  return `wamid.${Buffer.from(`FAKEE2E${Date.now()}${wamidSeq}`).toString('base64')}`;
}

function change(value) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: WABA_ID, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '14155550100', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }],
  };
}

function textWebhook(who, text, at = new Date(), id = wamid()) {
  return change({
    contacts: [{ profile: { name: who.name }, wa_id: who.wa_id }],
    messages: [{ from: who.wa_id, id, timestamp: String(Math.floor(at.getTime() / 1000)), type: 'text', text: { body: text } }],
  });
}

function statusWebhook(id, status, recipient, errors) {
  return change({
    statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient, ...(errors ? { errors } : {}) }],
  });
}

/** POSTs a webhook to the inbox, signed with its app secret. */
const deliver = (env, payload) => deliverSigned(env, env.state.webhookPath, APP_SECRET, payload);

/** A w×h PNG with a diagonal two-colour gradient (valid: signature, IHDR, IDAT, IEND, CRCs). */
function makePng(w, h) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const t = (x + y) / (w + h);
      row[1 + x * 3] = Math.round(36 + t * 200);
      row[2 + x * 3] = Math.round(86 + t * 60);
      row[3 + x * 3] = Math.round(207 - t * 150);
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function signIn(env) {
  const { page } = env;
  const api = await apiSession(env);
  // Whoever the earlier specs left signed in, the agent here is the owner, in English.
  await api.call('PATCH', '/api/v1/me', { locale: 'en' });
  await page.goto(env.url(`/w/${api.ws}/inbox`));
  await page.locator('.ib-list, input[type="email"]').first().waitFor();
  if ((await page.locator('.ib-list').count()) === 0) {
    await page.goto(env.url('/login'));
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/w\/[^/]+\/inbox/);
    await page.goto(env.url(`/w/${api.ws}/inbox`));
  }
  await page.evaluate(() => localStorage.removeItem('hudhud.inbox.filter'));
  // Wide enough for all three panes (the contact beside the conversation, not a drawer).
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.reload();
  await page.locator('.ib-conn[data-connection="online"]').waitFor();
  return api;
}

const item = (page, name) => page.locator('.ib-item', { has: page.locator('.ib-name', { hasText: name }) });

export function defineTests(test) {
  test('inbox: a WhatsApp inbox is connected to the fake Graph API', async (env) => {
    graphUrl();
    const api = await apiSession(env);
    const r = await api.call('POST', `/api/v1/workspaces/${api.ws}/inboxes`, {
      name: 'WhatsApp Sales',
      channel_kind: 'whatsapp',
      settings: { phone_number_id: PHONE_NUMBER_ID, waba_id: WABA_ID },
      credentials: { app_secret: APP_SECRET, verify_token: 'e2e-verify-token', access_token: 'e2e-access-token' },
    });
    env.state.inboxId = r.inbox.id;
    env.state.webhookPath = new URL(r.inbox.webhook_url, env.baseUrl).pathname;
    // Connecting with a waba_id syncs the templates from the (fake) Graph API.
    await waitForGraph((q) => q.method === 'GET' && q.path.endsWith(`/${WABA_ID}/message_templates`), 'the template sync');
    const until = Date.now() + 15_000;
    for (;;) {
      const t = await api.call('GET', `/api/v1/workspaces/${api.ws}/inboxes/${r.inbox.id}/templates`);
      if (t.data.some((x) => x.name === 'order_shipped')) break;
      if (Date.now() > until) throw new Error('templates were not synced');
      await new Promise((res) => setTimeout(res, 200));
    }
  });

  test('inbox: a signed webhook\'s conversation appears live, unread, with the channel and preview', async (env) => {
    const { page } = env;
    await signIn(env);
    env.state.kettleWamid = wamid();
    await deliver(env, textWebhook(SARA, 'Hi, is the blue kettle still in stock?', new Date(), env.state.kettleWamid));
    const row = item(page, SARA.name);
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.locator('.ib-preview', { hasText: 'blue kettle' }).waitFor();
    await row.locator('.ib-badge', { hasText: '1' }).waitFor();
    await row.locator('.ib-channel-whatsapp').waitFor();
    assert.equal(await row.locator('.ib-time time').count(), 1);
    // A second message moves the count without a reload.
    await deliver(env, textWebhook(SARA, 'هل يمكن التوصيل غدًا؟ Order #1042'));
    await row.locator('.ib-badge', { hasText: '2' }).waitFor();
    await row.locator('.ib-preview', { hasText: 'التوصيل' }).waitFor();
  });

  test('inbox: open it, reply; the fake Graph receives it and receipts move the tick live', async (env) => {
    const { page } = env;
    await item(page, SARA.name).click();
    await page.waitForURL(/\/inbox\/\d+$/);
    env.state.saraConversation = new URL(page.url()).pathname.split('/').pop();
    const incoming = page.locator('.ib-msg.ib-in', { hasText: 'blue kettle' });
    await incoming.waitFor();
    // Each bubble lays out its own text direction.
    assert.equal(await page.locator('.ib-msg.ib-in .ib-text', { hasText: 'التوصيل' }).getAttribute('dir'), 'auto');
    // Opening reads it.
    await item(page, SARA.name).locator('.ib-badge').waitFor({ state: 'detached' });
    // The contact beside it: profile and the WhatsApp identity.
    const contact = page.locator('.ib-contact');
    await contact.locator('h2', { hasText: SARA.name }).waitFor();
    await contact.locator('.ib-identity', { hasText: SARA.wa_id }).waitFor();

    const reply = 'Yes! It ships today.';
    const box = page.getByPlaceholder(/Write a reply/);
    await box.fill(reply);
    await box.press('Enter');
    const bubble = page.locator('.ib-msg.ib-out', { hasText: 'It ships today' });
    await bubble.waitFor();
    const sent = await waitForGraph((q) => q.method === 'POST' && q.body?.type === 'text' && q.body?.text?.body === reply, 'the reply');
    assert.equal(sent.body.to.replace(/^\+/, ''), SARA.wa_id);
    assert.equal(sent.authorization, 'Bearer e2e-access-token');
    await page.locator('.ib-msg.ib-out[data-tick="sent"]', { hasText: 'It ships today' }).waitFor({ timeout: 15_000 });

    const message = await (await apiSession(env)).call('GET', `/api/v1/workspaces/${env.state.inboxApi.ws}/conversations/${env.state.saraConversation}/messages?limit=5`);
    const stored = message.data.find((m) => m.content === reply);
    assert.ok(stored?.external_id, 'the reply has the platform id the fake Graph answered');
    env.state.replyWamid = stored.external_id;

    await deliver(env, statusWebhook(stored.external_id, 'delivered', SARA.wa_id));
    await page.locator('.ib-msg.ib-out[data-tick="delivered"]', { hasText: 'It ships today' }).waitFor();
    await deliver(env, statusWebhook(stored.external_id, 'read', SARA.wa_id));
    const read = page.locator('.ib-msg.ib-out[data-tick="read"]', { hasText: 'It ships today' });
    await read.waitFor();
    assert.equal(await read.locator('.ib-tick .visually-hidden').textContent(), 'Read');
    // A late "delivered" never moves it back.
    await deliver(env, statusWebhook(stored.external_id, 'delivered', SARA.wa_id));
    await page.waitForTimeout(500);
    assert.equal(await read.count(), 1);
  });

  test('inbox: a private note stays inside; a failed send shows the platform\'s reason', async (env) => {
    const { page } = env;
    await page.getByRole('button', { name: 'Private note', exact: true }).click();
    const note = 'Customer is a VIP: offer free shipping';
    const box = page.getByPlaceholder(/note only your team sees/);
    await box.fill(note);
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.ib-msg.ib-note', { hasText: 'VIP' }).waitFor();
    assert.equal(await page.locator('.ib-msg.ib-note').first().getAttribute('data-tick'), 'none');

    // Back to replying ("r"); this reply is refused by the platform after it is sent.
    await box.press('Escape');
    await page.keyboard.press('r');
    const second = 'Let me check the colour options.';
    const replyBox = page.getByPlaceholder(/Write a reply/);
    await replyBox.waitFor();
    await page.waitForFunction(() => document.activeElement?.placeholder?.startsWith('Write a reply')); // "r" focuses it
    await replyBox.fill(second);
    await replyBox.press('Enter');
    await waitForGraph((q) => q.body?.text?.body === second, 'the second reply');
    const all = await graphRequests();
    assert.equal(all.filter((q) => JSON.stringify(q.body ?? '').includes('VIP')).length, 0, 'the private note reached the platform');
    assert.equal(sentMessages(all).length, 2);

    await page.locator('.ib-msg.ib-out[data-tick="sent"]', { hasText: 'colour options' }).waitFor({ timeout: 15_000 });
    const list = await env.state.inboxApi.call('GET', `/api/v1/workspaces/${env.state.inboxApi.ws}/conversations/${env.state.saraConversation}/messages?limit=5`);
    const stored = list.data.find((m) => m.content === second);
    await deliver(
      env,
      statusWebhook(stored.external_id, 'failed', SARA.wa_id, [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'The recipient cannot receive this message.' } }]),
    );
    const failed = page.locator('.ib-msg.ib-out[data-tick="failed"]', { hasText: 'colour options' });
    await failed.waitFor();
    const reason = (await failed.locator('.ib-failed').textContent()) ?? '';
    assert.ok(/undeliverable|cannot receive/i.test(reason), `failure reason shown: ${reason}`);
  });

  test('inbox: the paperclip uploads a file, sent as WhatsApp media; the image shows inline', async (env) => {
    const { page } = env;
    const png = makePng(240, 150);
    await page.locator('[data-testid="attach-input"]').setInputFiles({ name: 'kettle-blue.png', mimeType: 'image/png', buffer: png });
    await page.locator('.ib-file-chip', { hasText: 'kettle-blue.png' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
    await page.waitForFunction(() => !document.querySelector('.ib-file-chip')?.textContent?.includes('Uploading'));
    await page.getByPlaceholder(/Write a reply/).fill('This is the one');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const img = page.locator('.ib-msg.ib-out img[alt="kettle-blue.png"]');
    await img.waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('.ib-msg.ib-out img[alt="kettle-blue.png"]');
      return el && el.complete && el.naturalWidth === 240;
    });
    assert.match(await img.getAttribute('src'), /\/api\/v1\/workspaces\/[^/]+\/attachments\/[^/]+\/file$/);
    await waitForGraph((q) => q.method === 'POST' && q.path.endsWith(`/${PHONE_NUMBER_ID}/media`), 'the media upload');
    const sent = await waitForGraph((q) => q.body?.type === 'image', 'the image message');
    assert.equal(sent.body.image.caption, 'This is the one');
    assert.ok(sent.body.image.id, 'sent by the uploaded media id');
  });

  test('inbox: quoting a message, canned responses, contact notes and attributes', async (env) => {
    const { page } = env;
    const kettle = page.locator('.ib-msg.ib-in', { hasText: 'blue kettle' });
    await kettle.hover();
    await kettle.getByRole('button', { name: 'Reply to this message' }).click();
    await page.locator('.ib-quote-bar', { hasText: 'blue kettle' }).waitFor();
    const box = page.getByPlaceholder(/Write a reply/);
    await box.fill('The blue one is in stock.');
    await box.press('Enter');
    await page.locator('.ib-msg.ib-out', { hasText: 'The blue one is in stock.' }).locator('.ib-quote', { hasText: 'blue kettle' }).waitFor();
    assert.equal(await page.locator('.ib-quote-bar').count(), 0);
    const quoted = await waitForGraph((q) => q.body?.text?.body === 'The blue one is in stock.', 'the quoting reply');
    assert.equal(quoted.body.context?.message_id, env.state.kettleWamid, 'sent as a reply to the customer\'s message');

    // Canned responses, when the server has them: "/" + short code, Enter inserts it filled in.
    const api = await apiSession(env);
    const canned = await api
      .call('POST', `/api/v1/workspaces/${api.ws}/canned-responses`, { short_code: 'thanks', content: 'Thank you {{contact.name}}! Anything else?' })
      .then(() => true, (err) => (/HTTP (404|405)/.test(err.message) ? false : Promise.reject(err)));
    if (canned) {
      await box.fill('');
      await box.pressSequentially('/tha');
      await page.getByRole('option', { name: /\/thanks/ }).waitFor();
      await box.press('Enter');
      await page.waitForFunction(
        (name) => document.activeElement?.value === `Thank you ${name}! Anything else?`,
        SARA.name,
      );
      await box.fill('');
    } else {
      console.log('     (this server has no canned responses yet)');
    }

    // The emoji picker inserts at the caret and gives the focus back to the text.
    await box.fill('Great ');
    await page.getByRole('button', { name: 'Insert an emoji' }).click();
    await env.screenshot('inbox-emoji-en');
    await page.getByRole('button', { name: '👍' }).click();
    assert.equal(await box.inputValue(), 'Great 👍');
    await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
    await box.fill('');

    const contact = page.locator('.ib-contact');
    await contact.getByLabel('Add a note about this contact').fill('Prefers deliveries after 5 pm');
    await contact.getByRole('button', { name: 'Save note' }).click();
    await contact.locator('.ib-notes li', { hasText: 'after 5 pm' }).waitFor();
    await contact.getByLabel('Attribute', { exact: true }).fill('plan');
    await contact.getByLabel('Value', { exact: true }).fill('gold');
    await contact.getByRole('button', { name: 'Add', exact: true }).click();
    await contact.locator('.ib-dl div', { hasText: 'plan' }).locator('dd', { hasText: 'gold' }).waitFor();
    const stored = await api.call('GET', `/api/v1/workspaces/${api.ws}/contacts/${(await api.call('GET', `/api/v1/workspaces/${api.ws}/conversations/${env.state.saraConversation}`)).conversation.contact_id}`);
    assert.equal(stored.contact.custom_attributes.plan, 'gold');
  });

  test('inbox: a long history loads upwards as the agent scrolls', async (env) => {
    const { page } = env;
    const nadia = { wa_id: '447700900123', name: 'Nadia Rahman' };
    const start = Math.floor(Date.now() / 1000) - 600;
    await deliver(
      env,
      change({
        contacts: [{ profile: { name: nadia.name }, wa_id: nadia.wa_id }],
        messages: Array.from({ length: 45 }, (_, i) => ({
          from: nadia.wa_id,
          id: wamid(),
          timestamp: String(start + i * 5),
          type: 'text',
          text: { body: `History line ${i + 1}` },
        })),
      }),
    );
    const row = item(page, nadia.name);
    await row.waitFor({ timeout: 15_000 });
    await row.locator('.ib-preview', { hasText: 'History line 45' }).waitFor();
    await row.click();
    await page.locator('.ib-msg', { hasText: 'History line 45' }).waitFor();
    assert.equal(await page.locator('.ib-msg', { hasText: /^History line 1$/ }).count(), 0, 'only the newest page at first');
    const before = await page.locator('.ib-thread .ib-msg').count();
    assert.ok(before < 45, `first page holds ${before}`);
    await page.locator('.ib-messages').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.locator('.ib-msg .ib-text', { hasText: /^History line 1$/ }).waitFor();
    assert.equal(await page.locator('.ib-thread .ib-msg').count(), 45);
    // The view stays where the agent was, not thrown back to the bottom.
    const top = await page.locator('.ib-messages').evaluate((el) => el.scrollTop);
    assert.ok(top > 0, `kept the reading position (scrollTop ${top})`);
    await item(page, SARA.name).click();
    await page.locator('.ib-msg.ib-in', { hasText: 'blue kettle' }).waitFor();
  });

  test('inbox: a closed 24-hour window offers approved templates with their parameters', async (env) => {
    const { page } = env;
    await deliver(env, textWebhook(OMAR, 'مرحبا، أين طلبي؟', new Date(Date.now() - 2 * 86400_000)));
    const row = item(page, OMAR.name);
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.waitForURL(/\/inbox\/\d+$/);
    const omarConversation = new URL(page.url()).pathname.split('/').pop();
    await page.locator('.ib-window', { hasText: '24-hour' }).waitFor();
    assert.equal(await page.getByPlaceholder(/Write a reply/).count(), 0, 'free text is not offered');
    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'order_shipped (en)' });
    await page.getByLabel('Value for {{1}}').fill('Omar');
    await page.getByLabel('Value for {{2}}').fill('#1042');
    await page.locator('.ib-template-preview', { hasText: 'Hi Omar, your order #1042 has shipped.' }).waitFor();
    await env.screenshot('inbox-template-en');
    await page.getByRole('button', { name: 'Send template' }).click();
    const sent = await waitForGraph((q) => q.body?.type === 'template', 'the template');
    assert.equal(sent.body.template.name, 'order_shipped');
    assert.equal(sent.body.to.replace(/^\+/, ''), OMAR.wa_id);
    const params = sent.body.template.components.find((c) => c.type === 'body').parameters.map((p) => p.text);
    assert.deepEqual(params, ['Omar', '#1042']);
    // Notes are still possible while the window is closed.
    await page.getByRole('button', { name: 'Private note', exact: true }).click();
    await page.getByPlaceholder(/note only your team sees/).waitFor();

    // Keyboard: j and k walk the list in its order, and come back.
    await page.getByPlaceholder(/note only your team sees/).press('Escape');
    const ids = await page.locator('.ib-item').evaluateAll((els) => els.map((e) => e.dataset.conversationId));
    const i = ids.indexOf(omarConversation);
    assert.ok(i >= 0 && ids.length >= 2, `listed: ${ids}`);
    const [away, back] = ids[i + 1] ? ['j', 'k'] : ['k', 'j'];
    await page.keyboard.press(away);
    await page.waitForURL((u) => u.pathname.endsWith(`/inbox/${ids[away === 'j' ? i + 1 : i - 1]}`));
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-current') === 'true'); // focus follows
    await page.keyboard.press(back);
    await page.waitForURL((u) => u.pathname.endsWith(`/inbox/${omarConversation}`));
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });
  });

  test('inbox: "/" searches (the server\'s search: messages and contacts; else the loaded list)', async (env) => {
    const { page } = env;
    const api = await apiSession(env);
    const serverSearch = await api.call('GET', `/api/v1/workspaces/${api.ws}/search?q=kettle`).then(
      () => true,
      (err) => !/HTTP 404/.test(err.message),
    );
    await page.locator('.ib-conv-title').click();
    await page.keyboard.press('/');
    await page.waitForFunction(() => document.activeElement?.id === 'ib-search');
    if (serverSearch) {
      await page.keyboard.type('kettle');
      const hit = page.locator('.ib-results .ib-item', { hasText: 'blue kettle' });
      await hit.waitFor();
      await page.locator('.ib-results .ib-item', { hasText: OMAR.name }).waitFor({ state: 'detached' });
      await hit.click();
      await page.waitForURL((u) => u.pathname.endsWith(`/inbox/${env.state.saraConversation}`));
      await page.locator('#ib-search').fill('فاروق');
      await page.locator('.ib-results .ib-item', { hasText: OMAR.name }).click();
      await page.waitForURL((u) => !u.pathname.endsWith(`/inbox/${env.state.saraConversation}`));
      await page.locator('.ib-conv-title', { hasText: OMAR.name }).waitFor();
    } else {
      await page.keyboard.type('Whitfield');
      await item(page, SARA.name).waitFor();
      await item(page, OMAR.name).waitFor({ state: 'detached' });
    }
    await page.locator('#ib-search').press('Escape');
    await item(page, OMAR.name).waitFor();
    assert.equal(await page.locator('.ib-results').count(), 0);
  });

  test('inbox: status, assignment and filters update the list without a reload', async (env) => {
    const { page } = env;
    await item(page, SARA.name).click();
    await page.waitForURL((u) => u.pathname.endsWith(`/inbox/${env.state.saraConversation}`));
    const api = await apiSession(env);
    // An older server reads "counts" as a conversation id: 404 or 400.
    const supported = await api.call('GET', `/api/v1/workspaces/${api.ws}/conversations/counts`).then(
      () => true,
      (err) => !/HTTP (400|404)/.test(err.message),
    );
    if (!supported) {
      // A server from before the conversation actions: the screen hides their controls.
      assert.equal(await page.getByRole('button', { name: 'Resolve', exact: true }).count(), 0);
      console.log('     (this server has no conversation actions yet: checked that their controls are hidden)');
      return;
    }
    const resolve = page.getByRole('button', { name: 'Resolve', exact: true });
    await page.locator('.ib-conv-tools label', { hasText: 'Assignee' }).locator('select').selectOption({ label: `${OWNER.name} (you)` });
    await page.locator('.ib-item[aria-current="true"] .ib-item-meta', { hasText: OWNER.name }).waitFor();
    await page.locator('#ib-filter-assignee').selectOption('me');
    await item(page, SARA.name).waitFor();
    await item(page, OMAR.name).waitFor({ state: 'detached' });
    await page.locator('#ib-filter-assignee').selectOption('all');
    await item(page, OMAR.name).waitFor();

    // Desktop notifications (the Notification API, recorded): a customer message in a
    // conversation assigned to me that I am not looking at notifies; an unassigned one does not.
    await page.evaluate(() => {
      window.__notified = [];
      window.Notification = class {
        static permission = 'granted';
        static requestPermission() {
          return Promise.resolve('granted');
        }
        constructor(title, options) {
          window.__notified.push({ title, body: options?.body });
        }
        close() {}
      };
    });
    await item(page, OMAR.name).click();
    await page.locator('.ib-conv-title', { hasText: OMAR.name }).waitFor();
    await deliver(env, textWebhook({ wa_id: '447700900123', name: 'Nadia Rahman' }, 'Unassigned ping'));
    await deliver(env, textWebhook(SARA, 'Are you still there?'));
    await page.waitForFunction(() => window.__notified.some((n) => n.title.includes('Sara Whitfield') && n.body === 'Are you still there?'));
    assert.equal(await page.evaluate(() => window.__notified.filter((n) => n.body === 'Unassigned ping').length), 0);
    await item(page, SARA.name).click();
    await page.waitForURL((u) => u.pathname.endsWith(`/inbox/${env.state.saraConversation}`));

    // The status tabs show the counts.
    await page.locator('.ib-tab[data-status="open"] .ib-tab-count').waitFor();
    await resolve.click();
    // Resolved: it leaves the Open tab live, and is under Resolved.
    await item(page, SARA.name).waitFor({ state: 'detached' });
    await page.locator('.ib-tab[data-status="resolved"]').click();
    await item(page, SARA.name).waitFor();
    await item(page, SARA.name).click();
    await page.getByRole('button', { name: 'Reopen', exact: true }).first().click();
    await item(page, SARA.name).waitFor({ state: 'detached' });
    await page.locator('.ib-tab[data-status="open"]').click();
    await item(page, SARA.name).click();
    await page.locator('.ib-msg.ib-in', { hasText: 'blue kettle' }).waitFor();

    // Snooze for an hour: it moves to the Snoozed tab; a priority shows on the row.
    await page.locator('.ib-conv-tools label', { hasText: 'Priority' }).locator('select').selectOption('high');
    await item(page, SARA.name).locator('.ib-prio-high').waitFor();
    await page.getByRole('button', { name: 'Snooze', exact: true }).click();
    await page.getByRole('button', { name: /In an hour/ }).click();
    await item(page, SARA.name).waitFor({ state: 'detached' });
    await page.locator('.ib-tab[data-status="snoozed"]').click();
    await item(page, SARA.name).click();
    await page.locator('.ib-conv-title', { hasText: 'Snoozed' }).waitFor();
    // A customer's message wakes it up (the server reopens it) and it is back under Open, live.
    await page.locator('.ib-tab[data-status="open"]').click();
    await deliver(env, textWebhook(SARA, 'One more question'));
    await item(page, SARA.name).locator('.ib-preview', { hasText: 'One more question' }).waitFor();
    await item(page, SARA.name).click();
    await page.locator('.ib-msg.ib-in', { hasText: 'One more question' }).waitFor();
    await page.locator('.ib-conv-title', { hasText: 'Open' }).waitFor();
  });

  test('inbox: English screenshot with a conversation open', async (env) => {
    const { page } = env;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator('.ib-contact .ib-identity').first().waitFor();
    await page.locator('.ib-msg.ib-out[data-tick="read"]').waitFor();
    // Incoming on the left, the agent's replies on the right.
    const inBox = await page.locator('.ib-msg.ib-in .ib-bubble').first().boundingBox();
    const outBox = await page.locator('.ib-msg.ib-out .ib-bubble').first().boundingBox();
    assert.ok(inBox.x < outBox.x, `incoming left of outgoing in LTR (${inBox.x} vs ${outBox.x})`);
    mkdirSync(docsShots, { recursive: true });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(docsShots, 'inbox-en.png'), animations: 'disabled' });

    // Phone width: one pane at a time; "back" returns to the list.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.ib-list').waitFor({ state: 'hidden' });
    // The contact details are a drawer here, closed by its own button.
    await page.getByRole('button', { name: 'Close contact details' }).click();
    await page.locator('.ib-contact').waitFor({ state: 'detached' });
    await env.screenshot('inbox-mobile-conversation-en');
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await page.locator('.ib-list').waitFor();
    await page.locator('.ib-main').waitFor({ state: 'hidden' });
    await env.screenshot('inbox-mobile-list-en');
    await page.setViewportSize({ width: 1440, height: 900 });
    await item(page, SARA.name).click();
    await page.locator('.ib-msg.ib-out[data-tick="read"]').waitFor();
    await page.getByRole('button', { name: 'Show or hide contact details' }).click();
    await page.locator('.ib-contact .ib-identity').waitFor();
  });

  test('inbox: in Arabic the whole screen mirrors (html dir=rtl) and stays live', async (env) => {
    const { page } = env;
    await page.locator('.profile-button').click();
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'صندوق الوارد', level: 1 }).waitFor();
    const list = await page.locator('.ib-list').boundingBox();
    const main = await page.locator('.ib-main').boundingBox();
    assert.ok(list.x > main.x, `the list is on the right of the conversation in RTL (${list.x} vs ${main.x})`);
    const inBox = await page.locator('.ib-msg.ib-in .ib-bubble').first().boundingBox();
    const outBox = await page.locator('.ib-msg.ib-out .ib-bubble').first().boundingBox();
    assert.ok(inBox.x > outBox.x, `incoming right of outgoing in RTL (${inBox.x} vs ${outBox.x})`);
    await page.locator('.ib-msg.ib-out[data-tick="read"] .ib-tick .visually-hidden', { hasText: 'قُرئت' }).waitFor();
    await page.getByRole('button', { name: 'رد', exact: true }).waitFor();
    // Still live in Arabic.
    await deliver(env, textWebhook(SARA, 'شكرًا جزيلًا!'));
    await page.locator('.ib-msg.ib-in .ib-text', { hasText: 'شكرًا جزيلًا' }).waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(docsShots, 'inbox-ar.png'), animations: 'disabled' });
  });

  test('inbox: back to English; no page errors; writes carried X-CSRF-Token', async (env) => {
    await chooseLanguage(env.page, 'English');
    await env.page.setViewportSize({ width: 1280, height: 800 });
    assertCleanRun(env);
  });
}

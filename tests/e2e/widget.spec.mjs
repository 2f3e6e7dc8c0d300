// The Web Chat widget as a customer's site embeds it: a host page served from ANOTHER origin
// (a tiny static server on a second 127.0.0.1 port) includes the one <script> tag; the visitor
// writes, the message lands in the shared inbox, an agent replies through the REST API, and the
// reply appears in the widget over its WebSocket without a reload. English, Arabic (rtl) and a
// phone-width viewport; a page on a non-allowed origin cannot embed the frame. Files: the
// visitor sends a PNG with the paperclip (a refused type never leaves the browser), the agent
// finds it through the API, and the agent's PDF arrives in the widget as a download link.
//
// Runs after dashboard.spec.mjs (signs in as its owner) or alone (performs set-up itself):
//   HUDHUD_E2E_ONLY=widget tests/e2e/run.sh build/hudhud
import assert from 'node:assert/strict';
import http from 'node:http';

const OWNER = { workspace: 'Acme Support', name: 'Layla Haddad', email: 'owner@example.com', password: 'correct-horse-42' };

// Admin API access from node (cookie session + CSRF), independent of the browser's session.
async function adminApi(env) {
  if (env.state.widgetApi) return env.state.widgetApi;
  const jar = {};
  let csrf = '';
  // The raw exchange: `body` is sent as-is with `type` (files), the answer is the Response.
  const raw = async (method, path, body, type) => {
    const headers = { 'Content-Type': type ?? 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const cookie = Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.Cookie = cookie;
    return fetch(env.url(path), { method, headers, body });
  };
  const call = async (method, path, body) => {
    const res = await raw(method, path, body === undefined ? undefined : JSON.stringify(body));
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar[pair.slice(0, i)] = pair.slice(i + 1);
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return json;
  };
  const setup = await call('GET', '/api/v1/setup');
  const signedIn = setup.needs_setup
    ? await call('POST', '/api/v1/setup', { workspace_name: OWNER.workspace, name: OWNER.name, email: OWNER.email, password: OWNER.password })
    : await call('POST', '/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
  csrf = signedIn.csrf_token;
  const workspaces = await call('GET', '/api/v1/workspaces');
  const ws = workspaces.data[0].id;
  env.state.widgetApi = { call, raw, ws };
  return env.state.widgetApi;
}

// The customer's site: another origin than hudhud's.
async function hostSite(env) {
  if (env.state.hostSite) return env.state.hostSite;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const token = url.searchParams.get('token') ?? '';
    const locale = url.searchParams.get('locale');
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title><style>body{font:16px sans-serif;margin:0;padding:24px;background:#fafafa} *{color:#333}</style></head>
<body><h1>Acme Shop</h1><p>Products and prices.</p>
<script src="${env.baseUrl}/widget/sdk.js" data-website-token="${token}"${locale ? ` data-locale="${locale}"` : ''} async></script>
</body></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const port = server.address().port;
  env.state.hostSite = { server, origin: `http://127.0.0.1:${port}`, port };
  return env.state.hostSite;
}

async function webchatInbox(env, name, settings) {
  const api = await adminApi(env);
  const site = await hostSite(env);
  const r = await api.call('POST', `/api/v1/workspaces/${api.ws}/inboxes`, {
    name,
    channel_kind: 'webchat',
    settings: { allowed_domains: [site.origin], ...settings },
  });
  assert.ok(r.inbox.webchat.embed_snippet.includes(r.inbox.webchat.website_token));
  return r.inbox.webchat.website_token;
}

// Opens the host page, opens the widget, writes `text`; returns {page, frame, conversationId}.
async function openAndSend(env, page, token, text, locale) {
  const site = await hostSite(env);
  const q = new URLSearchParams({ token });
  if (locale) q.set('locale', locale);
  await page.goto(`${site.origin}/?${q}`);
  const launcher = page.locator('#hudhud-widget button.launcher');
  await launcher.waitFor({ state: 'visible' });
  assert.equal(new URL(page.url()).origin, site.origin);
  const frame = page.frameLocator('#hudhud-widget iframe');
  await frame.locator('#app[data-ready="true"]').waitFor({ state: 'attached' });
  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  const box = frame.locator('.composer textarea');
  await box.waitFor({ state: 'visible' });
  await frame.locator('#app[data-connected="true"]').waitFor({ state: 'attached' });
  const posted = page.waitForResponse((r) => r.request().method() === 'POST' && /\/widget\/v1\/[^/]+\/messages$/.test(new URL(r.url()).pathname));
  await box.fill(text);
  await box.press('Enter');
  const body = await (await posted).json();
  assert.equal(body.message.content, text);
  await frame.locator('.bubble.mine.sent', { hasText: text }).waitFor({ state: 'visible' });
  return { frame, conversationId: body.message.conversation_id, agentsOnline: body.agents_online };
}

/**
 * Nobody has the dashboard open: the dashboard keeps its WebSocket on every screen (an agent with
 * it open counts as online), so the main page leaves it, and the widget's config is asked until
 * the server has seen the socket go.
 */
async function noAgentConnected(env, token) {
  await env.page.goto('about:blank');
  const site = await hostSite(env);
  const until = Date.now() + 10_000;
  for (;;) {
    const res = await fetch(`${env.baseUrl}/widget/v1/${token}/config`, { headers: { Origin: site.origin } });
    const body = await res.json();
    if (body.config?.agents_online === false) return;
    if (Date.now() > until) throw new Error(`an agent still counts as connected: HTTP ${res.status} ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function agentReply(env, conversationId, content) {
  const api = await adminApi(env);
  await api.call('POST', `/api/v1/workspaces/${api.ws}/conversations/${conversationId}/messages`, { content });
}

export function defineTests(test) {
  test('widget (en): script tag on another origin, visitor message reaches the inbox, agent reply arrives live', async (env) => {
    const token = await webchatInbox(env, 'Website EN', { welcome_title: 'Acme help', widget_color: '#0b7a5c' });
    await noAgentConnected(env, token);
    const page = await env.context.newPage();
    try {
      const { frame, conversationId, agentsOnline } = await openAndSend(env, page, token, 'Hello, is my order shipped?');
      const dir = await frame.locator('html').getAttribute('dir');
      assert.equal(dir, 'ltr');
      await frame.getByRole('heading', { name: 'Acme help' }).waitFor();

      // The message is in the shared inbox, like any channel's.
      const api = await adminApi(env);
      const stored = await api.call('GET', `/api/v1/workspaces/${api.ws}/conversations/${conversationId}/messages`);
      assert.ok(stored.data.some((m) => m.content === 'Hello, is my order shipped?' && m.direction === 'incoming'));

      // No agent is connected: the widget says so and captures an email.
      assert.equal(agentsOnline, false);
      const offline = frame.locator('form.offline');
      await offline.waitFor({ state: 'visible' });
      await offline.getByLabel('Email').fill('visitor@example.com');
      await offline.getByRole('button', { name: 'Save' }).click();
      await frame.getByText('Thanks! We will reply to visitor@example.com.').waitFor();

      // Agent typing, then the reply, without a reload.
      await agentReply(env, conversationId, 'Yes! It ships today.');
      await frame.locator('.bubble.theirs', { hasText: 'Yes! It ships today.' }).waitFor({ state: 'visible' });
      await env.screenshot('widget-en', page);

      // History on reload.
      await page.reload();
      await page.locator('#hudhud-widget button.launcher').click();
      await frame.locator('.bubble.theirs', { hasText: 'Yes! It ships today.' }).waitFor({ state: 'visible' });
      assert.equal(await frame.locator('.bubble.mine', { hasText: 'Hello, is my order shipped?' }).count(), 1);
    } finally {
      await page.close();
    }
  });

  test('widget (ar): right-to-left, Arabic both ways', async (env) => {
    const token = await webchatInbox(env, 'Website AR', { locale: 'ar' });
    const page = await env.context.newPage();
    try {
      const { frame, conversationId } = await openAndSend(env, page, token, 'مرحبا، أين طلبي؟');
      assert.equal(await frame.locator('html').getAttribute('dir'), 'rtl');
      assert.equal(await frame.locator('html').getAttribute('lang'), 'ar');
      assert.equal(await frame.locator('.composer textarea').getAttribute('placeholder'), 'اكتب رسالتك…');
      await frame.getByRole('heading', { name: 'Website AR' }).waitFor();
      await agentReply(env, conversationId, 'أهلاً! طلبك في الطريق.');
      const reply = frame.locator('.bubble.theirs', { hasText: 'أهلاً! طلبك في الطريق.' });
      await reply.waitFor({ state: 'visible' });
      // In rtl the agent's bubble sits on the right, the visitor's on the left.
      const mine = await frame.locator('.bubble.mine').first().boundingBox();
      const theirs = await reply.boundingBox();
      assert.ok(theirs.x > mine.x, `agent bubble (${theirs.x}) should be right of the visitor's (${mine.x})`);
      await env.screenshot('widget-ar', page);
    } finally {
      await page.close();
    }
  });

  test('widget (mobile): full-screen panel at phone width, still live', async (env) => {
    const token = await webchatInbox(env, 'Website mobile', {});
    const page = await env.context.newPage();
    try {
      await page.setViewportSize({ width: 375, height: 740 });
      const { frame, conversationId } = await openAndSend(env, page, token, 'Sent from my phone', 'en');
      const panel = await page.locator('#hudhud-widget .panel').boundingBox();
      assert.ok(panel.width >= 370 && panel.height >= 730, `panel ${panel.width}x${panel.height} should fill the screen`);
      await agentReply(env, conversationId, 'Got it on mobile.');
      await frame.locator('.bubble.theirs', { hasText: 'Got it on mobile.' }).waitFor({ state: 'visible' });
      await env.screenshot('widget-mobile', page);
      // The close button hands control back to the page.
      await frame.getByRole('button', { name: 'Close chat' }).click();
      await page.locator('#hudhud-widget button.launcher[aria-expanded="false"]').waitFor({ state: 'visible' });
    } finally {
      await page.close();
    }
  });

  test('widget (ar): the visitor sends an image with the paperclip, the agent sees it and replies with a file', async (env) => {
    // A 1x1 PNG.
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
        '1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
      'hex',
    );
    const token = await webchatInbox(env, 'Website files', { locale: 'ar', max_attachment_bytes: 1024 * 1024 });
    const page = await env.context.newPage();
    try {
      const { frame, conversationId } = await openAndSend(env, page, token, 'سأرسل لكم صورة الفاتورة');
      const attach = frame.getByRole('button', { name: 'إرفاق ملف' });
      await attach.waitFor({ state: 'visible' });
      const input = frame.locator('.composer input[type="file"]');

      // A type the inbox does not take is refused in the browser, in Arabic, with no request.
      const uploads = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && /\/widget\/v1\/[^/]+\/attachments/.test(new URL(r.url()).pathname)) uploads.push(r.url());
      });
      await input.setInputFiles({ name: 'archive.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\x03\x04') });
      await frame.getByRole('alert').filter({ hasText: 'لا يمكن إرسال هذا النوع من الملفات هنا.' }).waitFor();
      assert.equal(uploads.length, 0);

      // The PNG goes up and shows inline in the visitor's bubble.
      const posted = page.waitForResponse((r) => r.request().method() === 'POST' && /\/attachments$/.test(new URL(r.url()).pathname));
      await input.setInputFiles({ name: 'فاتورة.png', mimeType: 'image/png', buffer: png });
      const res = await posted;
      assert.equal(res.status(), 201);
      const body = await res.json();
      const sent = body.message.attachments[0];
      assert.equal(sent.mime_type, 'image/png');
      assert.equal(sent.file_name, 'فاتورة.png');
      const img = frame.locator('.bubble.mine.sent img.attachment-image');
      await img.waitFor({ state: 'visible' });
      await frame.locator('.bubble.mine.sent img.attachment-image[alt="فاتورة.png"]').waitFor();
      assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth === 1));

      // The agent finds it in the conversation, and its bytes through the attachment route.
      const api = await adminApi(env);
      const list = await api.call('GET', `/api/v1/workspaces/${api.ws}/conversations/${conversationId}/messages`);
      const withFile = list.data.find((m) => m.content_attributes?.attachments?.[0]?.id === sent.id);
      assert.ok(withFile, 'the visitor\'s file is in the agent\'s message list');
      assert.equal(withFile.direction, 'incoming');
      assert.equal(withFile.content_type, 'image');
      const file = await api.raw('GET', `/api/v1/workspaces/${api.ws}/attachments/${sent.id}/file`);
      assert.equal(file.status, 200);
      assert.equal(file.headers.get('content-type'), 'image/png');
      assert.ok(Buffer.from(await file.arrayBuffer()).equals(png));

      // The agent replies with a PDF: a download link with its name and size in the widget.
      const pdf = Buffer.from('%PDF-1.4\n% invoice 1042\n');
      const up = await api.raw('POST', `/api/v1/workspaces/${api.ws}/attachments?filename=invoice-1042.pdf`, pdf, 'application/pdf');
      assert.equal(up.status, 201);
      const attachment = (await up.json()).attachment;
      await api.call('POST', `/api/v1/workspaces/${api.ws}/conversations/${conversationId}/messages`, {
        attachment_id: attachment.id,
        content: 'تفضل الفاتورة',
      });
      const reply = frame.locator('.bubble.theirs', { hasText: 'تفضل الفاتورة' });
      await reply.waitFor({ state: 'visible' });
      const link = reply.locator('a.attachment-file');
      await link.locator('.file-name', { hasText: 'invoice-1042.pdf' }).waitFor();
      assert.equal(await link.locator('.file-size').textContent(), `${pdf.length} بايت`);
      assert.equal(await link.getAttribute('title'), 'تنزيل invoice-1042.pdf');
      const download = page.waitForEvent('download');
      await link.click();
      const saved = await download;
      assert.equal(saved.suggestedFilename(), 'invoice-1042.pdf');
      await env.screenshot('widget-files-ar', page);
    } finally {
      await page.close();
    }
  });

  test('widget: a site outside allowed_domains cannot embed it', async (env) => {
    const token = await webchatInbox(env, 'Website locked', {});
    const site = await hostSite(env);
    const page = await env.context.newPage();
    try {
      // Same server, another origin (localhost is not 127.0.0.1): refused by frame-ancestors.
      const blocked = [];
      page.on('console', (m) => {
        if (/frame-ancestors|Refused to frame/i.test(m.text())) blocked.push(m.text());
      });
      await page.goto(`http://localhost:${site.port}/?token=${token}`);
      await page.locator('#hudhud-widget button.launcher').waitFor({ state: 'visible' });
      const frame = page.frameLocator('#hudhud-widget iframe');
      await page.waitForTimeout(1000);
      assert.equal(await frame.locator('#app[data-ready="true"]').count(), 0);
      assert.ok(blocked.length > 0, 'chromium should report the frame-ancestors refusal');
    } finally {
      await page.close();
      site.server.close();
      delete env.state.hostSite;
    }
  });
}

// DEV AID ONLY — a throwaway, in-memory stand-in for the Hudhud C++ server, so the dashboard and
// its browser tests can be developed before the real server exists. It is NOT the contract:
// docs/api.md and the C++ server are. `make test` runs the e2e suite against the real server;
// this mock is used only by `npm run test:e2e:mock` in web/ (or `node run.mjs --mock`).
//
// It serves web/dist with an SPA fallback and the /api/v1 endpoints the dashboard calls, with
// cookie sessions, CSRF checks on writes and a login throttle, the way the real server should.
//
//   node tests/e2e/mock-server.mjs [port]      # then open http://127.0.0.1:<port>/
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_DIST = path.resolve(here, '../../web/dist');
const THROTTLE_FAILURES = 5;
const THROTTLE_SECONDS = 30;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const nowMicros = () => Date.now() * 1000;
const token = (n = 18) => randomBytes(n).toString('base64url');

function createState() {
  return {
    seq: 1,
    users: [], // {id,name,email,password,locale}
    workspaces: [], // {id,name,locale}
    memberships: [], // {workspace_id,user_id,role,availability}
    sessions: new Map(), // sid -> {user_id,csrf}
    contacts: [], // {id,workspace_id,name,email,phone_e164,created_at}
    invitations: [], // {id,workspace_id,email,role,expires_at,token,accepted}
    apiTokens: [], // {id,workspace_id,name,prefix,created_at}
    audit: [], // {id,workspace_id,action,actor,target_type,target_id,ip,user_agent,created_at,details}
    failures: new Map(), // email -> {count, until}
  };
}

export async function startMockServer({ port = 0, host = '127.0.0.1', distDir = DEFAULT_DIST } = {}) {
  const state = createState();
  const nextId = () => state.seq++;

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      if (url.pathname.startsWith('/api/')) await handleApi(req, res, url);
      else await serveStatic(res, url.pathname);
    } catch (err) {
      console.error('mock-server:', err);
      sendError(res, 500, 'internal', 'Internal error');
    }
  });

  // ---------- helpers ----------
  function send(res, status, body, headers = {}) {
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const data = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
    res.end(data);
  }
  function sendError(res, status, code, message, headers = {}) {
    send(res, status, { error: { code, message } }, headers);
  }
  async function readJson(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    if (!chunks.length) return {};
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return null;
    }
  }
  function cookies(req) {
    const out = {};
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const i = part.indexOf('=');
      if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    }
    return out;
  }
  function newSession(res, userId) {
    const sid = token();
    const csrf = token();
    state.sessions.set(sid, { user_id: userId, csrf });
    res.setHeader('Set-Cookie', [
      `hudhud_session=${sid}; Path=/; HttpOnly; SameSite=Lax`,
      `hudhud_csrf=${csrf}; Path=/; SameSite=Lax`,
    ]);
    return csrf;
  }
  function currentSession(req) {
    const sid = cookies(req).hudhud_session;
    const s = sid && state.sessions.get(sid);
    return s ? { sid, ...s, user: state.users.find((u) => u.id === s.user_id) } : null;
  }
  const userJson = (u) => ({ id: u.id, name: u.name, email: u.email, locale: u.locale });
  const workspacesOf = (userId) =>
    state.memberships
      .filter((m) => m.user_id === userId)
      .map((m) => {
        const w = state.workspaces.find((x) => x.id === m.workspace_id);
        return { id: w.id, name: w.name, role: m.role, locale: w.locale };
      });
  function audit(req, wsId, action, actor, targetType, targetId, details = {}) {
    state.audit.push({
      id: nextId(),
      workspace_id: wsId,
      action,
      actor_kind: actor ? 'user' : 'system',
      actor: actor ? { id: actor.id, name: actor.name } : null,
      target_type: targetType,
      target_id: targetId,
      ip: req.socket.remoteAddress ?? null,
      user_agent: req.headers['user-agent'] ?? null,
      created_at: nowMicros(),
      details,
    });
  }
  function paginate(items, url) {
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit')) || 50, 1), 200);
    const start = Number(url.searchParams.get('cursor') || 0);
    const data = items.slice(start, start + limit);
    const next = start + limit < items.length ? String(start + limit) : null;
    return { data, next_cursor: next };
  }
  const validEmail = (e) => typeof e === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e);

  // ---------- API ----------
  async function handleApi(req, res, url) {
    const p = url.pathname.replace(/^\/api\/v1/, '');
    const m = req.method;
    const body = m === 'GET' || m === 'DELETE' ? {} : await readJson(req);
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return sendError(res, 400, 'invalid_argument', 'Body is not a JSON object');
    // Like the real server (docs/api.md), unknown fields are an error.
    const allow = (...names) => {
      const extra = Object.keys(body).filter((k) => !names.includes(k));
      if (extra.length) sendError(res, 400, 'invalid_argument', `Unknown field: ${extra[0]}`);
      return extra.length === 0;
    };

    if (p === '/setup' && m === 'GET') return send(res, 200, { needs_setup: state.users.length === 0 });
    if (p === '/setup' && m === 'POST') {
      if (!allow('workspace_name', 'name', 'email', 'password', 'locale')) return;
      if (state.users.length) return sendError(res, 409, 'conflict', 'Hudhud is already set up');
      const { workspace_name, name, email, password } = body;
      if (!workspace_name?.trim() || !name?.trim() || !validEmail(email))
        return sendError(res, 400, 'invalid_argument', 'workspace_name, name and a valid email are required');
      if (typeof password !== 'string' || password.length < 8)
        return sendError(res, 400, 'invalid_argument', 'Password must be at least 8 characters');
      const locale = body.locale === 'ar' ? 'ar' : 'en';
      const user = { id: nextId(), name, email: email.toLowerCase(), password, locale };
      const ws = { id: nextId(), name: workspace_name, locale };
      state.users.push(user);
      state.workspaces.push(ws);
      state.memberships.push({ workspace_id: ws.id, user_id: user.id, role: 'owner', availability: 'online' });
      const csrf = newSession(res, user.id);
      audit(req, ws.id, 'workspace.created', user, 'workspace', ws.id);
      return send(res, 201, {
        user: userJson(user),
        workspaces: workspacesOf(user.id),
        workspace: { id: ws.id, name: ws.name, locale: ws.locale, role: 'owner' },
        csrf_token: csrf,
      });
    }

    if (p === '/auth/login' && m === 'POST') {
      if (!allow('email', 'password')) return;
      const email = String(body.email ?? '').toLowerCase();
      const f = state.failures.get(email);
      if (f && f.until > Date.now()) {
        const wait = Math.ceil((f.until - Date.now()) / 1000);
        return sendError(res, 429, 'rate_limited', 'Too many sign-in attempts', { 'Retry-After': String(wait) });
      }
      const user = state.users.find((u) => u.email === email);
      if (!user || user.password !== body.password) {
        const count = (f?.count ?? 0) + 1;
        state.failures.set(email, {
          count,
          until: count >= THROTTLE_FAILURES ? Date.now() + THROTTLE_SECONDS * 1000 : 0,
        });
        for (const w of user ? workspacesOf(user.id) : []) audit(req, w.id, 'auth.sign_in_failed', null, 'user', user.id);
        return sendError(res, 401, 'unauthenticated', 'Invalid email or password');
      }
      state.failures.delete(email);
      const csrf = newSession(res, user.id);
      for (const w of workspacesOf(user.id)) audit(req, w.id, 'auth.sign_in', user, 'user', user.id);
      return send(res, 200, { user: userJson(user), workspaces: workspacesOf(user.id), csrf_token: csrf });
    }

    if (p === '/invitations/accept' && m === 'POST') {
      if (!allow('token', 'name', 'password')) return;
      const inv = state.invitations.find((i) => i.token === body.token && !i.accepted);
      if (!inv || inv.expires_at < nowMicros()) return sendError(res, 404, 'not_found', 'Invitation not found or expired');
      if (!body.name?.trim() || typeof body.password !== 'string' || body.password.length < 8)
        return sendError(res, 400, 'invalid_argument', 'A name and a password of at least 8 characters are required');
      let user = state.users.find((u) => u.email === inv.email);
      if (!user) {
        user = { id: nextId(), name: body.name, email: inv.email, password: body.password, locale: 'en' };
        state.users.push(user);
      }
      inv.accepted = true;
      state.memberships.push({ workspace_id: inv.workspace_id, user_id: user.id, role: inv.role, availability: 'offline' });
      audit(req, inv.workspace_id, 'invitation.accepted', user, 'invitation', inv.id);
      const csrf = newSession(res, user.id);
      return send(res, 200, { user: userJson(user), workspaces: workspacesOf(user.id), csrf_token: csrf });
    }

    // Everything below needs a session.
    const s = currentSession(req);
    if (!s) return sendError(res, 401, 'unauthenticated', 'Sign in first');
    if (m !== 'GET' && req.headers['x-csrf-token'] !== s.csrf)
      return sendError(res, 403, 'permission_denied', 'Missing or wrong CSRF token');

    if (p === '/auth/logout' && m === 'POST') {
      state.sessions.delete(s.sid);
      res.setHeader('Set-Cookie', [
        'hudhud_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
        'hudhud_csrf=; Path=/; SameSite=Lax; Max-Age=0',
      ]);
      return send(res, 204);
    }
    if (p === '/me' && m === 'GET')
      return send(res, 200, { user: userJson(s.user), workspaces: workspacesOf(s.user.id), csrf_token: s.csrf });
    if (p === '/me' && m === 'PATCH') {
      if (!allow('name', 'locale')) return;
      if (!['en', 'ar'].includes(body.locale)) return sendError(res, 400, 'invalid_argument', 'locale must be "en" or "ar"');
      s.user.locale = body.locale;
      return send(res, 200, { user: userJson(s.user) });
    }

    const wm = p.match(/^\/workspaces\/(\d+)(\/.*)?$/);
    if (!wm) return sendError(res, 404, 'not_found', 'No such endpoint');
    const wsId = Number(wm[1]);
    const sub = wm[2] ?? '';
    const ws = state.workspaces.find((w) => w.id === wsId);
    const mine = state.memberships.find((x) => x.workspace_id === wsId && x.user_id === s.user.id);
    if (!ws || !mine) return sendError(res, 404, 'not_found', 'Workspace not found');
    const admin = mine.role === 'owner' || mine.role === 'admin';
    const needAdmin = () => (admin ? false : (sendError(res, 403, 'permission_denied', 'Administrators only'), true));

    if (sub === '' && m === 'PATCH') {
      if (needAdmin() || !allow('name', 'locale')) return;
      if (body.name !== undefined) {
        if (!String(body.name).trim()) return sendError(res, 400, 'invalid_argument', 'name must not be empty');
        ws.name = String(body.name).trim();
      }
      if (body.locale !== undefined) {
        if (!['en', 'ar'].includes(body.locale)) return sendError(res, 400, 'invalid_argument', 'locale must be "en" or "ar"');
        ws.locale = body.locale;
      }
      audit(req, wsId, 'workspace.settings_changed', s.user, 'workspace', wsId, { name: ws.name, locale: ws.locale });
      return send(res, 200, { workspace: { id: ws.id, name: ws.name, locale: ws.locale, role: mine.role } });
    }

    // The inbox's lookups: the mock has no channels, so every list is empty.
    if (m === 'GET' && sub === '/conversations') return send(res, 200, { data: [], next_cursor: null });
    if (m === 'GET' && ['/inboxes', '/teams', '/labels'].includes(sub)) return send(res, 200, { data: [] });
    if (sub === '/contacts' && m === 'GET') {
      const list = state.contacts.filter((c) => c.workspace_id === wsId).sort((a, b) => b.created_at - a.created_at);
      return send(res, 200, paginate(list.map(({ workspace_id, ...c }) => c), url));
    }
    if (sub === '/contacts' && m === 'POST') {
      if (!allow('name', 'email', 'phone', 'avatar_url', 'locale', 'custom_attributes')) return;
      if (!body.name?.trim()) return sendError(res, 400, 'invalid_argument', 'name is required');
      if (body.email && !validEmail(body.email)) return sendError(res, 400, 'invalid_argument', 'email is not valid');
      const phone = body.phone || null;
      if (phone && !/^\+[1-9]\d{6,14}$/.test(phone))
        return sendError(res, 400, 'invalid_argument', 'phone must be E.164, e.g. +971501234567');
      const c = { id: nextId(), workspace_id: wsId, name: body.name.trim(), email: body.email || null, phone_e164: phone, created_at: nowMicros() };
      state.contacts.push(c);
      const { workspace_id, ...out } = c;
      return send(res, 201, { contact: out });
    }

    if (sub === '/members' && m === 'GET') {
      const data = state.memberships
        .filter((x) => x.workspace_id === wsId)
        .map((x) => {
          const u = state.users.find((y) => y.id === x.user_id);
          return { user_id: u.id, name: u.name, email: u.email, role: x.role, availability: x.availability };
        });
      return send(res, 200, { data });
    }
    if (sub === '/availability' && m === 'PUT') {
      if (!allow('availability')) return;
      if (!['online', 'busy', 'offline'].includes(body.availability))
        return sendError(res, 400, 'invalid_argument', 'availability must be online, busy or offline');
      mine.availability = body.availability;
      return send(res, 200, { availability: body.availability });
    }
    const mm = sub.match(/^\/members\/(\d+)$/);
    if (mm) {
      if (needAdmin()) return;
      const target = state.memberships.find((x) => x.workspace_id === wsId && x.user_id === Number(mm[1]));
      if (!target) return sendError(res, 404, 'not_found', 'Member not found');
      if (target.role === 'owner' && mine.role !== 'owner')
        return sendError(res, 403, 'permission_denied', 'Only owners change owners');
      const owners = state.memberships.filter((x) => x.workspace_id === wsId && x.role === 'owner').length;
      if (m === 'PATCH') {
        if (!allow('role')) return;
        if (!['owner', 'admin', 'agent'].includes(body.role)) return sendError(res, 400, 'invalid_argument', 'role must be owner, admin or agent');
        if (body.role === 'owner' && mine.role !== 'owner') return sendError(res, 403, 'permission_denied', 'Only owners make owners');
        if (target.role === 'owner' && body.role !== 'owner' && owners === 1)
          return sendError(res, 409, 'conflict', 'The last owner stays');
        target.role = body.role;
        audit(req, wsId, 'member.role_changed', s.user, 'user', target.user_id, { role: body.role });
        return send(res, 200, { member: target });
      }
      if (m === 'DELETE') {
        if (target.role === 'owner' && owners === 1) return sendError(res, 409, 'conflict', 'The last owner stays');
        state.memberships.splice(state.memberships.indexOf(target), 1);
        audit(req, wsId, 'member.removed', s.user, 'user', target.user_id);
        return send(res, 204);
      }
    }

    if (sub === '/invitations' && m === 'GET') {
      if (needAdmin()) return;
      const data = state.invitations
        .filter((i) => i.workspace_id === wsId && !i.accepted)
        .map(({ id, email, role, expires_at }) => ({ id, email, role, expires_at }));
      return send(res, 200, { data });
    }
    if (sub === '/invitations' && m === 'POST') {
      if (needAdmin() || !allow('email', 'role')) return;
      if (!validEmail(body.email)) return sendError(res, 400, 'invalid_argument', 'email is not valid');
      if (!['admin', 'agent'].includes(body.role)) return sendError(res, 400, 'invalid_argument', 'role must be admin or agent');
      const email = body.email.toLowerCase();
      const already = state.memberships.some(
        (x) => x.workspace_id === wsId && state.users.find((u) => u.id === x.user_id)?.email === email,
      );
      if (already) return sendError(res, 409, 'conflict', 'That person is already a member');
      const inv = { id: nextId(), workspace_id: wsId, email, role: body.role, expires_at: nowMicros() + 7 * 86400e6, token: token(), accepted: false };
      state.invitations.push(inv);
      audit(req, wsId, 'invitation.created', s.user, 'invitation', inv.id, { email, role: inv.role });
      const origin = `http://${req.headers.host}`;
      return send(res, 201, {
        invitation: { id: inv.id, email, role: inv.role, expires_at: inv.expires_at },
        accept_url: `${origin}/invite?token=${inv.token}`,
        token: inv.token,
      });
    }
    const im = sub.match(/^\/invitations\/(\d+)$/);
    if (im && m === 'DELETE') {
      if (needAdmin()) return;
      const i = state.invitations.findIndex((x) => x.workspace_id === wsId && x.id === Number(im[1]) && !x.accepted);
      if (i < 0) return sendError(res, 404, 'not_found', 'Invitation not found');
      const [inv] = state.invitations.splice(i, 1);
      audit(req, wsId, 'invitation.revoked', s.user, 'invitation', inv.id);
      return send(res, 204);
    }

    const visibleToken = (x) => x.workspace_id === wsId && (admin || x.user_id === s.user.id);
    if (sub === '/api-tokens' && m === 'GET') {
      const data = state.apiTokens.filter(visibleToken).map(({ workspace_id, ...x }) => x);
      return send(res, 200, { data });
    }
    if (sub === '/api-tokens' && m === 'POST') {
      if (!allow('name')) return;
      if (!body.name?.trim()) return sendError(res, 400, 'invalid_argument', 'name is required');
      const secret = `hh_${token(24)}`;
      const t = { id: nextId(), workspace_id: wsId, name: body.name.trim(), prefix: secret.slice(0, 10), user_id: s.user.id, created_at: nowMicros(), last_used_at: null };
      state.apiTokens.push(t);
      audit(req, wsId, 'api_token.created', s.user, 'api_token', t.id, { name: t.name });
      const { workspace_id, ...out } = t;
      return send(res, 201, { api_token: out, token: secret });
    }
    const tm = sub.match(/^\/api-tokens\/(\d+)$/);
    if (tm && m === 'DELETE') {
      const i = state.apiTokens.findIndex((x) => visibleToken(x) && x.id === Number(tm[1]));
      if (i < 0) return sendError(res, 404, 'not_found', 'Token not found');
      const [t] = state.apiTokens.splice(i, 1);
      audit(req, wsId, 'api_token.revoked', s.user, 'api_token', t.id);
      return send(res, 204);
    }

    if (sub === '/audit-log' && m === 'GET') {
      if (needAdmin()) return;
      const list = state.audit
        .filter((a) => a.workspace_id === wsId)
        .sort((a, b) => b.id - a.id)
        .map(({ workspace_id, ...a }) => a);
      return send(res, 200, paginate(list, url));
    }

    return sendError(res, 404, 'not_found', 'No such endpoint');
  }

  // ---------- static files ----------
  async function serveStatic(res, pathname) {
    const rel = path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = path.join(distDir, rel);
    if (!file.startsWith(distDir)) file = path.join(distDir, 'index.html');
    let info = await stat(file).catch(() => null);
    if (!info || info.isDirectory()) {
      // SPA fallback, except for missing assets (a 404 there is more useful than HTML).
      if (rel.startsWith('/assets/')) {
        res.writeHead(404);
        res.end();
        return;
      }
      file = path.join(distDir, 'index.html');
      info = await stat(file).catch(() => null);
      if (!info) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`web/dist is missing: run "npm run build" in web/ first (${distDir})`);
        return;
      }
    }
    const data = await readFile(file);
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(data);
  }

  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8080);
  const { url } = await startMockServer({ port });
  console.log(`mock-server (dev aid, in-memory): ${url}`);
}

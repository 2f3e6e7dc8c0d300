// Browser tests for the Hudhud dashboard. Plain ESM run by node; drives Debian's Chromium
// (/usr/bin/chromium) through playwright-core, which comes from web/node_modules (no browser is
// ever downloaded).
//
//   HUDHUD_E2E_BASE_URL=http://127.0.0.1:8080 node tests/e2e/run.mjs   # against a real server
//   node tests/e2e/run.mjs --mock                                       # against the dev mock
//
// The server must be fresh (no set-up done yet): the first test performs first-run set-up.
// The last line printed is exactly "N passed, N failed"; the exit code is non-zero on failure.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'out');
const useMock = process.argv.includes('--mock');
const only = process.env.HUDHUD_E2E_ONLY ?? '';

const CHROMIUM = process.env.HUDHUD_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function loadPlaywright() {
  const require = createRequire(path.join(here, '../../web/package.json'));
  try {
    return require('playwright-core');
  } catch {
    console.error('playwright-core is missing: run "npm install" in web/ (scripts/bootstrap.sh does).');
    return null;
  }
}

async function main() {
  const tests = [];
  const test = (name, fn) => tests.push({ name, fn });
  const { defineTests } = await import('./dashboard.spec.mjs');
  defineTests(test);
  // The Web Chat widget needs the real server (widget API, WebSocket, frame-ancestors).
  if (!useMock) (await import('./widget.spec.mjs')).defineTests(test);
  // The agents' inbox: a WhatsApp inbox wired to the fake Graph API that run.sh starts.
  if (!useMock) (await import('./inbox.spec.mjs')).defineTests(test);
  // The settings screens (inboxes, members and auto-assignment, teams, labels, canned responses),
  // in English and Arabic; its WhatsApp inbox is checked with signed webhooks, like the inbox's.
  if (!useMock) (await import('./settings.spec.mjs')).defineTests(test);
  // Inbox permissions seen by an agent and the owner at once (two browsers): lists that follow
  // membership live, availability, a new role, removal.
  if (!useMock) (await import('./permissions.spec.mjs')).defineTests(test);

  const pw = loadPlaywright();
  if (!pw) return finish(0, 1);

  let mock = null;
  let baseUrl = process.env.HUDHUD_E2E_BASE_URL;
  if (useMock) {
    const { startMockServer } = await import('./mock-server.mjs');
    mock = await startMockServer();
    baseUrl = mock.url;
    console.log(`e2e: using the in-memory DEV MOCK at ${baseUrl} (not the real server)`);
  } else if (!baseUrl) {
    console.error('e2e: set HUDHUD_E2E_BASE_URL to a fresh server, or pass --mock for the dev mock.');
    return finish(0, 1);
  } else {
    console.log(`e2e: testing ${baseUrl}`);
  }
  baseUrl = baseUrl.replace(/\/+$/, '');

  // Fail fast, with a clear reason, rather than time out test by test.
  try {
    const res = await fetch(`${baseUrl}/api/v1/setup`, { signal: AbortSignal.timeout(10_000) });
    const body = await res.json();
    if (body.needs_setup !== true) {
      console.log('FAIL preflight: the server is already set up; the suite needs a fresh database.');
      await mock?.close();
      return finish(0, 1);
    }
  } catch (err) {
    console.log(`FAIL preflight: GET ${baseUrl}/api/v1/setup: ${err?.message ?? err}`);
    await mock?.close();
    return finish(0, 1);
  }

  mkdirSync(outDir, { recursive: true });
  const profile = mkdtempSync(path.join(os.tmpdir(), 'hudhud-e2e-profile-'));
  let context;
  /** Other browsers a spec opened (env.openPage), closed at the end. */
  const others = [];
  let passed = 0;
  let failed = 0;
  const started = Date.now();
  const pageErrors = [];
  // Every write made with cookie auth must carry X-CSRF-Token; collected for a final check.
  const writes = [];
  /** A fresh browser profile (its own cookies and storage), watched like the main one. */
  const launch = async (dir) => {
    const ctx = await pw.chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
      timeout: 30_000,
    });
    ctx.setDefaultTimeout(8_000);
    ctx.setDefaultNavigationTimeout(15_000);
    ctx.on('request', (req) => {
      const url = new URL(req.url());
      if (!url.pathname.startsWith('/api/v1/') || req.method() === 'GET') return;
      writes.push({ method: req.method(), path: url.pathname, csrf: req.headers()['x-csrf-token'] ?? null });
    });
    const p = ctx.pages()[0] ?? (await ctx.newPage());
    p.on('pageerror', (err) => pageErrors.push(String(err)));
    return { ctx, page: p };
  };
  try {
    let page;
    ({ ctx: context, page } = await launch(profile));

    const env = {
      page,
      context,
      baseUrl,
      outDir,
      url: (p) => baseUrl + p,
      writes,
      pageErrors,
      state: {},
      screenshot: async (name, target = page) => {
        await target.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: false, animations: 'disabled' });
      },
      /**
       * A second person at another computer: a page in a separate browser (no shared cookies),
       * whose page errors and writes are checked like the main page's. Closed at the end of the run.
       */
      openPage: async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'hudhud-e2e-profile-'));
        const other = await launch(dir);
        others.push({ ctx: other.ctx, dir, page: other.page });
        return other.page;
      },
    };

    for (const { name, fn } of tests) {
      if (only && !name.includes(only)) continue;
      const t0 = Date.now();
      try {
        await fn(env);
        passed++;
        console.log(`ok   ${name} (${Date.now() - t0} ms)`);
      } catch (err) {
        failed++;
        console.log(`FAIL ${name} (${Date.now() - t0} ms)`);
        console.log(`     ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n     ')}`);
        const shot = `fail-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
        await env.screenshot(shot).catch(() => {});
        console.log(`     screenshot: tests/e2e/out/${shot}.png`);
        for (const [i, o] of others.entries()) {
          if (o.page.isClosed()) continue;
          await env.screenshot(`${shot}-other${i + 1}`, o.page).catch(() => {});
          console.log(`     screenshot: tests/e2e/out/${shot}-other${i + 1}.png`);
        }
      }
    }
  } catch (err) {
    failed++;
    console.log(`FAIL browser start: ${err?.message ?? err}`);
  } finally {
    for (const o of others) {
      await o.ctx.close().catch(() => {});
      rmSync(o.dir, { recursive: true, force: true });
    }
    await context?.close().catch(() => {});
    await mock?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`e2e: ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in tests/e2e/out/`);
  return finish(passed, failed);
}

function finish(passed, failed) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

try {
  await main();
} catch (err) {
  console.log(`FAIL runner: ${err?.stack ?? err}`);
  finish(0, 1);
}

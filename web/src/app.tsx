import { useEffect, useState } from 'preact/hooks';
import { ApiError, setUnauthenticatedHandler } from './api/client';
import { api } from './api/endpoints';
import type { LoginResponse, SetupResponse } from './api/types';
import { ErrorAlert } from './components/Alert';
import { Spinner } from './components/Layout';
import { Redirect } from './components/Redirect';
import { locale, t } from './i18n';
import { navigate, useLocation } from './lib/router';
import { endSession, pickWorkspace, session, startSession, workspacePath } from './lib/session';
import { InviteScreen } from './screens/auth/InviteScreen';
import { LoginScreen } from './screens/auth/LoginScreen';
import { SetupScreen } from './screens/auth/SetupScreen';
import { AppShell } from './screens/shell/AppShell';

type Boot = { state: 'loading' } | { state: 'ready'; needsSetup: boolean } | { state: 'failed'; error: unknown };

/** Only same-site app paths are allowed as a post-login destination. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/w/') && !next.startsWith('//') ? next : null;
}

export function App() {
  const loc = useLocation();
  const current = session.use();
  locale.use();
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      if (!session.get()) return;
      endSession();
      const here = window.location.pathname;
      navigate(`/login?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
    });
    return () => setUnauthenticatedHandler(null);
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const status = await api.setupStatus().catch((err: unknown) => {
          // An older server without the endpoint simply doesn't need set-up.
          if (err instanceof ApiError && err.status === 404) return { needs_setup: false };
          throw err;
        });
        if (status.needs_setup) {
          if (!cancelled) setBoot({ state: 'ready', needsSetup: true });
          return;
        }
        try {
          const me = await api.me();
          if (!cancelled) startSession(me);
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 401)) throw err;
        }
        if (!cancelled) setBoot({ state: 'ready', needsSetup: false });
      } catch (error) {
        if (!cancelled) setBoot({ state: 'failed', error });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  function enter(result: LoginResponse, next?: string | null) {
    startSession(result);
    const ws = pickWorkspace(result.workspaces);
    navigate(safeNext(next ?? null) ?? (ws ? workspacePath(ws.id) : '/'), { replace: true });
  }

  function enterFromSetup(result: SetupResponse) {
    setBoot({ state: 'ready', needsSetup: false });
    startSession({
      user: result.user,
      workspaces: result.workspaces?.length ? result.workspaces : [result.workspace],
      csrf_token: result.csrf_token,
    });
    navigate(workspacePath(result.workspace.id), { replace: true });
  }

  async function signOut() {
    try {
      await api.logout();
    } catch {
      // Signing out locally is still right if the server is gone or the session already ended.
    }
    endSession();
    navigate('/login?signed_out=1', { replace: true });
  }

  if (boot.state === 'loading') {
    return (
      <main class="center-page" id="main">
        <Spinner />
      </main>
    );
  }
  if (boot.state === 'failed') {
    return (
      <main class="center-page" id="main">
        <div class="boot-error">
          <h1>{t('error.bootTitle')}</h1>
          <ErrorAlert error={boot.error} />
          <button type="button" class="btn btn-primary" onClick={() => setAttempt((n) => n + 1)}>
            {t('common.retry')}
          </button>
        </div>
      </main>
    );
  }

  const path = loc.path;
  if (boot.needsSetup) {
    if (path !== '/setup') return <Redirect to="/setup" />;
    return <SetupScreen onDone={enterFromSetup} />;
  }
  if (path === '/setup') return <Redirect to="/" />;

  if (path === '/invite') {
    return <InviteScreen token={loc.query.get('token') ?? ''} onDone={(r) => enter(r)} />;
  }

  if (path === '/login') {
    if (current) return <Redirect to={safeNext(loc.query.get('next')) ?? '/'} />;
    const notice = loc.query.has('expired')
      ? 'expired'
      : loc.query.has('signed_out')
        ? 'signed-out'
        : loc.query.has('removed')
          ? 'removed'
          : null;
    return (
      <LoginScreen
        key={loc.query.toString()}
        notice={notice}
        onDone={(r) => enter(r, loc.query.get('next'))}
      />
    );
  }

  if (!current) {
    const next = path.startsWith('/w/') ? `?next=${encodeURIComponent(path)}` : '';
    return <Redirect to={`/login${next}`} />;
  }
  return <AppShell session={current} location={loc} onSignOut={signOut} />;
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../../components/Icon';
import { EmptyState } from '../../components/Layout';
import { locale, t } from '../../i18n';
import { matchPath, onLinkClick, type Location } from '../../lib/router';
import { isAdmin, pickWorkspace, rememberWorkspace, shellNotice, workspacePath, type Session, type ShellNotice } from '../../lib/session';
import { DEFAULT_SECTION, appRoutes } from '../../routes';
import { roleLabel } from '../settings/roles';
import { Sidebar } from './Sidebar';
import { Redirect } from '../../components/Redirect';
import { useWorkspaceLive } from './useWorkspaceLive';

/** Everything behind sign-in: /w/:ws/<section>[/...]. */
export function AppShell({
  session,
  location,
  onSignOut,
}: {
  session: Session;
  location: Location;
  onSignOut: () => Promise<void>;
}) {
  const lang = locale.use();
  const [navOpen, setNavOpen] = useState(false);
  const firstRender = useRef(true);

  const match = matchPath('/w/:ws', location.path);
  const workspace = match ? session.workspaces.find((w) => String(w.id) === match.params.ws) : undefined;
  const route = match ? appRoutes.find((r) => matchPath(r.path, match.rest)) : undefined;
  const rest = route && match ? (matchPath(route.path, match.rest)?.rest ?? '') : '';

  useEffect(() => {
    if (workspace) rememberWorkspace(workspace.id);
  }, [workspace?.id]);

  // Events about the user themselves (availability, role, removal), on every screen.
  useWorkspaceLive(workspace, session.user);

  // Title and focus follow navigation, so screen-reader users hear where they landed. Moving
  // within a screen (the inbox opening another conversation: only `rest` changes) keeps focus
  // where the screen put it.
  const screenKey = `${match?.params.ws ?? ''}:${route?.path ?? location.path}`;
  const lastScreen = useRef(screenKey);
  useEffect(() => {
    const label = route ? t(route.label) : t('shell.notFoundTitle');
    document.title = workspace ? `${label} · ${workspace.name} · ${t('app.name')}` : t('app.name');
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const sameScreen = lastScreen.current === screenKey;
    lastScreen.current = screenKey;
    if (sameScreen && rest) return;
    document.querySelector<HTMLElement>('[data-page-title]')?.focus({ preventScroll: true });
  }, [location.path, lang, workspace?.name]);

  // The drawer (narrow screens): focus moves into it on open and back to the menu button on close.
  const menuButton = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (navOpen) {
      document.querySelector<HTMLElement>('#sidebar .sidebar-close')?.focus();
    } else if (wasOpen.current && getComputedStyle(menuButton.current!.parentElement!).display !== 'none') {
      menuButton.current?.focus();
    }
    wasOpen.current = navOpen;
  }, [navOpen]);

  useEffect(() => {
    if (!navOpen) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setNavOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navOpen]);

  if (session.workspaces.length === 0) {
    return (
      <main class="center-page" id="main">
        <EmptyState icon="workspace" title={t('shell.noWorkspaceTitle')} body={t('shell.noWorkspaceBody')}>
          <button type="button" class="btn btn-secondary" onClick={() => void onSignOut()}>
            {t('profile.signOut')}
          </button>
        </EmptyState>
      </main>
    );
  }

  if (!match || !workspace) {
    const target = pickWorkspace(session.workspaces, match?.params.ws)!;
    const section = match && appRoutes.some((r) => matchPath(r.path, match.rest)) ? match.rest : DEFAULT_SECTION;
    return <Redirect to={workspacePath(target.id, section)} />;
  }
  if (!match.rest) return <Redirect to={workspacePath(workspace.id, DEFAULT_SECTION)} />;

  let content;
  if (!route) {
    content = (
      <EmptyState icon="alert" title={t('shell.notFoundTitle')} body={t('shell.notFoundBody')}>
        <a class="btn btn-secondary" href={workspacePath(workspace.id)} onClick={onLinkClick}>
          {t('shell.backToInbox')}
        </a>
      </EmptyState>
    );
  } else if (route.adminOnly && !isAdmin(workspace.role)) {
    content = (
      <EmptyState icon="alert" title={t('shell.forbiddenTitle')} body={t('shell.forbiddenBody')}>
        <a class="btn btn-secondary" href={workspacePath(workspace.id)} onClick={onLinkClick}>
          {t('shell.backToInbox')}
        </a>
      </EmptyState>
    );
  } else {
    const Screen = route.component;
    content = <Screen key={`${String(workspace.id)}:${route.path}`} workspace={workspace} rest={rest} />;
  }

  return (
    <div class={`shell${navOpen ? ' nav-open' : ''}`}>
      <a class="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <Sidebar
        session={session}
        workspace={workspace}
        activePath={route?.path ?? ''}
        open={navOpen}
        onClose={() => setNavOpen(false)}
        onSignOut={onSignOut}
      />
      {navOpen ? <div class="backdrop" onClick={() => setNavOpen(false)} aria-hidden="true" /> : null}
      <div class="shell-main">
        <header class="topbar">
          <button
            ref={menuButton}
            type="button"
            class="btn btn-icon btn-ghost"
            aria-label={t('shell.openNav')}
            aria-expanded={navOpen}
            aria-controls="sidebar"
            onClick={() => setNavOpen(true)}
          >
            <Icon name="menu" size={20} />
          </button>
          <span class="topbar-title" dir="auto">
            {workspace.name}
          </span>
        </header>
        <main id="main" class="content" tabIndex={-1}>
          {content}
        </main>
      </div>
      <ShellToast />
    </div>
  );
}

function noticeText(n: NonNullable<ShellNotice>): string {
  return n.kind === 'role' ? t('shell.roleChanged', { role: roleLabel(n.role) }) : t('shell.removedFrom', { name: n.from, current: n.current });
}

/** What changed for the user, said once over the page until dismissed. */
function ShellToast() {
  const n = shellNotice.use();
  return (
    <div class="toast-region" role="status" aria-live="polite">
      {n ? (
        <div class={`toast${n.kind === 'removed' ? ' toast-warning' : ''}`} data-testid="shell-notice">
          <Icon name={n.kind === 'removed' ? 'alert' : 'check'} size={18} />
          <p dir="auto">{noticeText(n)}</p>
          <button type="button" class="btn btn-icon btn-ghost btn-sm" aria-label={t('common.close')} onClick={() => shellNotice.set(null)}>
            <Icon name="close" size={16} />
          </button>
        </div>
      ) : null}
    </div>
  );
}


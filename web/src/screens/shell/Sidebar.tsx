import { useId } from 'preact/hooks';
import type { WorkspaceRef } from '../../api/types';
import { Icon, Logo } from '../../components/Icon';
import { t } from '../../i18n';
import { navigate, onLinkClick } from '../../lib/router';
import { isAdmin, rememberWorkspace, workspacePath, type Session } from '../../lib/session';
import { appRoutes, type AppRoute } from '../../routes';
import { ProfileMenu } from './ProfileMenu';

interface SidebarProps {
  session: Session;
  workspace: WorkspaceRef;
  activePath: string;
  open: boolean;
  onClose: () => void;
  onSignOut: () => Promise<void>;
}

export function Sidebar({ session, workspace, activePath, open, onClose, onSignOut }: SidebarProps) {
  const switcherId = useId();
  const admin = isAdmin(workspace.role);
  const visible = appRoutes.filter((r) => !r.adminOnly || admin);
  const main = visible.filter((r) => r.group === 'main');
  const settings = visible.filter((r) => r.group === 'settings');

  function switchTo(id: string) {
    const target = session.workspaces.find((w) => String(w.id) === id);
    if (!target) return;
    rememberWorkspace(target.id);
    const keep = appRoutes.find((r) => r.path === activePath);
    const section = keep && (!keep.adminOnly || isAdmin(target.role)) ? keep.path : 'inbox';
    navigate(workspacePath(target.id, section));
    onClose();
  }

  const link = (r: AppRoute) => (
    <li key={r.path}>
      <a
        href={workspacePath(workspace.id, r.path)}
        class="nav-link"
        aria-current={r.path === activePath ? 'page' : undefined}
        onClick={(e) => {
          onLinkClick(e);
          onClose();
        }}
      >
        <Icon name={r.icon} size={18} />
        <span>{t(r.label)}</span>
      </a>
    </li>
  );

  return (
    <aside class={`sidebar${open ? ' is-open' : ''}`} id="sidebar">
      <div class="sidebar-head">
        <div class="brand">
          <Logo size={28} />
          <span class="brand-name">{t('app.name')}</span>
        </div>
        <button type="button" class="btn btn-icon btn-ghost sidebar-close" onClick={onClose} aria-label={t('shell.closeNav')}>
          <Icon name="close" size={18} />
        </button>
      </div>

      <div class="workspace-switcher">
        <label for={switcherId}>{t('shell.workspace')}</label>
        <select id={switcherId} value={String(workspace.id)} onChange={(e) => switchTo(e.currentTarget.value)} dir="auto">
          {session.workspaces.map((w) => (
            <option key={String(w.id)} value={String(w.id)}>
              {w.name}
            </option>
          ))}
        </select>
      </div>

      <nav class="nav" aria-label={t('shell.mainNav')}>
        <ul>{main.map(link)}</ul>
        {settings.length ? (
          <>
            <h2 class="nav-heading" id="nav-settings">
              {t('shell.settings')}
            </h2>
            <ul aria-labelledby="nav-settings">{settings.map(link)}</ul>
          </>
        ) : null}
      </nav>

      <ProfileMenu user={session.user} workspaceId={workspace.id} onSignOut={onSignOut} />
    </aside>
  );
}

import type { ComponentType } from 'preact';
import type { WorkspaceRef } from './api/types';
import type { IconName } from './components/Icon';
import type { MessageKey } from './i18n';
import { InboxScreen } from './screens/inbox/InboxScreen';
import { ContactsScreen } from './screens/contacts/ContactsScreen';
import { MembersScreen } from './screens/settings/MembersScreen';
import { ApiTokensScreen } from './screens/settings/ApiTokensScreen';
import { AuditLogScreen } from './screens/settings/AuditLogScreen';
import { WorkspaceScreen } from './screens/settings/WorkspaceScreen';
import { InboxesScreen } from './screens/settings/InboxesScreen';
import { TeamsScreen } from './screens/settings/TeamsScreen';
import { LabelsScreen } from './screens/settings/LabelsScreen';
import { CannedResponsesScreen } from './screens/settings/CannedResponsesScreen';

/** What every in-workspace screen receives. `rest` is the path after the route (e.g. a conversation id). */
export interface ScreenProps {
  workspace: WorkspaceRef;
  rest: string;
}

export interface AppRoute {
  /** Path under /w/:ws/ ; a route also matches deeper paths (inbox/123), passed on as `rest`. */
  path: string;
  label: MessageKey;
  icon: IconName;
  group: 'main' | 'settings';
  adminOnly?: boolean;
  component: ComponentType<ScreenProps>;
}

/**
 * The screens inside a workspace, in sidebar order. Adding a screen = one entry here, its
 * component under screens/, and its strings in i18n/en.ts and ar.ts.
 */
export const appRoutes: AppRoute[] = [
  { path: 'inbox', label: 'nav.inbox', icon: 'inbox', group: 'main', component: InboxScreen },
  { path: 'contacts', label: 'nav.contacts', icon: 'contacts', group: 'main', component: ContactsScreen },
  {
    // settings/inboxes/new (connect a channel) and settings/inboxes/:id (one inbox) arrive as `rest`.
    path: 'settings/inboxes',
    label: 'nav.inboxes',
    icon: 'plug',
    group: 'settings',
    adminOnly: true,
    component: InboxesScreen,
  },
  {
    path: 'settings/members',
    label: 'nav.members',
    icon: 'members',
    group: 'settings',
    adminOnly: true,
    component: MembersScreen,
  },
  {
    path: 'settings/teams',
    label: 'nav.teams',
    icon: 'team',
    group: 'settings',
    adminOnly: true,
    component: TeamsScreen,
  },
  {
    path: 'settings/labels',
    label: 'nav.labels',
    icon: 'tag',
    group: 'settings',
    adminOnly: true,
    component: LabelsScreen,
  },
  {
    // Agents read them (to learn the shortcuts); only admins may change them.
    path: 'settings/canned-responses',
    label: 'nav.canned',
    icon: 'zap',
    group: 'settings',
    component: CannedResponsesScreen,
  },
  {
    path: 'settings/api-tokens',
    label: 'nav.apiTokens',
    icon: 'key',
    group: 'settings',
    component: ApiTokensScreen,
  },
  {
    path: 'settings/audit-log',
    label: 'nav.auditLog',
    icon: 'audit',
    group: 'settings',
    adminOnly: true,
    component: AuditLogScreen,
  },
  {
    path: 'settings/workspace',
    label: 'nav.workspace',
    icon: 'workspace',
    group: 'settings',
    adminOnly: true,
    component: WorkspaceScreen,
  },
];

export const DEFAULT_SECTION = 'inbox';

import { clearCsrfToken, setCsrfToken } from '../api/client';
import type { Id, User, WorkspaceRef } from '../api/types';
import { normalizeLocale, setLocale } from '../i18n';
import { createStore } from './store';

export interface Session {
  user: User;
  workspaces: WorkspaceRef[];
}

/** The signed-in user, or null. Set from setup, login, invitation acceptance and GET /me. */
export const session = createStore<Session | null>(null);

const WORKSPACE_KEY = 'hudhud.workspace';

export function startSession(data: { user: User; workspaces: WorkspaceRef[]; csrf_token?: string }): void {
  setCsrfToken(data.csrf_token);
  if (data.user.locale) setLocale(normalizeLocale(data.user.locale));
  session.set({ user: data.user, workspaces: data.workspaces });
}

export function endSession(): void {
  clearCsrfToken();
  session.set(null);
}

export function updateUser(patch: Partial<User>): void {
  session.set((s) => (s ? { ...s, user: { ...s.user, ...patch } } : s));
}

export function updateWorkspace(id: Id, patch: Partial<WorkspaceRef>): void {
  session.set((s) =>
    s
      ? {
          ...s,
          workspaces: s.workspaces.map((w) => (String(w.id) === String(id) ? { ...w, ...patch } : w)),
        }
      : s,
  );
}

export function rememberWorkspace(id: Id): void {
  try {
    localStorage.setItem(WORKSPACE_KEY, String(id));
  } catch {
    // Not persisted in private mode; harmless.
  }
}

function rememberedWorkspace(): string | null {
  try {
    return localStorage.getItem(WORKSPACE_KEY);
  } catch {
    return null;
  }
}

/** The workspace to open: `preferred` if the user is in it, else the remembered one, else the first. */
export function pickWorkspace(workspaces: WorkspaceRef[], preferred?: string | null): WorkspaceRef | undefined {
  const find = (id: string | null | undefined) =>
    id ? workspaces.find((w) => String(w.id) === id) : undefined;
  return find(preferred) ?? find(rememberedWorkspace()) ?? workspaces[0];
}

export function isAdmin(role: string): boolean {
  return role === 'owner' || role === 'admin';
}

export function workspacePath(id: Id, section = 'inbox'): string {
  return `/w/${encodeURIComponent(String(id))}/${section}`;
}

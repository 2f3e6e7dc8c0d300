import { clearCsrfToken, setCsrfToken } from '../api/client';
import type { Availability, Id, Role, User, WorkspaceRef } from '../api/types';
import { normalizeLocale, setLocale } from '../i18n';
import { createStore } from './store';

export interface Session {
  user: User;
  workspaces: WorkspaceRef[];
}

/** The signed-in user, or null. Set from setup, login, invitation acceptance and GET /me. */
export const session = createStore<Session | null>(null);

/**
 * The signed-in user's availability in the open workspace (null until read from the members
 * list). Kept current by the shell from `presence.updated`; the profile menu sets it.
 */
export const myAvailability = createStore<Availability | null>(null);

/**
 * A change made to the user by someone else, told once in the shell: their role changed (the
 * admin-only entries came or went), or they were removed from a workspace and moved to another.
 * Kept as data, so the words follow a change of language.
 */
export type ShellNotice = { kind: 'role'; role: Role } | { kind: 'removed'; from: string; current: string } | null;

export const shellNotice = createStore<ShellNotice>(null);

const WORKSPACE_KEY = 'hudhud.workspace';

export function startSession(data: { user: User; workspaces: WorkspaceRef[]; csrf_token?: string }): void {
  setCsrfToken(data.csrf_token);
  if (data.user.locale) setLocale(normalizeLocale(data.user.locale));
  session.set({ user: data.user, workspaces: data.workspaces });
}

export function endSession(): void {
  clearCsrfToken();
  session.set(null);
  myAvailability.set(null);
  shellNotice.set(null);
}

/** The user's workspaces as the server now lists them (their roles may have changed). */
export function replaceWorkspaces(workspaces: WorkspaceRef[]): void {
  session.set((s) => (s ? { ...s, workspaces } : s));
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

import { useEffect, useRef } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Id, Role, User, WorkspaceRef } from '../../api/types';
import { selfChange, availabilityOf } from '../../lib/membership';
import { useWorkspaceEvents } from '../../lib/realtime';
import { navigate } from '../../lib/router';
import {
  endSession,
  myAvailability,
  pickWorkspace,
  replaceWorkspaces,
  session,
  shellNotice,
  updateWorkspace,
  workspacePath,
} from '../../lib/session';

/**
 * What the shell does with the open workspace's events about the signed-in user, whatever the
 * screen: their availability (shown in the profile menu) follows `presence.updated`; a new role
 * (`member.updated`) is applied at once, so the admin-only entries appear or go, and confirmed
 * from GET /me; being removed (`member.removed`) leaves the workspace for another one, or signs
 * out when none is left. After a resync the same things are read again.
 */
export function useWorkspaceLive(workspace: WorkspaceRef | undefined, me: User): void {
  const wsId: Id | null = workspace?.id ?? null;
  const nameRef = useRef('');
  nameRef.current = workspace?.name ?? nameRef.current;
  const generation = useRef(0);

  const loadAvailability = () => {
    if (wsId === null) return;
    const mine = ++generation.current;
    api.listMembers(wsId).then(
      (r) => mine === generation.current && myAvailability.set(availabilityOf(r.data, me.id)),
      () => {},
    );
  };

  useEffect(() => {
    myAvailability.set(null);
    loadAvailability();
    return () => {
      generation.current++;
    };
  }, [wsId, me.id]);

  useWorkspaceEvents(wsId, (e) => {
    if (wsId === null) return;
    if (e.event === 'resync') {
      loadAvailability();
      void refreshWorkspaces(wsId, nameRef.current);
      return;
    }
    const change = selfChange(e, me.id);
    if (!change) return;
    if (change.kind === 'availability') myAvailability.set(change.availability);
    else if (change.kind === 'role') roleChanged(wsId, change.role);
    else void leaveWorkspace(wsId, nameRef.current);
  });
}

function roleChanged(wsId: Id, role: Role): void {
  const before = session.get()?.workspaces.find((w) => String(w.id) === String(wsId))?.role;
  updateWorkspace(wsId, { role });
  if (before !== role) shellNotice.set({ kind: 'role', role });
  // The server has the last word (a later change may have followed this one).
  api.me().then((m) => replaceWorkspaces(m.workspaces), () => {});
}

/** After a resync: roles may have changed, or the user may have been removed meanwhile. */
async function refreshWorkspaces(wsId: Id, name: string): Promise<void> {
  let workspaces;
  try {
    workspaces = (await api.me()).workspaces;
  } catch {
    return;
  }
  if (!workspaces.some((w) => String(w.id) === String(wsId))) {
    await leaveWorkspace(wsId, name, workspaces);
    return;
  }
  replaceWorkspaces(workspaces);
}

/** Out of a workspace the user no longer belongs to: to another of theirs, else to sign-in. */
async function leaveWorkspace(wsId: Id, name: string, known?: WorkspaceRef[]): Promise<void> {
  let workspaces = known;
  if (!workspaces) {
    try {
      workspaces = (await api.me()).workspaces;
    } catch {
      workspaces = session.get()?.workspaces ?? [];
    }
  }
  const remaining = workspaces.filter((w) => String(w.id) !== String(wsId));
  const next = pickWorkspace(remaining);
  if (next) {
    navigate(workspacePath(next.id), { replace: true });
    replaceWorkspaces(remaining);
    shellNotice.set({ kind: 'removed', from: name, current: next.name });
    return;
  }
  try {
    await api.logout();
  } catch {
    // Signed out here all the same.
  }
  endSession();
  navigate('/login?removed=1', { replace: true });
}

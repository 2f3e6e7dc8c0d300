/**
 * What the workspace's membership events mean for this client (docs/api.md "Permissions: inboxes"
 * and "Real time"): `inbox.members_changed`, `member.updated`, `member.removed` and
 * `presence.updated`. Pure rules with only type imports, so web/test/membership.test.mjs loads
 * this file alone.
 */
import type { Availability, Id, Member, Role } from '../api/types';

/** A real-time event as lib/realtime.ts hands it to listeners. */
export interface LiveEvent {
  event: string;
  data: Record<string, unknown>;
}

export const AVAILABILITIES = ['online', 'busy', 'offline'] as const;

export function isAvailability(v: unknown): v is (typeof AVAILABILITIES)[number] {
  return typeof v === 'string' && (AVAILABILITIES as readonly string[]).includes(v);
}

const same = (a: unknown, b: unknown) => a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);

/** The availability of `userId` in the members list, or null when not listed. */
export function availabilityOf(members: readonly Member[], userId: Id | null | undefined): Availability | null {
  return members.find((m) => same(m.user_id, userId))?.availability ?? null;
}

/** What an event says about the signed-in user, when it is about them. */
export type SelfChange =
  | { kind: 'availability'; availability: Availability }
  | { kind: 'role'; role: Role }
  | { kind: 'removed' };

export function selfChange(e: LiveEvent, meId: Id | null | undefined): SelfChange | null {
  if (!same(e.data.user_id, meId)) return null;
  if (e.event === 'presence.updated' && typeof e.data.availability === 'string') {
    return { kind: 'availability', availability: e.data.availability };
  }
  if (e.event === 'member.updated' && typeof e.data.role === 'string') return { kind: 'role', role: e.data.role as Role };
  if (e.event === 'member.removed') return { kind: 'removed' };
  return null;
}

/** True for the events that change a members list (who is in it, their role or availability). */
export function isMemberEvent(e: LiveEvent): boolean {
  return e.event === 'presence.updated' || e.event === 'member.updated' || e.event === 'member.removed';
}

/**
 * A members list after a member event: availability and role change in place, a removed member
 * leaves. Anything else returns the list unchanged (the same array).
 */
export function membersAfterEvent<M extends Member>(members: readonly M[], e: LiveEvent): readonly M[] {
  const id = e.data.user_id;
  if (e.event === 'member.removed') {
    return members.some((m) => same(m.user_id, id)) ? members.filter((m) => !same(m.user_id, id)) : members;
  }
  let patch: Partial<Member> | null = null;
  if (e.event === 'presence.updated' && typeof e.data.availability === 'string') patch = { availability: e.data.availability };
  if (e.event === 'member.updated' && typeof e.data.role === 'string') patch = { role: e.data.role as Role };
  if (!patch || !members.some((m) => same(m.user_id, id))) return members;
  return members.map((m) => (same(m.user_id, id) ? { ...m, ...patch } : m));
}

/** An `inbox.members_changed` event's data, or null for any other event (or a malformed one). */
export function inboxMembersChange(e: LiveEvent): { inbox_id: Id; user_ids: Id[] } | null {
  if (e.event !== 'inbox.members_changed') return null;
  const { inbox_id, user_ids } = e.data;
  if ((typeof inbox_id !== 'number' && typeof inbox_id !== 'string') || !Array.isArray(user_ids)) return null;
  return { inbox_id, user_ids: user_ids.filter((u): u is Id => typeof u === 'number' || typeof u === 'string') };
}

/**
 * Whether an inbox's new members change what this user sees. Owners and admins see every inbox
 * whoever works it: never. An agent sees the inboxes it is a member of, so the lists are stale when
 * it was added to an inbox it does not list, or removed from one it does. `listed` is null while
 * the inbox list is unknown (then: reload, to be safe).
 */
export function membershipChangesView(
  change: { inbox_id: Id; user_ids: readonly Id[] },
  meId: Id | null | undefined,
  admin: boolean,
  listed: readonly Id[] | null,
): boolean {
  if (admin) return false;
  const member = change.user_ids.some((u) => same(u, meId));
  if (listed === null) return true;
  const shown = listed.some((i) => same(i, change.inbox_id));
  return member !== shown;
}

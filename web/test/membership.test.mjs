// What membership events mean for the dashboard (src/lib/membership.ts): which events are about
// the signed-in user, a members list kept current by presence/role/removal events, and when an
// inbox's new members change what an agent sees. membership.ts has only type imports.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { transformWithOxc } from 'vite';

const source = await readFile(new URL('../src/lib/membership.ts', import.meta.url), 'utf8');
const { code } = await transformWithOxc(source, 'membership.ts', { lang: 'ts' });
const M = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

const ev = (event, data) => ({ event, data });
const member = (user_id, over = {}) => ({ user_id, name: `User ${user_id}`, email: `u${user_id}@example.com`, role: 'agent', availability: 'offline', ...over });

test('availability values and the current user\'s availability from the members list', () => {
  assert.deepEqual([...M.AVAILABILITIES], ['online', 'busy', 'offline']);
  assert.ok(M.isAvailability('busy'));
  assert.ok(!M.isAvailability('away'));
  assert.ok(!M.isAvailability(null));
  const list = [member(1, { availability: 'online' }), member(2, { availability: 'busy' })];
  assert.equal(M.availabilityOf(list, 2), 'busy');
  assert.equal(M.availabilityOf(list, '1'), 'online', 'ids compare as text');
  assert.equal(M.availabilityOf(list, 3), null);
  assert.equal(M.availabilityOf(list, null), null);
});

test('events about the signed-in user: availability, role, removal; others are ignored', () => {
  assert.deepEqual(M.selfChange(ev('presence.updated', { user_id: 7, availability: 'busy' }), '7'), { kind: 'availability', availability: 'busy' });
  assert.deepEqual(M.selfChange(ev('member.updated', { user_id: 7, role: 'admin' }), 7), { kind: 'role', role: 'admin' });
  assert.deepEqual(M.selfChange(ev('member.removed', { user_id: 7 }), 7), { kind: 'removed' });
  assert.equal(M.selfChange(ev('member.removed', { user_id: 8 }), 7), null, 'someone else');
  assert.equal(M.selfChange(ev('member.updated', { user_id: 7 }), 7), null, 'no role');
  assert.equal(M.selfChange(ev('conversation.updated', { user_id: 7 }), 7), null);
  assert.equal(M.selfChange(ev('member.removed', { user_id: 7 }), null), null, 'no user yet');
});

test('a members list follows presence, role and removal events', () => {
  const list = [member(1), member(2, { role: 'admin' })];
  const busy = M.membersAfterEvent(list, ev('presence.updated', { user_id: 1, availability: 'busy' }));
  assert.equal(busy[0].availability, 'busy');
  assert.equal(busy[1], list[1], 'others untouched');
  assert.equal(list[0].availability, 'offline', 'the input is not changed');
  const promoted = M.membersAfterEvent(list, ev('member.updated', { user_id: '1', role: 'admin' }));
  assert.equal(promoted[0].role, 'admin');
  const removed = M.membersAfterEvent(list, ev('member.removed', { user_id: 2 }));
  assert.deepEqual(removed.map((m) => m.user_id), [1]);
  // Nothing to change: the same array (no re-render).
  assert.equal(M.membersAfterEvent(list, ev('member.removed', { user_id: 9 })), list);
  assert.equal(M.membersAfterEvent(list, ev('presence.updated', { user_id: 9, availability: 'busy' })), list);
  assert.equal(M.membersAfterEvent(list, ev('message.created', { user_id: 1 })), list);
  assert.ok(M.isMemberEvent(ev('presence.updated', {})));
  assert.ok(!M.isMemberEvent(ev('inbox.members_changed', {})));
});

test('inbox.members_changed is read defensively', () => {
  assert.deepEqual(M.inboxMembersChange(ev('inbox.members_changed', { inbox_id: 4, user_ids: [1, '2', null] })), { inbox_id: 4, user_ids: [1, '2'] });
  assert.equal(M.inboxMembersChange(ev('inbox.members_changed', { inbox_id: 4 })), null);
  assert.equal(M.inboxMembersChange(ev('inbox.updated', { id: 4, status: 'active' })), null);
});

test('an agent reloads when added to an inbox it does not list, or removed from one it does', () => {
  const change = (inbox_id, user_ids) => ({ inbox_id, user_ids });
  // Added to inbox 5, which it did not see.
  assert.equal(M.membershipChangesView(change(5, [3, 7]), 7, false, [4]), true);
  // Removed from inbox 4, which it saw.
  assert.equal(M.membershipChangesView(change('4', [3]), 7, false, [4]), true);
  // Someone else joined an inbox it works: nothing changes for it.
  assert.equal(M.membershipChangesView(change(4, [3, 7]), 7, false, [4]), false);
  // Someone else joined an inbox it does not work.
  assert.equal(M.membershipChangesView(change(5, [3]), 7, false, [4]), false);
  // Admins and owners see every inbox whoever works it.
  assert.equal(M.membershipChangesView(change(5, [7]), 7, true, [4, 5]), false);
  // Inboxes not known yet: reload to be safe.
  assert.equal(M.membershipChangesView(change(5, [3]), 7, false, null), true);
});

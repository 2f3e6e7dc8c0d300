// The real-time stream's sequence numbers (src/lib/seq.ts): resuming with `since` and dropping
// events a replay delivers twice.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { transformWithOxc } from 'vite';

const source = await readFile(new URL('../src/lib/seq.ts', import.meta.url), 'utf8');
const { code } = await transformWithOxc(source, 'seq.ts', { lang: 'ts' });
const S = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

test('the first subscribe has no since; a resumed one carries the last number', () => {
  assert.deepEqual(S.subscribeMessage('7', null), { type: 'subscribe', workspace_id: 7 });
  assert.deepEqual(S.subscribeMessage(7, 1041), { type: 'subscribe', workspace_id: 7, since: 1041 });
  assert.deepEqual(S.subscribeMessage(7, 0), { type: 'subscribe', workspace_id: 7, since: 0 });
});

test('numbers only move forward: a replayed event already seen is dropped', () => {
  const c = new S.SeqCursor();
  assert.equal(c.last, null);
  assert.equal(c.accept(10), true);
  assert.equal(c.accept(14), true); // not by one: other workspaces use numbers too
  assert.equal(c.accept(14), false);
  assert.equal(c.accept(12), false);
  assert.equal(c.last, 14);
  assert.equal(c.accept(undefined), true); // typing has no number
  assert.equal(c.last, 14);
  c.reset();
  assert.equal(c.last, null);
  assert.equal(c.accept(3), true);
});

// The widget's client-side file policy (web/widget/src/files.ts) must agree with the server's
// (channels/webchat/webchat_settings.cpp CheckUpload), and its en/ar strings must match up.
// Run with `npm test`; TypeScript is loaded through Vite's own transformer.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { transformWithOxc } from 'vite';

async function load(file) {
  const source = await readFile(new URL(`../widget/src/${file}`, import.meta.url), 'utf8');
  const { code } = await transformWithOxc(source, file, { lang: 'ts' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

const files = await load('files.ts');
const i18n = await load('i18n.ts');

const policy = { attachments_enabled: true, max_attachment_bytes: 1000, allowed_mime_types: ['image/*', 'application/pdf', 'Text/Plain'] };

test('allowed files pass; size, emptiness and type are told apart', () => {
  assert.equal(files.checkFile(policy, { size: 1000, type: 'image/png' }), null);
  assert.equal(files.checkFile(policy, { size: 10, type: 'IMAGE/JPEG' }), null);
  assert.equal(files.checkFile(policy, { size: 10, type: 'text/plain;charset=utf-8' }), null);
  assert.equal(files.checkFile(policy, { size: 1001, type: 'image/png' }), 'fileTooLarge');
  assert.equal(files.checkFile(policy, { size: 0, type: 'image/png' }), 'fileEmpty');
  assert.equal(files.checkFile(policy, { size: 10, type: 'application/zip' }), 'fileType');
  assert.equal(files.checkFile(policy, { size: 10, type: '' }), 'fileType');
  assert.equal(files.checkFile({ ...policy, attachments_enabled: false }, { size: 10, type: 'image/png' }), 'filesOff');
});

test('scriptable types are refused even under a wildcard', () => {
  const open = { ...policy, allowed_mime_types: ['image/*', 'text/*', 'application/*'] };
  for (const t of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/javascript', 'application/atom+xml']) {
    assert.equal(files.checkFile(open, { size: 10, type: t }), 'fileType', t);
  }
  assert.equal(files.isInlineImage('image/png'), true);
  assert.equal(files.isInlineImage('image/svg+xml'), false);
  assert.equal(files.isInlineImage('application/pdf'), false);
});

test('widget strings: en and ar have the same keys and placeholders', () => {
  const en = i18n.stringsFor('en');
  const ar = i18n.stringsFor('ar');
  assert.deepEqual(Object.keys(ar).sort(), Object.keys(en).sort());
  const ph = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const k of Object.keys(en)) {
    assert.ok(ar[k].length > 0, `ar.${k} is empty`);
    assert.deepEqual(ph(ar[k]), ph(en[k]), `placeholders of ${k}`);
  }
  assert.equal(i18n.formatBytes(1536, 'en'), '1.5 KB');
  assert.equal(i18n.formatBytes(3 * 1024 * 1024, 'ar'), '3 م.ب');
  assert.equal(i18n.formatBytes(67, 'en'), '67 B');
});

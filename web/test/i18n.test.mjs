// Checks that the English and Arabic catalogues have the same keys, the same {placeholders},
// and no empty strings. Run with `npm test` (node's test runner); the TypeScript sources are
// loaded through Vite's own transformer, so no extra tooling is needed.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { transformWithOxc } from 'vite';

async function loadCatalog(file, exportName) {
  const source = await readFile(new URL(`../src/i18n/${file}`, import.meta.url), 'utf8');
  const { code } = await transformWithOxc(source, file, { lang: 'ts' });
  // Type-only imports are erased, so the module is self-contained.
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  return mod[exportName];
}

const en = await loadCatalog('en.ts', 'en');
const ar = await loadCatalog('ar.ts', 'ar');
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('en and ar have identical key sets', () => {
  const enKeys = Object.keys(en).sort();
  const arKeys = Object.keys(ar).sort();
  assert.deepEqual(
    arKeys.filter((k) => !(k in en)),
    [],
    'keys in ar.ts that en.ts lacks',
  );
  assert.deepEqual(
    enKeys.filter((k) => !(k in ar)),
    [],
    'keys in en.ts that ar.ts lacks',
  );
  assert.ok(enKeys.length > 50);
});

test('every translation keeps the same placeholders', () => {
  for (const key of Object.keys(en)) {
    if (!(key in ar)) continue; // reported by the key-set test
    assert.deepEqual(placeholders(ar[key]), placeholders(en[key]), `placeholders differ for ${key}`);
  }
});

test('no empty strings', () => {
  for (const [name, cat] of [['en', en], ['ar', ar]]) {
    for (const [key, value] of Object.entries(cat)) {
      assert.ok(typeof value === 'string' && value.trim() !== '', `${name}.${key} is empty`);
    }
  }
});

test('Arabic strings are actually Arabic (bar names, codes and endonyms)', () => {
  const allowedLatin = new Set(['lang.en', 'common.none']);
  for (const [key, value] of Object.entries(ar)) {
    if (allowedLatin.has(key)) continue;
    assert.match(value, /[\u0600-\u06FF]/, `ar.${key} has no Arabic letters: ${value}`);
  }
});

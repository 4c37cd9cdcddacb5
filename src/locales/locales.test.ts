import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import vi from './vi/translation.json';
import en from './en/translation.json';
import { CONSENT_PURPOSES, GENDERS, NEIGHBORHOOD_KINDS, OUTCOMES, RESULT_KEYS, TOPICS, VNEID_LEVELS } from '../domain/vocab';
import { LANGUAGES } from '../modules/i18n';
import type { SyncState } from '../domain/sync';
import { FIELD_SCHEMAS } from '../domain/schemas';

type Tree = { [key: string]: string | Tree };

const SRC = join(__dirname, '..');
/** SyncState is a type only; typecheck fails here if a state is added without a label. */
const SYNC_STATES = Object.keys({ pending: 1, synced: 1, conflict: 1, rejected: 1 } satisfies Record<SyncState, 1>);
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Every leaf as a dotted path, with its value. */
function leaves(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') for (const [p, x] of leaves(v, path)) out.set(p, x);
    else out.set(path, v);
  }
  return out;
}

/** Keys with i18next plural suffixes folded: `status.waiting_one` and `_other` are `status.waiting`. */
function keySet(tree: Tree): Set<string> {
  return new Set([...leaves(tree).keys()].map((k) => k.replace(PLURAL_SUFFIX, '')));
}

const locales: Record<string, Tree> = { vi: vi as Tree, en: en as Tree };
const viKeys = keySet(locales.vi!);
const enKeys = keySet(locales.en!);

/** True when `t(key)` resolves in that locale (directly, or through its plural forms). */
function has(locale: Tree, key: string): boolean {
  const all = leaves(locale);
  if (typeof all.get(key) === 'string') return true;
  return [...all.keys()].some((k) => PLURAL_SUFFIX.test(k) && k.replace(PLURAL_SUFFIX, '') === key);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(vue|ts)$/.test(name) && !/\.(test|spec)\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

/** Keys passed literally to t('…') / t("…") / t(`…`) without interpolation. */
function literalTKeys(): Map<string, string> {
  const found = new Map<string, string>();
  const re = /(?<![\w$.])t\(\s*(['"`])([A-Za-z0-9_.-]+)\1/g;
  for (const f of files) for (const m of f.text.matchAll(re)) found.set(m[2]!, f.path);
  return found;
}

/** Other i18n keys the code hands to t() indirectly (notices, route titles, validation messages…). */
function indirectKeys(): Map<string, string> {
  const namespaces = new Set(Object.keys(vi));
  const found = new Map<string, string>();
  // Single quotes only: in templates, double quotes delimit attribute expressions (errors.headName).
  const re = /'([a-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_]+)+)'/g;
  for (const f of files) {
    for (const m of f.text.matchAll(re)) {
      const key = m[1]!;
      // Only strings that start with one of our namespaces and are not file names or modules.
      if (!namespaces.has(key.split('.')[0]!) || /\.(vue|ts|js|json|css)$/.test(key)) continue;
      found.set(key, f.path);
    }
  }
  return found;
}

describe('translation files', () => {
  it('vi and en have exactly the same keys (plural forms folded)', () => {
    expect([...viKeys].filter((k) => !enKeys.has(k)).sort()).toEqual([]);
    expect([...enKeys].filter((k) => !viKeys.has(k)).sort()).toEqual([]);
    expect(viKeys.size).toBeGreaterThan(200);
  });

  it('every plural key has an `_other` form in each language, and English also has `_one`', () => {
    for (const [lng, tree] of Object.entries(locales)) {
      const all = [...leaves(tree).keys()];
      for (const base of new Set(all.filter((k) => PLURAL_SUFFIX.test(k)).map((k) => k.replace(PLURAL_SUFFIX, '')))) {
        expect(all, `${lng}: ${base}`).toContain(`${base}_other`);
        if (lng === 'en') expect(all, `en: ${base}`).toContain(`${base}_one`);
      }
    }
  });

  it('no value is empty or blank, and every value is a string', () => {
    for (const [lng, tree] of Object.entries(locales)) {
      for (const [key, value] of leaves(tree)) {
        expect(typeof value, `${lng}: ${key}`).toBe('string');
        expect((value as string).trim(), `${lng}: ${key}`).not.toBe('');
      }
    }
  });

  it('both languages use the same {{placeholders}} in each string', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
    const viLeaves = leaves(locales.vi!);
    const enLeaves = leaves(locales.en!);
    for (const [key, value] of viLeaves) {
      const base = key.replace(PLURAL_SUFFIX, '');
      const other = enLeaves.get(key) ?? enLeaves.get(`${base}_other`);
      if (typeof other !== 'string') continue;
      expect(vars(other), key).toEqual(vars(value as string));
    }
  });

  it('Vietnamese strings carry the messages the forms rely on', () => {
    expect(leaves(locales.vi!).get('validation.required')).toBe('Cần điền ô này.');
    expect(leaves(locales.vi!).get('validation.chooseOne')).toBe('Hãy chọn ít nhất một mục.');
  });
});

describe('keys used in the source exist in both languages', () => {
  const literal = literalTKeys();

  it('finds the t() calls (sanity check of the scan)', () => {
    expect(literal.size).toBeGreaterThan(100);
    expect(literal.get('consent.record')).toBe('features/households/ConsentStep.vue');
    expect(literal.has('draft.resume')).toBe(true);
  });

  it.each(['vi', 'en'])('every literal t(key) exists in %s', (lng) => {
    const missing = [...literal].filter(([key]) => !has(locales[lng]!, key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });

  it.each(['vi', 'en'])('every validation.* message key in domain/schemas.ts exists in %s', (lng) => {
    const schemas = files.find((f) => f.path === join('domain', 'schemas.ts'))!.text;
    const keys = new Set([...schemas.matchAll(/'(validation\.[A-Za-z]+)'/g)].map((m) => m[1]!));
    expect(keys.size).toBeGreaterThanOrEqual(6);
    expect([...keys].filter((k) => !has(locales[lng]!, k))).toEqual([]);
  });

  it.each(['vi', 'en'])('every key given to t() indirectly (notices, route titles, errors…) exists in %s', (lng) => {
    const indirect = indirectKeys();
    expect(indirect.get('nav.today')).toBeDefined();
    expect(indirect.get('errors.storageFull')).toBe(join('stores', 'notices.ts'));
    expect(indirect.get('validation.followUpBeforeVisit')).toBe(join('features', 'visits', 'forms.ts'));
    const missing = [...indirect].filter(([key]) => !has(locales[lng]!, key)).map(([key, file]) => `${key} (${file})`);
    expect(missing).toEqual([]);
  });
});

describe('keys built from the vocabularies exist in both languages', () => {
  const families: [string, readonly (string | number)[]][] = [
    ['topics', TOPICS],
    ['outcomes', OUTCOMES],
    ['results', RESULT_KEYS],
    ['genders', GENDERS],
    ['vneidLevels', VNEID_LEVELS],
    ['syncState', SYNC_STATES],
    ['consent.purposes', CONSENT_PURPOSES],
    ['neighborhoods.kinds', NEIGHBORHOOD_KINDS],
    ['settings.languages', LANGUAGES],
  ];

  it.each(['vi', 'en'])('%s', (lng) => {
    const missing: string[] = [];
    for (const [prefix, values] of families) for (const v of values) if (!has(locales[lng]!, `${prefix}.${v}`)) missing.push(`${prefix}.${v}`);
    expect(missing).toEqual([]);
  });

  it('the families hold nothing beyond the vocabularies (no stale labels)', () => {
    const all = [...leaves(locales.vi!).keys()];
    for (const [prefix, values] of families) {
      const present = all.filter((k) => k.startsWith(`${prefix}.`)).map((k) => k.slice(prefix.length + 1));
      expect(present.sort(), prefix).toEqual(values.map(String).sort());
    }
  });
});

describe('every field of every entity has its label (the conflict screen names any of them)', () => {
  const fields = Object.entries(FIELD_SCHEMAS).flatMap(([entity, schema]) => Object.keys(schema.shape).map((f) => `${entity}.${f}`));

  it('walks the schemas (sanity check)', () => {
    expect(fields).toContain('household.houseNumber');
    expect(fields).toContain('checklistStep.stepKey');
  });

  it.each(['vi', 'en'])('%s', (lng) => {
    const missing = fields.filter((f) => !has(locales[lng]!, `fields.${f.split('.')[1]}`));
    expect(missing).toEqual([]);
  });
});

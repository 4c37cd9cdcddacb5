/**
 * A Vite plugin: `virtual:locale-core/<lng>` is the part of a locale the entry screens need for
 * their first paint (Today, households, join, guides). The full file loads right after, and
 * before any other screen opens (src/modules/i18n.ts), so no string is ever missing.
 */
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Top-level sections, or `section.key` prefixes, in the first-paint bundle. */
export const CORE_KEYS = [
  'app', 'nav', 'status', 'common', 'today', 'households', 'household', 'sync', 'errors', 'outcomes',
  'syncState', 'update', 'demo', 'errors', 'notFound', 'join', 'guides', 'scam', 'install', 'attention.count', 'attention.open', 'team.title', 'reports.open', 'audit.open', 'lock',
];

function pick(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const inCore = CORE_KEYS.some((c) => path === c || path.startsWith(`${c}.`) || path.startsWith(`${c}_`));
    const above = CORE_KEYS.some((c) => c.startsWith(`${path}.`));
    if (inCore) out[k] = v;
    else if (above && v && typeof v === 'object') {
      const sub = pick(v as Record<string, unknown>, path);
      if (Object.keys(sub).length) out[k] = sub;
    }
  }
  return out;
}

export function coreLocale(lng: string, root = process.cwd()): Record<string, unknown> {
  const full = JSON.parse(readFileSync(resolve(root, `src/locales/${lng}/translation.json`), 'utf8')) as Record<string, unknown>;
  return pick(full);
}

export function localeCorePlugin(): Plugin {
  const PREFIX = 'virtual:locale-core/';
  return {
    name: 'cds-locale-core',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : undefined;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return undefined;
      const lng = id.slice(PREFIX.length + 1);
      const file = resolve(process.cwd(), `src/locales/${lng}/translation.json`);
      this.addWatchFile(file);
      return `export default ${JSON.stringify(coreLocale(lng))};`;
    },
  };
}

// The layering rules of eslint.config.js, each shown to fail on a forbidden import: ESLint lints
// small snippets as if they were files of the tree (the paths are made up, nothing is written).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.js') });
});

/** The rules that fired on `code` as the file at `path` (relative to the repository). */
async function lint(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const vue = (script: string) => `<script setup lang="ts">\n${script}\n</script>\n\n<template>\n  <p>{{ shown }}</p>\n</template>\n`;

const PAGE = 'src/features/probe/ProbePage.vue';

describe('src/db never imports src/sync', () => {
  it('fails on a value import and on a type import', async () => {
    expect(await lint('src/db/probe.ts', "import { postPush } from '../sync/transport';\nexport const f = postPush;\n")).toEqual(['no-restricted-imports']);
    expect(await lint('src/db/probe.ts', "import type { PushResult } from '../sync/transport';\nexport type R = PushResult;\n")).toEqual(['no-restricted-imports']);
  });

  it('allows the domain and the other repositories', async () => {
    expect(await lint('src/db/probe.ts', "import { uuidv7 } from '../domain/ids';\nimport { db } from './database';\nexport const f = [uuidv7, db];\n")).toEqual([]);
  });
});

describe('.vue files reach neither repositories nor sync', () => {
  it('fails on importing a repository, from a page or from a shared component', async () => {
    const rule = ['@typescript-eslint/no-restricted-imports'];
    expect(await lint(PAGE, vue("import { saveVisit } from '../../db/visits';\nconst shown = saveVisit.name;"))).toEqual(rule);
    expect(await lint('src/components/ProbeCard.vue', vue("import { db } from '../db/database';\nconst shown = db.name;"))).toEqual(rule);
    expect(await lint('src/ProbeApp.vue', vue("import { listHouseholds } from './db/households';\nconst shown = listHouseholds.name;"))).toEqual(rule);
  });

  it('fails on importing sync', async () => {
    expect(await lint(PAGE, vue("import { SyncEngine } from '../../sync/engine';\nconst shown = SyncEngine.name;"))).toEqual([
      '@typescript-eslint/no-restricted-imports',
    ]);
  });

  it('fails on Dexie itself', async () => {
    expect(await lint(PAGE, vue("import { Dexie } from 'dexie';\nconst shown = Dexie.name;"))).toEqual(['@typescript-eslint/no-restricted-imports']);
  });

  it('fails on a dynamic import() of a repository or of sync', async () => {
    expect(await lint(PAGE, vue("const shown = import('../../db/database');"))).toEqual(['no-restricted-syntax']);
    expect(await lint(PAGE, vue("const shown = import('../../sync/engine');"))).toEqual(['no-restricted-syntax']);
    expect(await lint('src/components/ProbeCard.vue', vue("const shown = import('../db/visits');"))).toEqual(['no-restricted-syntax']);
  });

  it('fails on fetch, however it is reached', async () => {
    expect(await lint(PAGE, vue("const shown = fetch('/api/team');"))).toEqual(['no-restricted-globals']);
    expect(await lint(PAGE, vue("const shown = window.fetch('/api/team');"))).toEqual(['no-restricted-properties']);
    expect(await lint(PAGE, vue("const shown = globalThis.fetch('/api/team');"))).toEqual(['no-restricted-properties']);
  });

  it('allows type imports, feature stores (features/sync included) and other dynamic imports', async () => {
    const script = [
      "import type { VisitRow } from '../../db/rows';",
      "import type { PullResponse } from '../../sync/transport';",
      "import { useSyncStore } from '../sync/store';",
      'const rows: VisitRow[] = [];',
      'const page: PullResponse | undefined = undefined;',
      "const shown = [rows, page, useSyncStore, import('../demo/demoMode')];",
    ].join('\n');
    expect(await lint(PAGE, vue(script))).toEqual([]);
  });
});

describe('server code imports nothing from src/ but src/domain', () => {
  it('fails on the app’s repositories or sync, types included', async () => {
    const rule = ['@typescript-eslint/no-restricted-imports'];
    expect(await lint('server/routes/probe.ts', "import { db } from '../../src/db/database';\nexport const f = db;\n")).toEqual(rule);
    expect(await lint('server/probe.ts', "import type { PushResult } from '../src/sync/transport';\nexport type R = PushResult;\n")).toEqual(rule);
  });

  it('allows src/domain', async () => {
    expect(await lint('server/services/probe.ts', "import { isUuid } from '../../src/domain/ids';\nexport const f = isUuid;\n")).toEqual([]);
  });
});

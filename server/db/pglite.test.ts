// @vitest-environment node
/** The PGlite data folder holds personal data: the folder is 0700 and its files 0600. */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from './pglite';
import { migrate } from './migrate';
import { SETUP_TIMEOUT } from '../test-fixtures';

const parent = mkdtempSync(join(tmpdir(), 'cds-pglite-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Every path under `dir` that is group- or world-accessible, with its mode. */
function loose(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string): void => {
    const mode = statSync(path).mode & 0o777;
    if (statSync(path).isDirectory()) {
      if (mode !== 0o700) out.push(`${path} ${mode.toString(8)}`);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (mode !== 0o600) {
      out.push(`${path} ${mode.toString(8)}`);
    }
  };
  walk(dir);
  return out;
}

describe.skipIf(process.platform === 'win32')('the data folder', () => {
  it('is 0700 with files 0600 after a database was made, written and closed, and again after reopening a loose one', async () => {
    const dir = join(parent, 'data');
    const db = await openPglite(dir);
    await migrate(db);
    await db.query('insert into communes (id, name) values ($1, $2)', [crypto.randomUUID(), 'Xã Riêng Tư']);
    await db.close();
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    expect(loose(dir)).toEqual([]);

    // A folder left world-readable by an older version is tightened when it opens.
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'left-behind'), 'x', { mode: 0o666 });
    chmodSync(join(dir, 'left-behind'), 0o666);
    const again = await openPglite(dir);
    expect(loose(dir)).toEqual([]);
    await again.close();
  }, SETUP_TIMEOUT);
});

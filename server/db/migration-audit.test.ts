// @vitest-environment node
/**
 * Migration 20261206194000 on a database written before it: audit rows keep the names of the
 * fields and lose their values; kept conflict answers of deleted records lose theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Database } from './adapter';
import { openPglite } from './pglite';
import { migrate } from './migrate';
import { SETUP_TIMEOUT } from '../test-fixtures';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const THIS = '20261206194000_audit_retention.sql';

let db: Database;
const team = randomUUID();
const commune = randomUUID();
const live = randomUUID();
const gone = randomUUID();
const conflictLive = randomUUID();
const conflictGone = randomUUID();

beforeAll(async () => {
  db = await openPglite('memory://');
  await db.exec('create table schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  for (const file of (await readdir(DIR)).filter((f) => f.endsWith('.sql') && f < THIS).sort()) {
    await db.exec(await readFile(join(DIR, file), 'utf8'));
    await db.query('insert into schema_migrations (name) values ($1)', [file]);
  }
  await db.query('insert into communes (id, name) values ($1, $2)', [commune, 'Xã Cũ']);
  await db.query('insert into teams (id, commune_id, name) values ($1, $2, $3)', [team, commune, 'Tổ Cũ']);
  await db.query(`insert into records (team_id, id, entity, version, deleted, data, server_seq) values ($1, $2, 'household', 2, false, '{"headName":"Phạm Thị Riêng","phone":"0987654321"}', 1), ($1, $3, 'household', 3, true, null, 2)`, [team, live, gone]);
  await db.query(
    `insert into audit_log (team_id, server_seq, record_id, entity, op, fields) values
       ($1, 1, $2, 'household', 'create', '{"phone":"0987654321","headName":"Phạm Thị Riêng","consent":{"recordedBy":"Nguyễn Ghi Nhận"}}'),
       ($1, 2, $3, 'household', 'delete', null)`,
    [team, live, gone],
  );
  const conflict = (mid: string) => JSON.stringify({ mid, status: 'conflict', version: 2, fields: ['phone'], server: { phone: '0987654321' } });
  await db.query(
    `insert into mutations (team_id, mid, device_id, seq, entity, record_id, result) values
       ($1, $2, $4, 1, 'household', $5, $3), ($1, $6, $4, 2, 'household', $7, $8)`,
    [team, conflictLive, conflict(conflictLive), randomUUID(), live, conflictGone, gone, conflict(conflictGone)],
  );
  expect(await migrate(db)).toContain(THIS);
}, SETUP_TIMEOUT);
afterAll(() => db?.close(), SETUP_TIMEOUT);

describe(THIS, () => {
  it('keeps the names of the audited fields, sorted, and drops their values', async () => {
    const rows = await db.query<{ record_id: string; fields: unknown; commune_id: string; text: string }>('select record_id, fields, commune_id, row_to_json(a)::text as text from audit_log a order by server_seq');
    expect(rows.map((r) => [r.record_id, r.fields])).toEqual([
      [live, ['consent', 'headName', 'phone']],
      [gone, null],
    ]);
    for (const r of rows) {
      expect(r.commune_id).toBe(commune);
      for (const value of ['0987654321', 'Phạm Thị Riêng', 'Nguyễn Ghi Nhận']) expect(r.text).not.toContain(value);
    }
  });

  it('scrubs the kept conflict answers of records already deleted, and only those', async () => {
    const answer = async (mid: string) => (await db.query<{ result: Record<string, unknown> }>('select result from mutations where mid = $1', [mid]))[0]!.result;
    expect(await answer(conflictGone)).toEqual({ mid: conflictGone, status: 'rejected', code: 'GONE', message: 'this record was deleted' });
    expect(await answer(conflictLive)).toMatchObject({ status: 'conflict', server: { phone: '0987654321' } });
  });
});

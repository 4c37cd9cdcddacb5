// @vitest-environment node
/**
 * The PostgreSQL adapter's transactions: `begin` goes with the first text when that text has no
 * parameters (one round trip less per push), and the transaction is as real either way: a failure
 * rolls back what its first text did. Runs only with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { openPostgres } from './postgres';
import type { Database } from './adapter';
import { adminQuery, PG_URL } from '../testing-pg';
import { SETUP_TIMEOUT } from '../test-fixtures';

const schema = `t_${randomUUID().replace(/-/g, '')}`;
let db: Database;

const admin = (sql: string) => adminQuery(PG_URL!, sql);

beforeAll(async () => {
  if (!PG_URL) return;
  await admin(`create schema ${schema}`);
  db = await openPostgres(PG_URL, { schema, poolSize: 2, readReserve: 0 });
  await db.exec('create table t (n integer primary key)');
}, SETUP_TIMEOUT);
afterAll(async () => {
  if (!PG_URL) return;
  await db?.close();
  await admin(`drop schema ${schema} cascade`);
}, SETUP_TIMEOUT);

/** The texts the pool's clients send, while `fn` runs. */
async function sent(fn: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  const query = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: Parameters<typeof query>) {
    const first: unknown = args[0];
    texts.push(typeof first === 'string' ? first : String((first as { text?: unknown }).text));
    return (query as (...a: unknown[]) => unknown).apply(this, args) as ReturnType<typeof query>;
  } as typeof query);
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return texts;
}

describe.skipIf(!PG_URL)('PostgreSQL transactions', () => {
  it('send begin with a first text without parameters, and separately before one with parameters', async () => {
    const one = await sent(() => db.transaction((tx) => tx.query('insert into t values (1)')));
    expect(one).toEqual(['begin;\ninsert into t values (1)', 'commit']);
    const two = await sent(() => db.transaction((tx) => tx.query('insert into t values ($1)', [2])));
    expect(two).toEqual(['begin', 'insert into t values ($1)', 'commit']);
    expect((await db.query<{ n: number }>('select n from t order by n')).map((r) => r.n)).toEqual([1, 2]);
  });

  it('send one begin for queries sent at once as the transaction starts', async () => {
    const texts = await sent(() => db.transaction((tx) => Promise.all([1, 2].map((n) => tx.query('select $1::int as n', [n])))));
    expect(texts).toEqual(['begin', 'select $1::int as n', 'select $1::int as n', 'commit']);
  });

  it('roll back what the first text did when the transaction fails, and answer rows of a text of several statements', async () => {
    await expect(
      db.transaction(async (tx) => {
        expect(await tx.query<{ n: number }>('insert into t values (3); select 7 as n')).toEqual([{ n: 7 }]);
        throw new Error('fails after its first text');
      }),
    ).rejects.toThrow('fails after its first text');
    await expect(db.transaction((tx) => tx.query('insert into t values (4); insert into t values (1)'))).rejects.toMatchObject({ code: '23505' });
    expect((await db.query<{ n: number }>('select n from t order by n')).map((r) => r.n)).toEqual([1, 2]);
    // No connection was left in the failed transaction: each would refuse every query (25P02).
    const open = await Promise.all([1, 2, 3, 4].map(() => db.query<{ open: boolean }>(`select count(*) > 0 as open from pg_stat_activity where state like 'idle in transaction%' and query like '%insert into t values%'`)));
    expect(open).toEqual([1, 2, 3, 4].map(() => [{ open: false }]));
  });
});

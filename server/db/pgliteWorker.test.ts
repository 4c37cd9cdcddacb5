// @vitest-environment node
/**
 * PGlite in a worker thread (what `npm start` opens): the same answers and errors as in-thread
 * PGlite, transactions that hold every other request back, and an event loop that keeps running
 * while the database works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { PGliteOptions } from '@electric-sql/pglite';
import { openDatabase, type Database, type Queryable } from './adapter';
import { openPglite } from './pglite';
import { openPgliteWorker } from './pgliteWorker';
import { PGLITE_TEMPLATE_ENV } from '../testing';
import { SETUP_TIMEOUT } from '../test-fixtures';

/** The migrated cluster the test servers start from (tests/support/pgliteTemplate.ts). */
function fromTemplate(): Pick<PGliteOptions, 'loadDataDir'> {
  const template = process.env[PGLITE_TEMPLATE_ENV];
  return template ? { loadDataDir: new Blob([readFileSync(template)]) } : {};
}

const TABLE = `create table items (id int primary key, name text not null unique, doc jsonb, at timestamptz, big int8)`;

/** Enough work to keep PGlite busy for a while on any machine: a million rows counted. */
const HEAVY = 'select count(*)::int as n from generate_series(1, 1000000) a where a % 7 <> 3';

/** Records when a query ends and when a timer set just after it started fires. */
async function timerDuringQuery(db: Database): Promise<string[]> {
  const order: string[] = [];
  const query = db.query(HEAVY).then(() => order.push('query'));
  setTimeout(() => order.push('timer'), 0);
  await query;
  await new Promise((resolve) => setTimeout(resolve, 0));
  return order;
}

describe('the worker and in-thread PGlite', () => {
  let inThread: Database;
  let worker: Database;
  beforeAll(async () => {
    [inThread, worker] = await Promise.all([openPglite('memory://', fromTemplate()), openPgliteWorker('memory://', fromTemplate())]);
    for (const db of [inThread, worker]) await db.exec(TABLE);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await Promise.all([inThread?.close(), worker?.close()]);
  }, SETUP_TIMEOUT);

  // The template is made for the PGlite runs only (tests/support/pgliteTemplate.ts), not when the suites run on PostgreSQL.
  it.skipIf(!process.env[PGLITE_TEMPLATE_ENV])('start from the migrated template (loadDataDir) alike', async () => {
    const tables = async (db: Database) => db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`);
    expect(await tables(worker)).toEqual(await tables(inThread));
    expect((await tables(worker)).map((t) => t.name)).toContain('records');
  });

  it('give the same values of every type the server reads, parameters included', async () => {
    const at = new Date('2026-12-06T19:15:00.123Z');
    // jsonb's own key order, -0, a "__proto__" key (an own property, not a prototype), Vietnamese text.
    const doc = { bb: 1, a: { zz: [{ y: 1, ab: 2 }], é: 1 }, ['__proto__']: 5, ñ: [2, { e: 1.5, d: -0 }], tên: 'Nguyễn Thị Ánh' };
    const sql = `select 1::int4 as i4, 42::int8 as i8, 9007199254740993::int8 as huge, 1.5::numeric as num, 1.25::float8 as f8,
      true as yes, null::text as nothing, 'Xã Đông Hòa'::text as txt, '2026-01-02'::date as day,
      timestamptz '2026-12-06 19:15:00.123+07' as ts, $1::timestamptz as at, $2::jsonb as doc, '{"k": [1, "a"]}'::json as js,
      array[1, 2]::int8[] as i8s, array['a', null]::text[] as texts, '\\x00ff'::bytea as bytes, interval '1 day 2 hours' as iv,
      '6f1c1a0e-8d3c-4b8e-9f0a-1b2c3d4e5f60'::uuid as id, $3::int8 as param8, $4::text[] as paramArray, $5::bytea as paramBytes`;
    const params = [at, JSON.stringify(doc), 12345678901234n, ['x', 'ý'], new Uint8Array([1, 2, 3])];
    const [a] = await inThread.query<Record<string, unknown>>(sql, params);
    const [b] = await worker.query<Record<string, unknown>>(sql, params);
    expect(b).toEqual(a);
    expect(Object.keys(b!)).toEqual(Object.keys(a!));
    expect(JSON.stringify(b!.doc)).toBe(JSON.stringify(a!.doc));
    expect(Object.getPrototypeOf(b!.doc)).toBe(Object.prototype);
    expect(Object.keys(b!.doc as object)).toContain('__proto__');
    for (const key of Object.keys(a!)) expect([key, typeof b![key]]).toEqual([key, typeof a![key]]);
    expect(b!.ts).toBeInstanceOf(Date);
    expect(b!.day).toBeInstanceOf(Date);
    expect(b!.bytes).toBeInstanceOf(Uint8Array);
  });

  it('write and read back rows alike, a jsonb object parameter and a Date included', async () => {
    const doc = { households: [1, 2], note: 'ổn' };
    const at = new Date('2026-12-06T00:00:00Z');
    const rows = await Promise.all(
      [inThread, worker].map(async (db) => {
        await db.query('insert into items (id, name, doc, at, big) values ($1, $2, $3, $4, $5)', [1, 'một', doc, at, 2n ** 60n]);
        return db.query('select * from items order by id');
      }),
    );
    expect(rows[1]).toEqual(rows[0]);
    expect(rows[1]).toEqual([{ id: 1, name: 'một', doc, at, big: 2n ** 60n }]);
  });

  it('fail with the same error: message, PostgreSQL code (23505) and fields', async () => {
    const fields = (e: unknown) => {
      const { name, message, code, severity, detail, constraint, table, schema, routine } = e as Record<string, unknown>;
      return { name, message, code, severity, detail, constraint, table, schema, routine };
    };
    const errors = await Promise.all(
      [inThread, worker].map(async (db) => {
        await db.query(`insert into items (id, name) values (2, 'hai') on conflict do nothing`);
        return db.query(`insert into items (id, name) values (3, 'hai')`).then(
          () => 'no error',
          (e: unknown) => e,
        );
      }),
    );
    expect(errors[1]).toBeInstanceOf(Error);
    expect(fields(errors[1])).toEqual(fields(errors[0]));
    expect(fields(errors[1])).toMatchObject({ code: '23505', constraint: 'items_name_key' });
    expect(await Promise.all([inThread, worker].map((db) => db.query('select 1/0').catch((e: Error & { code: string }) => [e.message, e.code])))).toEqual([
      ['division by zero', '22012'],
      ['division by zero', '22012'],
    ]);
  });

  it('in a transaction, a statement that fails under a savepoint is undone and the rest commits (as push does)', async () => {
    const run = (db: Database) =>
      db.transaction(async (tx) => {
        await tx.query(`insert into items (id, name) values (10, 'mười')`);
        await tx.query('savepoint one');
        const code = await tx.query(`insert into items (id, name) values (11, 'mười')`).catch((e: { code?: string }) => e.code);
        await tx.query('rollback to savepoint one');
        await tx.query(`insert into items (id, name) values (12, 'mười hai')`);
        return code;
      });
    expect(await run(worker)).toBe('23505');
    expect(await run(inThread)).toBe('23505');
    const names = (db: Database) => db.query(`select id, name from items where id >= 10 order by id`);
    expect(await names(worker)).toEqual(await names(inThread));
    expect(await names(worker)).toEqual([
      { id: 10, name: 'mười' },
      { id: 12, name: 'mười hai' },
    ]);
  });
});

describe('the worker adapter', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPgliteWorker('memory://', fromTemplate());
    await db.exec(TABLE);
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await db?.close();
  }, SETUP_TIMEOUT);

  it('lets the event loop run while a long query works (in-thread PGlite does not)', async () => {
    expect(await timerDuringQuery(db)).toEqual(['timer', 'query']);
    const inThread = await openPglite('memory://', fromTemplate());
    try {
      expect(await timerDuringQuery(inThread)).toEqual(['query', 'timer']);
    } finally {
      await inThread.close();
    }
  }, SETUP_TIMEOUT);

  it('rolls a transaction back when its callback throws, and rethrows what it threw', async () => {
    const thrown = new Error('the callback gave up');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into items (id, name) values (20, 'hai mươi')`);
        expect(await tx.query('select name from items where id = 20')).toEqual([{ name: 'hai mươi' }]);
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    expect(await db.query('select * from items where id = 20')).toEqual([]);
  });

  it('commits what a callback wrote and gives back what it returned', async () => {
    const r = await db.transaction(async (tx) => {
      await tx.exec(`insert into items (id, name) values (21, 'hai mốt'); insert into items (id, name) values (22, 'hai hai')`);
      return (await tx.query<{ n: number }>('select count(*)::int as n from items where id in (21, 22)'))[0]!.n;
    });
    expect(r).toBe(2);
    expect(await db.query('select id from items where id in (21, 22) order by id')).toEqual([{ id: 21 }, { id: 22 }]);
  });

  it('holds other transactions and queries back while a transaction is open', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstOpen!: () => void;
    const opened = new Promise<void>((resolve) => (firstOpen = resolve));
    let firstTx!: Queryable;
    const first = db.transaction(async (tx) => {
      firstTx = tx;
      await tx.query(`insert into items (id, name) values (30, 'ba mươi')`);
      firstOpen();
      await gate;
      await tx.query(`update items set name = 'ba mươi, sửa' where id = 30`);
      events.push('first commits');
    });
    await opened;
    const second = db.transaction(async (tx) => {
      events.push('second begins');
      return tx.query<{ name: string }>('select name from items where id = 30');
    });
    const outside = db.query<{ name: string }>('select name from items where id = 30').then((rows) => {
      events.push('query answers');
      return rows;
    });
    // Messages keep their order: once this answers, the worker has the two requests above.
    expect(await firstTx.query('select 1 as one')).toEqual([{ one: 1 }]);
    // The second's callback is called at once; its statement waits in the worker.
    expect(events).toEqual(['second begins']);
    release();
    await first;
    expect(await second).toEqual([{ name: 'ba mươi, sửa' }]);
    expect(await outside).toEqual([{ name: 'ba mươi, sửa' }]);
    expect(events).toEqual(['second begins', 'first commits', 'query answers']);
  });

  it("takes the teams in turn: a quiet team's query goes before the busy team's others already waiting", async () => {
    const busy = db.forTeam!('busy team');
    const quiet = db.forTeam!('quiet team');
    const order: string[] = [];
    const track = (name: string, work: Promise<unknown>) => work.then(() => void order.push(name));
    await Promise.all([
      track('busy 1', busy.query(HEAVY)),
      track('busy 2', busy.query(HEAVY)),
      track('busy 3', busy.query(HEAVY)),
      track('quiet', quiet.query('select 1')),
    ]);
    // First come, first served would answer the quiet team last.
    expect(order).toEqual(['busy 1', 'quiet', 'busy 2', 'busy 3']);
  });

  it("runs an open transaction's statements while other teams wait, then takes the team that waited", async () => {
    const busy = db.forTeam!('busy team');
    const quiet = db.forTeam!('quiet team');
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstOpen!: () => void;
    const opened = new Promise<void>((resolve) => (firstOpen = resolve));
    let openTx!: Queryable;
    const first = busy.transaction(async (tx) => {
      openTx = tx;
      await tx.query(`insert into items (id, name) values (40, 'bốn mươi')`);
      firstOpen();
      await gate;
      await tx.query(`update items set name = 'bốn mươi, sửa' where id = 40`);
      order.push('busy commits');
    });
    await opened;
    const busyNext = busy.query<{ name: string }>('select name from items where id = 40').then((rows) => (order.push('busy again'), rows));
    const waited = quiet.query<{ name: string }>('select name from items where id = 40').then((rows) => (order.push('quiet'), rows));
    // The others wait in their lanes; the transaction's own statements do not.
    expect(await openTx.query('select name from items where id = 40')).toEqual([{ name: 'bốn mươi' }]);
    expect(order).toEqual([]);
    release();
    await first;
    expect(await waited).toEqual([{ name: 'bốn mươi, sửa' }]);
    expect(await busyNext).toEqual([{ name: 'bốn mươi, sửa' }]);
    expect(order).toEqual(['busy commits', 'quiet', 'busy again']);
  });

  it('sends a waiting transaction\'s statements before it has begun: they run, in order, once it begins', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstOpen!: () => void;
    const opened = new Promise<void>((resolve) => (firstOpen = resolve));
    const first = db.forTeam!('busy team').transaction(async (tx) => {
      await tx.query(`insert into items (id, name) values (50, 'năm mươi')`);
      firstOpen();
      await gate;
      order.push('first commits');
    });
    await opened;
    const second = db.forTeam!('quiet team').transaction(async (tx) => {
      // Called at once, while the first transaction still holds the session.
      order.push('second callback');
      const written = tx.query(`update items set name = 'năm mươi, sửa' where id = 50`);
      const read = tx.query<{ name: string }>('select name from items where id = 50');
      await written;
      return read;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual(['second callback']);
    release();
    await first;
    expect(await second).toEqual([{ name: 'năm mươi, sửa' }]);
    expect(order).toEqual(['second callback', 'first commits']);
  });

  it('fails only the request whose parameter cannot cross to the thread', async () => {
    await expect(db.query('select $1::text as t', [() => 'a function'])).rejects.toThrow(/could not be cloned/);
    expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('refuses a statement of a transaction that has ended', async () => {
    let kept!: Queryable;
    await db.transaction(async (tx) => {
      kept = tx;
    });
    await expect(kept.query('select 1')).rejects.toThrow('Transaction is closed');
  });
});

describe('closing the worker adapter', () => {
  it('waits for the queries and transactions in flight, then refuses new ones', async () => {
    const db = await openPgliteWorker('memory://', fromTemplate());
    await db.exec(TABLE);
    const done: string[] = [];
    const work = [
      db.query(HEAVY).then(() => done.push('heavy query')),
      db.transaction(async (tx) => {
        await tx.query(`insert into items (id, name) values (40, 'bốn mươi')`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        await tx.query(`insert into items (id, name) values (41, 'bốn mốt')`);
        done.push('transaction');
      }),
      db.query('select count(*)::int as n from items').then(([row]) => done.push(`count ${(row as { n: number }).n}`)),
    ];
    await db.close();
    done.push('closed');
    await Promise.all(work);
    expect(done).toEqual(['heavy query', 'transaction', 'count 2', 'closed']);
    await expect(db.query('select 1')).rejects.toThrow('PGlite is closed');
    await expect(db.transaction(async () => undefined)).rejects.toThrow('PGlite is closed');
  }, SETUP_TIMEOUT);
});

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

describe('openDatabase without a PostgreSQL address (what npm start opens)', () => {
  const parent = mkdtempSync(join(tmpdir(), 'cds-pglite-worker-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('runs PGlite off the event loop, keeps the data on disk in a private folder, and finds it again', async () => {
    const dir = join(parent, 'data');
    const db = await openDatabase({ dataDir: dir });
    expect(db.kind).toBe('pglite');
    await db.exec(TABLE);
    expect(await timerDuringQuery(db)).toEqual(['timer', 'query']);
    await db.query(`insert into items (id, name, doc) values (1, 'Ấp Một', '{"x": 1}')`);
    await db.close();
    if (process.platform !== 'win32') expect(loose(dir)).toEqual([]);

    const again = await openDatabase({ dataDir: dir });
    expect(await again.query('select id, name, doc from items')).toEqual([{ id: 1, name: 'Ấp Một', doc: { x: 1 } }]);
    await again.close();
  }, SETUP_TIMEOUT * 2);
});

describe('under tsx, as npm start runs it', () => {
  const parent = mkdtempSync(join(tmpdir(), 'cds-pglite-tsx-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('starts the worker, answers, and once closed lets a process with nothing else to do end', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = join(parent, 'answer.mts');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
      import { openPgliteWorker } from ${JSON.stringify(pathToFileURL(join(root, 'server/db/pgliteWorker.ts')).href)};
      const template = process.env.${PGLITE_TEMPLATE_ENV};
      const db = await openPgliteWorker('memory://', template ? { loadDataDir: new Blob([readFileSync(template)]) } : {});
      const [row] = await db.query('select 40 + 2 as n');
      await db.close();
      console.log('answer', row.n);`,
    );
    const run = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [script], { cwd: root, encoding: 'utf8' });
    // Had the thread let go of the process too early, the top-level await would never settle:
    // the process would end with code 13 and print nothing.
    expect(run.stdout.trim()).toBe('answer 42');
  }, SETUP_TIMEOUT);
});

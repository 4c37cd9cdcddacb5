// @vitest-environment node
/**
 * Several server processes over one PostgreSQL, as behind a load balancer (issue #12, "Beyond one
 * machine"): two real server processes (`server/index.ts`) share one schema. Devices push and
 * pull through either of them; nothing is skipped or doubled, and nothing one process keeps in
 * memory (the epoch, last-seen) can make the other answer wrongly. Runs only with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openPostgres } from './db/postgres';
import { migrate } from './db/migrate';
import type { Database } from './db/adapter';
import { PG_URL, sharedSchema, type SharedSchema } from './testing-pg';
import { createTeam } from './services/teams';
import { householdFields, neighborhoodFields, SETUP_TIMEOUT, uuid, type Change, type Fields, type PullPage, type PushResult } from './test-fixtures';
import { loadInviteKey } from './services/inviteKey';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How long each process keeps a good token's caller: a change made through the other one is seen here after it. */
const TOKEN_CACHE_SECONDS = 1;
const pastTokenCache = () => new Promise((r) => setTimeout(r, TOKEN_CACHE_SECONDS * 1000 + 50));

interface Proc {
  child: ChildProcess;
  base: string;
}

/** Starts `server/index.ts` on a free port over the schema and resolves with its address. */
function startProcess(schemaName: string): Promise<Proc> {
  const url = new URL(PG_URL!);
  url.searchParams.set('options', `-c search_path=${schemaName}`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      PORT: '0',
      HOST: '127.0.0.1',
      STATIC_DIR: '',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      TEAM_RATE_LIMIT_PER_SECOND: '1000000',
      TEAM_RATE_LIMIT_BURST: '1000000',
      ADDRESS_LIMIT_PER_MINUTE: '1000000',
      ADDRESS_LIMIT_BURST: '1000000',
      ENROLL_LIMIT_PER_ADDRESS: '1000000',
      ENROLL_LIMIT_TOTAL: '1000000',
      TOKEN_CACHE_SECONDS: String(TOKEN_CACHE_SECONDS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  child.stderr!.on('data', (d: Buffer) => errors.push(d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server process ended (${code}): ${errors.join('')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /is running at (http:\/\/[^/\s]+)\//.exec(line);
      if (m) resolve({ child, base: m[1]! });
    });
  });
}

function stopProcess(p: Proc): Promise<void> {
  if (p.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
  });
}

async function call<T>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as T };
}

async function pullPage(base: string, token: string, cursor?: string, limit = 500): Promise<PullPage> {
  const qs = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
  const r = await call<PullPage>(base, 'GET', `/api/sync/pull?${qs}`, token);
  expect(r.status).toBe(200);
  return r.json;
}

let schema: SharedSchema;
let db: Database;
let procs: Proc[] = [];
let headToken: string;
let tokens: string[];

const PUSHERS = 8;
const BATCHES = 10;
const PER_BATCH = 20;

beforeAll(async () => {
  if (!PG_URL) return;
  schema = await sharedSchema(PG_URL);
  db = await openPostgres(PG_URL, { schema: schema.name, poolSize: 2 });
  // Migrated before the processes start; each migrates again at start and finds nothing to do.
  await migrate(db);
  procs = await Promise.all([startProcess(schema.name), startProcess(schema.name)]);
  const [one, two] = procs.map((p) => p.base) as [string, string];
  const team = await createTeam(db, await loadInviteKey(db, undefined), 'Xã Hai Máy', 'Tổ Hai Máy');
  const head = await call<{ token: string }>(one, 'POST', '/api/auth/enroll', undefined, { code: team.inviteCode, name: 'Trưởng thôn', device: 'Máy 1' });
  expect(head.status).toBe(201);
  headToken = head.json.token;
  tokens = [headToken];
  for (let i = 1; i < PUSHERS; i++) {
    const invite = await call<{ code: string }>(i % 2 ? two : one, 'POST', '/api/invites', headToken, { role: 'member', maxUses: 1, ttlHours: 1 });
    const m = await call<{ token: string }>(i % 2 ? one : two, 'POST', '/api/auth/enroll', undefined, { code: invite.json.code, name: `Tổ viên ${i}`, device: `Máy ${i}` });
    expect(m.status).toBe(201);
    tokens.push(m.json.token);
  }
}, SETUP_TIMEOUT);

afterAll(async () => {
  await Promise.all(procs.map(stopProcess));
  await db?.close();
  await schema?.drop();
}, SETUP_TIMEOUT);

describe.skipIf(!PG_URL)('two server processes over one PostgreSQL', () => {
  it(
    `${PUSHERS} pushers × ${BATCHES} batches × ${PER_BATCH} creates through both processes, pullers following their cursors through both: nothing skipped, nothing twice`,
    async () => {
      const bases = procs.map((p) => p.base);
      const created = new Set<string>();
      const results: PushResult[] = [];
      let pushing = true;

      const pusher = async (token: string, n: number) => {
        const deviceId = uuid();
        let seq = 0;
        for (let b = 0; b < BATCHES; b++) {
          const mutations = Array.from({ length: PER_BATCH }, (_, i) => {
            const [entity, fields]: [string, Fields] =
              (i + b + n) % 2 ? ['neighborhood', neighborhoodFields({ name: `P${n} B${b} #${i}` })] : ['household', householdFields({ headName: `P${n} B${b} #${i}` })];
            const id = uuid();
            created.add(id);
            return { mid: uuid(), seq: ++seq, entity, op: 'create', id, fields };
          });
          // A load balancer sends a device's requests to either process.
          const r = await call<{ results: PushResult[] }>(bases[(b + n) % 2]!, 'POST', '/api/sync/push', token, { protocol: 1, deviceId, appVersion: '1.0.0', mutations });
          expect(r.status).toBe(200);
          results.push(...r.json.results);
        }
      };

      const liveSeen = new Map<string, number>();
      let livePages = 0;
      const live = async () => {
        let cursor: string | undefined;
        for (;;) {
          const stillPushing = pushing;
          const page = await pullPage(bases[livePages % 2]!, headToken, cursor, 97);
          livePages++;
          expect(page.reset).toBe(false);
          const ids = page.changes.map((c) => c.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const c of page.changes) liveSeen.set(c.id, (liveSeen.get(c.id) ?? 0) + 1);
          cursor = page.cursor;
          if (!stillPushing && !page.hasMore) break;
        }
      };

      const pullAll = async (start: number, token: string): Promise<Change[]> => {
        const changes: Change[] = [];
        let cursor: string | undefined;
        for (let i = start; ; i++) {
          const page = await pullPage(bases[i % 2]!, token, cursor, 250);
          changes.push(...page.changes);
          cursor = page.cursor;
          if (!page.hasMore) return changes;
        }
      };
      const fresh = async (start: number) => {
        let rounds = 0;
        while (pushing) {
          const ids = (await pullAll(start + rounds, tokens[rounds % tokens.length]!)).map((c) => c.id);
          expect(new Set(ids).size).toBe(ids.length);
          rounds++;
        }
        return rounds;
      };

      const livePromise = live();
      const freshPromises = [fresh(0), fresh(1)];
      try {
        await Promise.all(tokens.map((t, n) => pusher(t, n)));
      } finally {
        pushing = false;
      }
      await livePromise;
      const freshRounds = await Promise.all(freshPromises);

      const total = PUSHERS * BATCHES * PER_BATCH;
      expect(created.size).toBe(total);
      expect(results).toHaveLength(total);
      expect(results.every((r) => r.status === 'applied' && r.version === 1)).toBe(true);
      expect(new Set(results.map((r) => r.serverSeq)).size).toBe(total);

      for (const start of [0, 1]) {
        const changes = await pullAll(start, headToken);
        expect(changes).toHaveLength(total);
        expect(new Set(changes.map((c) => c.id))).toEqual(created);
      }
      expect([...created].filter((id) => !liveSeen.has(id))).toEqual([]);
      expect([...liveSeen.values()].every((n) => n === 1)).toBe(true);
      expect(livePages).toBeGreaterThan(1);
      expect(freshRounds.every((n) => n >= 1)).toBe(true);
    },
    600_000,
  );

  it('a restore’s new epoch is seen by both processes at once: an old cursor is answered reset by each', async () => {
    const [one, two] = procs.map((p) => p.base) as [string, string];
    const { cursor } = await pullPage(one, headToken, undefined, 1);
    // Both processes have answered with the current epoch before it changes.
    expect((await pullPage(two, headToken, cursor, 1)).reset).toBe(false);
    await db.query(`update server_meta set value = $1 where key = 'epoch'`, [uuid()]);
    expect((await pullPage(one, headToken, cursor, 1)).reset).toBe(true);
    expect((await pullPage(two, headToken, cursor, 1)).reset).toBe(true);
  });

  const MEMBER_1 = `user_id in (select id from users where name = 'Tổ viên 1')`;

  it('last-seen is decided by the database: written once a minute between both processes, whichever the device reaches', async () => {
    const [one, two] = procs.map((p) => p.base) as [string, string];
    const token = tokens[1]!;
    const row = async () =>
      (await db.query<{ xmin: string; fresh: boolean }>(`select xmin::text, last_seen_at > now() - interval '1 minute' as fresh from devices where ${MEMBER_1}`))[0]!;
    await db.query(`update devices set last_seen_at = now() - interval '2 minutes' where ${MEMBER_1}`);
    // Each process looks at the row when it checks the token, at most TOKEN_CACHE_SECONDS apart.
    await pastTokenCache();
    expect((await call(one, 'GET', '/api/team', token)).status).toBe(200);
    const written = await row();
    expect(written.fresh).toBe(true);
    // The other process does not write it again within the minute.
    expect((await call(two, 'GET', '/api/team', token)).status).toBe(200);
    expect((await row()).xmin).toBe(written.xmin);
    // And the first one writes it again as soon as the row says it is due, whatever it wrote before,
    // at its next look at the row (it keeps a good token TOKEN_CACHE_SECONDS).
    await db.query(`update devices set last_seen_at = now() - interval '2 minutes' where ${MEMBER_1}`);
    await pastTokenCache();
    expect((await call(one, 'GET', '/api/team', token)).status).toBe(200);
    expect((await row()).fresh).toBe(true);
  });

  it('a device revoked through one process is refused there at once, and by the other once TOKEN_CACHE_SECONDS have passed', async () => {
    const [one, two] = procs.map((p) => p.base) as [string, string];
    const invite = await call<{ code: string }>(one, 'POST', '/api/invites', headToken, { role: 'member', maxUses: 1, ttlHours: 1 });
    const m = await call<{ token: string }>(two, 'POST', '/api/auth/enroll', undefined, { code: invite.json.code, name: 'Tổ viên mất máy', device: 'Máy mất' });
    expect(m.status).toBe(201);
    const token = m.json.token;
    // Both processes have just checked the token.
    for (const base of [one, two]) expect((await call(base, 'GET', '/api/team', token)).status).toBe(200);
    const team = await call<{ devices: { id: string; label: string }[] }>(one, 'GET', '/api/team', headToken);
    const device = team.json.devices.find((d) => d.label === 'Máy mất')!;
    expect((await call(one, 'POST', `/api/devices/${device.id}/revoke`, headToken, {})).status).toBe(200);
    expect((await call<{ error: { code: string } }>(one, 'GET', '/api/team', token)).json.error.code).toBe('DEVICE_REVOKED');
    await pastTokenCache();
    for (const base of [one, two]) {
      const r = await call<{ error: { code: string } }>(base, 'GET', '/api/sync/pull', token);
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('DEVICE_REVOKED');
    }
  });
});

// @vitest-environment node
/**
 * Concurrency (sync spec, "GET /api/sync/pull"): a record committed later never gets a smaller
 * serverSeq than one a pull has already passed; a row is never skipped by a cursor. Eight users
 * push at once while pullers page with their cursors.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestTeam } from './testing';
import { Device, householdFields, neighborhoodFields, NO_RATE_LIMIT, SETUP_TIMEOUT, pullAll, pullPage, type PushResult } from './test-fixtures';

const PUSHERS = 8;
const BATCHES = 10;
const PER_BATCH = 20;

let server: TestServer;
let team: TestTeam;
let tokens: string[];

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team('Tổ Đông Người');
  tokens = [team.headToken];
  for (let i = 1; i < PUSHERS; i++) tokens.push((await team.member(`Tổ viên ${i}`)).token);
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

it(`${PUSHERS} concurrent pushers × ${BATCHES} batches × ${PER_BATCH} creates, with pullers paging meanwhile: nothing skipped, nothing twice`, async () => {
  const created = new Set<string>();
  const results: PushResult[] = [];
  let pushing = true;

  const pusher = async (token: string, n: number) => {
    const d = new Device(server, token);
    for (let b = 0; b < BATCHES; b++) {
      const muts = Array.from({ length: PER_BATCH }, (_, i) =>
        (i + b + n) % 2 ? d.create('neighborhood', neighborhoodFields({ name: `P${n} B${b} #${i}` })) : d.create('household', householdFields({ headName: `P${n} B${b} #${i}` })),
      );
      for (const m of muts) created.add(m.id);
      const r = await d.push(muts);
      results.push(...r);
      // let other requests in between batches
      await new Promise((res) => setImmediate(res));
    }
  };

  // a live puller keeps its cursor through the whole run
  const liveSeen = new Map<string, number>();
  let livePages = 0;
  const live = async () => {
    let cursor: string | undefined;
    for (;;) {
      const stillPushing = pushing;
      const page = await pullPage(server, team.headToken, { cursor, limit: 97 });
      livePages++;
      expect(page.reset).toBe(false);
      const ids = page.changes.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length); // at most once per response
      for (const c of page.changes) liveSeen.set(c.id, (liveSeen.get(c.id) ?? 0) + 1);
      cursor = page.cursor;
      if (!stillPushing && !page.hasMore) break;
      // yield to the event loop (in-process requests and PGlite would otherwise run on microtasks only)
      await new Promise((res) => setTimeout(res, page.hasMore ? 0 : 5));
    }
  };

  // other pullers repeatedly page from the beginning
  const fresh = async () => {
    let rounds = 0;
    while (pushing) {
      const { changes } = await pullAll(server, tokens[rounds % tokens.length]!, undefined, 250);
      const ids = changes.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length); // one pass from the start lists each record once
      rounds++;
      await new Promise((res) => setTimeout(res, 300));
    }
    return rounds;
  };

  const livePromise = live();
  const freshPromises = [fresh(), fresh()];
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
  // change numbers are unique within the team
  expect(new Set(results.map((r) => r.serverSeq)).size).toBe(total);

  // a full pull sees every record exactly once
  const { changes } = await pullAll(server, team.headToken, undefined, 1000);
  expect(changes).toHaveLength(total);
  expect(new Set(changes.map((c) => c.id))).toEqual(created);

  // the live puller saw every record (creates only, so exactly once each)
  const missed = [...created].filter((id) => !liveSeen.has(id));
  expect(missed).toEqual([]);
  expect([...liveSeen.values()].every((n) => n === 1)).toBe(true);
  expect(livePages).toBeGreaterThan(1);
  expect(freshRounds.every((n) => n >= 1)).toBe(true);
}, 180_000);

// @vitest-environment node
/**
 * What a sync request costs the database (issue #12, load goals: at 200 devices the machine is
 * CPU-bound, so each request must cost less): how many times a pull goes to the database, and
 * which hot statements each connection keeps parsed and planned. Runs only with TEST_DATABASE_URL:
 * PGlite has one in-process session, where neither round trips nor prepared statements apply.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PG_URL, sharedSchema, type SharedSchema } from './testing-pg';
import type { TestServer, TestTeam } from './testing';
import { Device, householdFields, NO_RATE_LIMIT, pullPage, SETUP_TIMEOUT } from './test-fixtures';

let schema: SharedSchema;
let server: TestServer;
let team: TestTeam;
let head: Device;

beforeAll(async () => {
  if (!PG_URL) return;
  schema = await sharedSchema(PG_URL);
  // One connection: every statement below runs on the session whose prepared statements are read.
  server = await schema.server({ poolSize: 1, readReserve: 0 }, NO_RATE_LIMIT);
  team = await server.team('Tổ Chi Phí');
  head = new Device(server, team.headToken);
  for (let i = 0; i < 3; i++) await head.created('household', householdFields({ headName: `Hộ ${i}` }));
}, SETUP_TIMEOUT);
afterAll(() => schema?.drop(), SETUP_TIMEOUT);

describe.skipIf(!PG_URL)('what a sync request costs PostgreSQL', () => {
  it('a pull following its cursor goes to the database once, the page with the epoch; twice when its token is looked up too', async () => {
    const { cursor } = await pullPage(server, team.headToken, { limit: 1 });
    const sql: string[] = [];
    const query = server.db.query.bind(server.db);
    vi.spyOn(server.db, 'query').mockImplementation((text, params, prepare) => {
      sql.push(text);
      return query(text, params, prepare);
    });
    const transaction = vi.spyOn(server.db, 'transaction');
    // The token was checked a moment ago (TOKEN_CACHE_SECONDS).
    const page = await pullPage(server, team.headToken, { cursor, limit: 1 });
    expect(page.changes).toHaveLength(1);
    expect(page.reset).toBe(false);
    expect(sql).toHaveLength(1);
    server.app.ctx.tokens.clear();
    await pullPage(server, team.headToken, { cursor, limit: 1 });
    expect(sql).toHaveLength(3);
    expect(sql.some((s) => /^\s*select value from server_meta/.test(s))).toBe(false);
    expect(transaction).not.toHaveBeenCalled();
  });

  it('the token check and the page are prepared once per connection, not parsed and planned per request', async () => {
    await pullPage(server, team.headToken, { limit: 1 });
    const names = (await server.db.query<{ name: string }>('select name from pg_prepared_statements')).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['authenticate', 'pull_page', 'pull_total']));
  });
});

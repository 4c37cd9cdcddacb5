// @vitest-environment node
/**
 * `npm run admin -- backup|restore` (issue 15): a round trip gives back every table as it was at
 * the backup, under a new epoch, without giving back access taken away since.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queryable } from '../db/adapter';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { backup, restore } from './backup';
import { consent, Device, expectError, householdFields, memberFields, NO_RATE_LIMIT, pullAll, SETUP_TIMEOUT, visitFields } from '../test-fixtures';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  dir = await mkdtemp(join(tmpdir(), 'cds-backup-'));
}, SETUP_TIMEOUT);
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
}, SETUP_TIMEOUT);
afterEach(() => server.app.ctx.epoch.forget());

/** Every row of every table but the migrations, as text, sorted: what a restore must give back. */
async function tableContents(db: Queryable, skip: (table: string) => boolean = () => false): Promise<Record<string, string[]>> {
  const tables = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind = 'r' and c.relname <> 'schema_migrations' order by 1`,
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    if (skip(name)) continue;
    out[name] = (await db.query<{ j: string }>(`select to_jsonb(t)::text as j from "${name}" t`)).map((r) => r.j).sort();
  }
  return out;
}

const epochOf = async () => (await server.db.query<{ value: string }>(`select value from server_meta where key = 'epoch'`))[0]!.value;
const deviceIdOf = async (userId: string) => (await server.db.query<{ id: string }>('select id from devices where user_id = $1', [userId]))[0]!.id;

async function seed(team: TestTeam): Promise<Device> {
  const device = new Device(server, team.headToken);
  const h = await device.created('household', householdFields());
  const m = await device.created('member', memberFields(h));
  await device.created('visit', visitFields(h, { memberIds: [m] }));
  await device.one(device.patch('household', h, 1, { phone: '0987654321' }));
  // A conflict answer is kept too (mutations.result).
  await device.one(device.patch('household', h, 1, { phone: '0911111111' }));
  return device;
}

describe('backup and restore', () => {
  it('a round trip gives back every table as it was, under a new epoch; later rows are gone', async () => {
    const team = await server.team();
    const device = await seed(team);
    const before = await tableContents(server.db);
    const epochBefore = await epochOf();
    const { cursor } = await pullAll(server, team.headToken);
    const file = join(dir, 'round-trip.cds');

    const summary = await backup(server.db, file);
    expect(summary.rows.records).toBe(before.records!.length);
    expect(summary.rows.audit_log).toBe(before.audit_log!.length);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);

    // After the backup: another record, another team, another audit row.
    const later = await device.created('household', householdFields({ headName: 'Hộ sau sao lưu' }));
    await server.team('Tổ mới');

    const restored = await restore(server.db, file);
    server.app.ctx.epoch.forget();
    expect(restored.epoch).not.toBe(epochBefore);
    expect(await epochOf()).toBe(restored.epoch);
    expect(await tableContents(server.db, (t) => t === 'server_meta')).toEqual(
      Object.fromEntries(Object.entries(before).filter(([t]) => t !== 'server_meta')),
    );
    expect((await server.db.query('select 1 from records where id = $1', [later])).length).toBe(0);

    // A device's old cursor is answered reset; the team's records come back from the beginning.
    const page = (await server.inject({ method: 'GET', url: `/api/sync/pull?cursor=${cursor}`, token: team.headToken })).json() as { reset: boolean; changes: unknown[] };
    expect(page.reset).toBe(true);
    expect(page.changes).toHaveLength(3);

    // The database goes on: identities continue after the restored rows, triggers (reports) are back on.
    const next = await device.created('household', householdFields({ headName: 'Hộ sau khôi phục', consent: consent({ purposes: ['support', 'reporting'] }) }));
    const ids = await server.db.query<{ id: string | number }>(`select id from audit_log order by id`);
    expect(new Set(ids.map((r) => String(r.id))).size).toBe(ids.length);
    expect((await server.db.query('select 1 from report_households where id = $1', [next])).length).toBe(1);
  });

  it('a device revoked or a token renewed after the backup stays so after the restore', async () => {
    const team = await server.team();
    const kept = await team.member('Lan');
    const removed = await team.member('Bình');
    const file = join(dir, 'access.cds');
    await backup(server.db, file);

    const renew = await server.inject({ method: 'POST', url: '/api/auth/renew', token: kept.token, payload: {} });
    const { token } = renew.json() as { token: string };
    expect((await server.inject({ method: 'GET', url: '/api/team', token })).statusCode).toBe(200);
    const revoke = await server.inject({ method: 'POST', url: `/api/devices/${await deviceIdOf(removed.userId)}/revoke`, token: team.headToken, payload: {} });
    expect(revoke.statusCode).toBe(200);

    await restore(server.db, file);
    expect((await server.inject({ method: 'GET', url: '/api/team', token })).statusCode).toBe(200);
    expectError(await server.inject({ method: 'GET', url: '/api/team', token: removed.token }), 401, 'DEVICE_REVOKED');
  });

  it('a file cut short, a file that is not a backup, or one of another schema is refused, and nothing changes', async () => {
    const team = await server.team();
    await seed(team);
    const file = join(dir, 'whole.cds');
    await backup(server.db, file);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    await new Device(server, team.headToken).created('household', householdFields({ headName: 'Hộ còn nguyên' }));
    const before = await tableContents(server.db);

    const cut = join(dir, 'cut.cds');
    await writeFile(cut, lines.slice(0, -2).join('\n') + '\n');
    await expect(restore(server.db, cut)).rejects.toThrow(/incomplete/);

    const other = join(dir, 'other.json');
    await writeFile(other, '{"hello":"world"}\n');
    await expect(restore(server.db, other)).rejects.toThrow(/not a backup/);

    const header = JSON.parse(lines[0]!) as { migrations: string[] };
    const older = join(dir, 'older.cds');
    await writeFile(older, [JSON.stringify({ ...header, migrations: header.migrations.slice(0, -1) }), ...lines.slice(1)].join('\n') + '\n');
    await expect(restore(server.db, older)).rejects.toThrow(/another version of the app/);

    expect(await tableContents(server.db)).toEqual(before);
  });
});

// @vitest-environment node
/**
 * How often a push checks a created record against its schema: once, and a second time only when
 * the server derives a value that differs from the one sent (a household's address from its
 * parts), which may then be over its limit. Checking every create twice was a tenth of the
 * server's work on a push.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../testing';
import { householdFields, SETUP_TIMEOUT, visitFields } from '../test-fixtures';
import type { Caller } from './auth';
import type { PushBody } from '../../src/domain/wire';
import * as schemas from '../../src/domain/schemas';
import { push } from './push';

vi.mock('../../src/domain/schemas', async (actual) => {
  const real = await actual<typeof schemas>();
  return { ...real, validateCreate: vi.fn(real.validateCreate) };
});

const TEAM = '0a000000-0000-4000-8000-0000000000a1';
const COMMUNE = '0c000000-0000-4000-8000-0000000000c1';
const caller: Caller = { userId: randomUUID(), userName: 'U', role: 'head', teamId: TEAM, communeId: COMMUNE, deviceId: randomUUID(), tokenHash: '' };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await server.db.query('insert into communes (id, name) values ($1, $2)', [COMMUNE, 'Xã Kiểm Tra']);
  await server.db.query('insert into teams (id, commune_id, name) values ($1, $2, $3)', [TEAM, COMMUNE, 'Tổ Kiểm Tra']);
  await server.db.query('insert into team_counters (team_id) values ($1)', [TEAM]);
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

let seq = 0;
function creates(...records: { entity: string; fields: Record<string, unknown> }[]): PushBody {
  return { protocol: 1, deviceId: caller.deviceId, mutations: records.map((r) => ({ mid: randomUUID(), seq: ++seq, op: 'create', id: randomUUID(), ...r })) };
}

describe('a create is checked against its schema', () => {
  it('once when nothing derived differs from what was sent', async () => {
    const household = await push(server.db, caller, creates({ entity: 'household', fields: householdFields() }));
    const visit = await push(server.db, caller, creates({ entity: 'visit', fields: visitFields(randomUUID()) }));
    expect([...household, ...visit].map((r) => r.status)).toEqual(['applied', 'applied']);
    const validateCreate = vi.mocked(schemas.validateCreate);
    validateCreate.mockClear();
    const more = await push(server.db, caller, creates({ entity: 'household', fields: householdFields({ notes: 'ghi chú' }) }, { entity: 'visit', fields: visitFields(randomUUID()) }));
    expect(more.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(validateCreate).toHaveBeenCalledTimes(2);
  });

  it('again when the server derives another value (the address from its parts), which is then what is checked', async () => {
    const validateCreate = vi.mocked(schemas.validateCreate);
    validateCreate.mockClear();
    const [ok] = await push(server.db, caller, creates({ entity: 'household', fields: householdFields({ houseNumber: '7A', lane: 'Xóm Đình', address: 'sai' }) }));
    expect(ok).toMatchObject({ status: 'applied' });
    expect(validateCreate).toHaveBeenCalledTimes(2);
    expect(validateCreate.mock.calls[1]![1]).toMatchObject({ address: '7A, Xóm Đình' });
  });
});

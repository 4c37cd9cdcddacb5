import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDB } from './database';
import { allSessions, createSession, deleteSession, getSession, updateSession } from './sessions';
import { ValidationError } from './errors';
import type { SessionFields } from '../domain/schemas';
import { isUuid } from '../domain/ids';

let database: AppDB;

beforeEach(() => {
  database = new AppDB('t-' + crypto.randomUUID());
});

afterEach(async () => {
  await database.delete();
});

const FACILITATOR = '0194b2a0-7c1e-7e3b-9c4d-5e6f70818297';

function session(over: Partial<SessionFields> = {}): SessionFields {
  return { date: '2026-03-07', place: 'Nhà văn hóa thôn Đông', topics: ['vneid', 'scamAwareness'], attendees: 38, ...over };
}

const outbox = () => database.outbox.orderBy('seq').toArray();

describe('createSession', () => {
  it('stores the session and queues one create with the validated fields', async () => {
    const fields = session({
      facilitatorIds: [FACILITATOR],
      results: { vneidInstalled: 14, vneidLevel2: 6, scamTraining: 38 },
      notes: 'Cán bộ công an xã hỗ trợ định danh mức 2.',
    });
    const s = await createSession(fields, database);
    expect(isUuid(s.id)).toBe(true);
    expect(await database.sessions.get(s.id)).toEqual({
      ...fields,
      id: s.id,
      version: 0,
      deleted: 0,
      syncState: 'pending',
      localUpdatedAt: s.localUpdatedAt,
    });
    const entries = await outbox();
    expect(entries).toEqual([
      {
        key: 1,
        mid: entries[0]!.mid,
        seq: 1,
        entity: 'session',
        op: 'create',
        id: s.id,
        baseVersion: null,
        fields,
        clientTs: entries[0]!.clientTs,
        state: 'pending',
      },
    ]);
    expect(isUuid(entries[0]!.mid)).toBe(true);
  });

  it('numbers successive writes 1, 2, 3', async () => {
    const a = await createSession(session(), database);
    const b = await createSession(session({ date: '2026-03-14', place: 'Trường tiểu học Kim Đồng' }), database);
    await updateSession(a.id, { attendees: 40 }, database);
    expect((await outbox()).map((e) => [e.seq, e.op, e.id])).toEqual([
      [1, 'create', a.id],
      [2, 'create', b.id],
      [3, 'patch', a.id],
    ]);
  });

  it('rejects invalid fields and writes nothing', async () => {
    const err = await createSession(
      session({ attendees: 10001, topics: ['vneid', 'vneid'], results: { vneidInstalled: -2 }, place: '   ' }),
      database,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual({
      attendees: 'validation.outOfRange',
      topics: 'validation.invalid',
      'results.vneidInstalled': 'validation.outOfRange',
      place: 'validation.required',
    });
    expect(await database.sessions.count()).toBe(0);
    expect(await database.outbox.count()).toBe(0);
  });

});

describe('updateSession', () => {
  it('queues only changed fields, comparing results deeply, with baseVersion = row.version', async () => {
    const s = await createSession(session({ results: { vneidInstalled: 10 } }), database);
    await database.sessions.update(s.id, { version: 2 });
    await updateSession(s.id, { results: { vneidInstalled: 10 }, topics: ['vneid', 'scamAwareness'], attendees: 41 }, database);
    const [, patch] = await outbox();
    expect(patch).toMatchObject({ seq: 2, entity: 'session', op: 'patch', id: s.id, baseVersion: 2, fields: { attendees: 41 } });
    expect(Object.keys(patch!.fields!)).toEqual(['attendees']);
    await updateSession(s.id, { results: { vneidInstalled: 10, feesPaidOnline: 3 } }, database);
    expect((await outbox())[2]?.fields).toEqual({ results: { vneidInstalled: 10, feesPaidOnline: 3 } });
  });

  it('rejects clearing a required field', async () => {
    const s = await createSession(session(), database);
    await expect(updateSession(s.id, { place: '' }, database)).rejects.toMatchObject({ errors: { place: 'validation.required' } });
    expect((await database.sessions.get(s.id))?.place).toBe('Nhà văn hóa thôn Đông');
  });

  it('attendees 0 is a value, not a clear', async () => {
    const s = await createSession(session(), database);
    await updateSession(s.id, { attendees: 0 }, database);
    expect((await database.sessions.get(s.id))?.attendees).toBe(0);
    expect((await outbox())[1]?.fields).toEqual({ attendees: 0 });
  });
});

describe('allSessions / deleteSession', () => {
  it('lists live sessions newest first', async () => {
    await createSession(session({ date: '2026-02-14' }), database);
    const gone = await createSession(session({ date: '2026-03-21' }), database);
    await createSession(session({ date: '2026-03-07' }), database);
    await createSession(session({ date: '2025-12-20' }), database);
    await deleteSession(gone.id, database);
    expect((await allSessions(database)).map((s) => s.date)).toEqual(['2026-03-07', '2026-02-14', '2025-12-20']);
  });

  it('delete tombstones and queues a delete without fields, once', async () => {
    const s = await createSession(session(), database);
    await database.sessions.update(s.id, { version: 6 });
    await deleteSession(s.id, database);
    await deleteSession(s.id, database);
    expect(await getSession(s.id, database)).toBeUndefined();
    expect((await database.sessions.get(s.id))?.deleted).toBe(1);
    const entries = await outbox();
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({ entity: 'session', op: 'delete', id: s.id, baseVersion: 6 });
    expect(entries[1]).not.toHaveProperty('fields');
  });
});

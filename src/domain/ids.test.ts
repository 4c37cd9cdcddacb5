import { describe, expect, it, vi } from 'vitest';
import { isUuid, uuidv7, UUID_RE } from './ids';

describe('uuidv7', () => {
  it('is a lowercase 8-4-4-4-12 hex UUID', () => {
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(id).toHaveLength(36);
  });

  it('has version nibble 7 and the RFC 9562 variant (10xx)', () => {
    for (let i = 0; i < 200; i++) {
      const id = uuidv7();
      expect(id[14]).toBe('7');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
  });

  it('encodes the millisecond timestamp in the first 48 bits', () => {
    const now = Date.UTC(2026, 0, 15, 8, 30, 0, 123);
    const id = uuidv7(now);
    const prefix = id.slice(0, 8) + id.slice(9, 13);
    expect(parseInt(prefix, 16)).toBe(now);
    expect(uuidv7(0).slice(0, 13)).toBe('00000000-0000');
    expect(uuidv7(0xffffffffffff).slice(0, 13)).toBe('ffffffff-ffff');
  });

  it('sorts by creation time when the clock moves forward', () => {
    const t = Date.UTC(2026, 2, 1);
    const ids = [uuidv7(t + 2), uuidv7(t), uuidv7(t + 1000), uuidv7(t + 1)];
    expect([...ids].sort()).toEqual([ids[1], ids[3], ids[0], ids[2]]);
    const a = uuidv7();
    const b = uuidv7(Date.now() + 5);
    expect(a < b).toBe(true);
  });

  it('carries the clock’s time even after ids were made at a later time', () => {
    const later = Date.UTC(2026, 11, 6);
    uuidv7(later);
    uuidv7();
    const earlier = Date.UTC(2026, 2, 2);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(earlier);
    const id = uuidv7();
    vi.useRealTimers();
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(earlier);
  });

  it('is random after the timestamp: ids of the same millisecond differ', () => {
    const t = Date.UTC(2026, 2, 1);
    const set = new Set(Array.from({ length: 1000 }, () => uuidv7(t)));
    expect(set.size).toBe(1000);
  });
});

describe('isUuid', () => {
  it('accepts UUIDs of any version, in either case', () => {
    expect(isUuid(uuidv7())).toBe(true);
    expect(isUuid(crypto.randomUUID())).toBe(true);
    expect(isUuid('DBFB0C52-3984-40E5-95D4-6459FE965960')).toBe(true);
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(UUID_RE.test('dbfb0c52-3984-40e5-95d4-6459fe965960')).toBe(true);
  });

  it('rejects anything else', () => {
    expect(isUuid('')).toBe(false);
    expect(isUuid('dbfb0c52398440e595d46459fe965960')).toBe(false);
    expect(isUuid('{dbfb0c52-3984-40e5-95d4-6459fe965960}')).toBe(false);
    expect(isUuid('dbfb0c52-3984-40e5-95d4-6459fe96596')).toBe(false);
    expect(isUuid('dbfb0c52-3984-40e5-95d4-6459fe9659600')).toBe(false);
    expect(isUuid('gbfb0c52-3984-40e5-95d4-6459fe965960')).toBe(false);
    expect(isUuid(' dbfb0c52-3984-40e5-95d4-6459fe965960')).toBe(false);
    expect(isUuid('Nguyễn Văn An')).toBe(false);
  });
});

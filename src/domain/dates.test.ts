import { describe, expect, it } from 'vitest';
import { addDays, isCalendarDate, isIsoDateTime, localToday, toLocalDate } from './dates';

describe('isCalendarDate', () => {
  it('accepts real calendar dates', () => {
    expect(isCalendarDate('2026-01-01')).toBe(true);
    expect(isCalendarDate('2026-12-31')).toBe(true);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2026-04-30')).toBe(true);
  });

  it('rejects days that do not exist', () => {
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-01-32')).toBe(false);
    expect(isCalendarDate('2026-01-00')).toBe(false);
  });

  it('rejects months outside 1..12', () => {
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-00-10')).toBe(false);
  });

  it('rejects anything not exactly YYYY-MM-DD', () => {
    expect(isCalendarDate('2026-1-1')).toBe(false);
    expect(isCalendarDate('2026-01-1')).toBe(false);
    expect(isCalendarDate('26-01-01')).toBe(false);
    expect(isCalendarDate('2026/01/01')).toBe(false);
    expect(isCalendarDate('01-01-2026')).toBe(false);
    expect(isCalendarDate('2026-01-01T00:00:00Z')).toBe(false);
    expect(isCalendarDate(' 2026-01-01')).toBe(false);
    expect(isCalendarDate('')).toBe(false);
  });
});

describe('addDays', () => {
  it('adds within a month', () => {
    expect(addDays('2026-03-10', 5)).toBe('2026-03-15');
    expect(addDays('2026-03-10', 0)).toBe('2026-03-10');
  });

  it('crosses month ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-04-30', 7)).toBe('2026-05-07');
  });

  it('crosses year ends, both ways', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-12-25', 14)).toBe('2026-01-08');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('adds long spans', () => {
    expect(addDays('2026-01-01', 365)).toBe('2027-01-01');
    expect(addDays('2024-01-01', 366)).toBe('2025-01-01');
  });
});

describe('toLocalDate / localToday', () => {
  it('formats the local calendar day with zero padding', () => {
    expect(toLocalDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(toLocalDate(new Date(2026, 10, 20, 0, 0))).toBe('2026-11-20');
    expect(localToday(new Date(2026, 6, 9, 12))).toBe('2026-07-09');
  });
});

describe('isIsoDateTime', () => {
  it('accepts ISO-8601 datetimes with an offset', () => {
    expect(isIsoDateTime('2026-01-15T08:30:00Z')).toBe(true);
    expect(isIsoDateTime('2026-01-15T08:30:00.123Z')).toBe(true);
    expect(isIsoDateTime('2026-01-15T08:30Z')).toBe(true);
    expect(isIsoDateTime('2026-01-15T08:30:00+07:00')).toBe(true);
    expect(isIsoDateTime(new Date(Date.UTC(2026, 5, 1, 2, 3, 4)).toISOString())).toBe(true);
  });

  it('rejects dates without time, without an offset, or malformed', () => {
    expect(isIsoDateTime('2026-01-15')).toBe(false);
    expect(isIsoDateTime('2026-01-15T08:30:00')).toBe(false);
    expect(isIsoDateTime('2026-01-15 08:30:00Z')).toBe(false);
    expect(isIsoDateTime('15/01/2026 08:30')).toBe(false);
    expect(isIsoDateTime('2026-13-01T00:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-01-01T25:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-01-01T10:60:00Z')).toBe(false);
    expect(isIsoDateTime('')).toBe(false);
  });

  // BUG: V8's Date.parse rolls 30 February over to 2 March instead of returning NaN, so a
  // calendar-invalid datetime passes (dates.ts:35-37). Fix: also require
  // isCalendarDate(value.slice(0, 10)).
  it('rejects datetimes on days that do not exist (30 February, 31 April)', () => {
    expect(isIsoDateTime('2026-02-30T10:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-04-31T00:00:00+07:00')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { levelAfterTicks, levelFromTicks, vneidAgeFit, withLevelDate } from './vneidLevel';

describe('levelFromTicks', () => {
  it('is none until an activation step is done', () => {
    expect(levelFromTicks([])).toEqual({ level: 0 });
    expect(levelFromTicks([{ stepKey: 'level1.scanCard', status: 'done', doneOn: '2026-11-01' }])).toEqual({ level: 0 });
    expect(levelFromTicks([{ stepKey: 'level1.activated', status: 'pending' }])).toEqual({ level: 0 });
  });

  it('is level 1 once level 1 is activated, with its day', () => {
    expect(levelFromTicks([{ stepKey: 'level1.activated', status: 'done', doneOn: '2026-11-02' }])).toEqual({ level: 1, since: '2026-11-02' });
  });

  it('is level 2 once level 2 is activated, even without level 1', () => {
    expect(
      levelFromTicks([
        { stepKey: 'level1.activated', status: 'done', doneOn: '2026-10-01' },
        { stepKey: 'level2.activated', status: 'done', doneOn: '2026-11-05' },
      ]),
    ).toEqual({ level: 2, since: '2026-11-05' });
    expect(levelFromTicks([{ stepKey: 'level2.activated', status: 'done', doneOn: '2026-11-05' }])).toEqual({ level: 2, since: '2026-11-05' });
  });

  it('ignores a malformed day', () => {
    expect(levelFromTicks([{ stepKey: 'level2.activated', status: 'done', doneOn: '2026-02-30' }])).toEqual({ level: 2 });
  });
});

describe('levelAfterTicks: ticks only raise a level', () => {
  const today = '2026-12-06';
  const l1 = { stepKey: 'level1.activated', status: 'done', doneOn: '2026-12-01' } as const;

  it('raises none to level 1 with the day of the tick', () => {
    expect(levelAfterTicks({ level: 0 }, [l1], today)).toEqual({ level: 1, since: '2026-12-01' });
    expect(levelAfterTicks({}, [{ ...l1, doneOn: undefined }], today)).toEqual({ level: 1, since: today });
  });

  it('never lowers a level 2 set by hand, whatever is ticked or unticked', () => {
    const hand = { level: 2, since: '2025-01-01' } as const;
    expect(levelAfterTicks(hand, [l1], today)).toBeUndefined();
    expect(levelAfterTicks(hand, [{ ...l1, status: 'pending' }], today)).toBeUndefined();
    expect(levelAfterTicks(hand, [], today)).toBeUndefined();
  });

  it('unticking "level 1 activated" leaves level 1 in place', () => {
    expect(levelAfterTicks({ level: 1, since: '2026-12-01' }, [{ ...l1, status: 'pending' }], today)).toBeUndefined();
  });

  it('raises level 1 to 2 when level 2 is ticked', () => {
    expect(levelAfterTicks({ level: 1, since: '2026-01-01' }, [l1, { stepKey: 'level2.activated', status: 'done', doneOn: '2026-12-05' }], today)).toEqual({ level: 2, since: '2026-12-05' });
  });
});

describe('withLevelDate: the date of a level set on a form', () => {
  const today = '2026-12-06';

  it('keeps the date typed on the form, so it can be corrected', () => {
    expect(withLevelDate({ vneidLevel: 2, vneidLevelSince: '2025-03-04' }, { level: 2, since: '2026-01-01' }, today)).toEqual({ vneidLevel: 2, vneidLevelSince: '2025-03-04' });
  });

  it('keeps the recorded date when the level did not change, and dates a new level today', () => {
    expect(withLevelDate({ vneidLevel: 1 }, { level: 1, since: '2026-01-01' }, today)).toEqual({ vneidLevel: 1, vneidLevelSince: '2026-01-01' });
    expect(withLevelDate({ vneidLevel: 2 }, { level: 1, since: '2026-01-01' }, today)).toEqual({ vneidLevel: 2, vneidLevelSince: today });
    expect(withLevelDate({ vneidLevel: 1 }, undefined, today)).toEqual({ vneidLevel: 1, vneidLevelSince: today });
  });

  it('lowers a level deliberately, and "none" has no date', () => {
    expect(withLevelDate({ vneidLevel: 1 }, { level: 2, since: '2026-01-01' }, today)).toEqual({ vneidLevel: 1, vneidLevelSince: today });
    expect(withLevelDate({ vneidLevel: 0, vneidLevelSince: '2026-01-01' }, { level: 2, since: '2026-01-01' }, today)).toEqual({ vneidLevel: 0 });
    expect(withLevelDate({ vneidLevel: undefined }, undefined, today)).toEqual({});
  });

  it('does not carry the old level\'s date, still on the form, over to a new level', () => {
    expect(withLevelDate({ vneidLevel: 2, vneidLevelSince: '2026-01-01' }, { level: 1, since: '2026-01-01' }, today)).toEqual({ vneidLevel: 2, vneidLevelSince: today });
  });

  it('ignores a date in the future or not a date', () => {
    expect(withLevelDate({ vneidLevel: 1, vneidLevelSince: '2027-01-01' }, undefined, today)).toEqual({ vneidLevel: 1, vneidLevelSince: today });
    expect(withLevelDate({ vneidLevel: 1, vneidLevelSince: '2026-02-30' }, undefined, today)).toEqual({ vneidLevel: 1, vneidLevelSince: today });
  });
});

describe('vneidAgeFit: the age rule of reference §1.1', () => {
  const today = '2026-12-06';

  it('warns when a child under 6 is recorded at level 2', () => {
    expect(vneidAgeFit(2022, 2, today)).toBe('tooYoung');
    expect(vneidAgeFit(2026, 2, today)).toBe('tooYoung');
  });

  it('asks to check the age when the birth year cannot tell whether the child turned 6', () => {
    expect(vneidAgeFit(2020, 2, today)).toBe('checkAge');
  });

  it('accepts level 1 at any age, and level 2 from 6 (when needed) and from 14', () => {
    expect(vneidAgeFit(2024, 1, today)).toBe('fits');
    expect(vneidAgeFit(2019, 2, today)).toBe('fits');
    expect(vneidAgeFit(2010, 2, today)).toBe('fits');
    expect(vneidAgeFit(1950, 2, today)).toBe('fits');
    expect(vneidAgeFit(2024, undefined, today)).toBe('fits');
  });
});

/**
 * The one rule for a member's VNeID level and its date (vneidLevelSince), used by the checklist
 * repository and by every form that sets a level:
 * - ticking a checklist step only ever raises the level, to what the ticks prove;
 * - lowering a level is a deliberate edit on the member's form;
 * - the date is the day the level was reached: the tick's day, or the one typed on the form.
 * And the age rule of reference §1.1, so a level that does not fit a member's age is pointed out.
 */
import { isCalendarDate } from './dates';

export type VneidLevel = 0 | 1 | 2;

export interface LevelState {
  level?: VneidLevel;
  since?: string;
}

export interface TickState {
  stepKey: string;
  status: 'pending' | 'done';
  doneOn?: string;
}

/** The level the ticked activation steps prove, and the day of that tick. */
export function levelFromTicks(steps: readonly TickState[]): { level: VneidLevel; since?: string } {
  const done = (key: string) => steps.find((s) => s.stepKey === key && s.status === 'done');
  const l2 = done('level2.activated');
  if (l2) return { level: 2, since: l2.doneOn && isCalendarDate(l2.doneOn) ? l2.doneOn : undefined };
  const l1 = done('level1.activated');
  if (l1) return { level: 1, since: l1.doneOn && isCalendarDate(l1.doneOn) ? l1.doneOn : undefined };
  return { level: 0 };
}

/**
 * The member's level after a tick or an untick: raised when the ticks prove more than what is
 * recorded, otherwise undefined (nothing changes). Unticking never lowers a level, so a level 2
 * set by hand survives someone unticking "level 1 activated".
 */
export function levelAfterTicks(current: LevelState, steps: readonly TickState[], today: string): Required<LevelState> | undefined {
  const proven = levelFromTicks(steps);
  if (proven.level <= (current.level ?? 0)) return undefined;
  return { level: proven.level, since: proven.since ?? today };
}

/**
 * The fields a member form saves, with the level's date settled: the date typed on the form when
 * there is one; else the date already recorded when the level did not change; else today. No
 * level (or "none") has no date.
 */
export function withLevelDate<F extends { vneidLevel?: VneidLevel; vneidLevelSince?: string }>(
  fields: F,
  before: LevelState | undefined,
  today: string,
): F {
  const { vneidLevelSince: typed, ...rest } = fields;
  const level = fields.vneidLevel;
  if (!level) return rest as F;
  // A form opens with the recorded date filled in: when the level changes, that date is the old
  // level's, not one the person typed.
  const stale = before?.level !== level && typed === before?.since;
  if (typed && !stale && isCalendarDate(typed) && typed <= today) return { ...rest, vneidLevelSince: typed } as F;
  if (before?.level === level && before.since) return { ...rest, vneidLevelSince: before.since } as F;
  return { ...rest, vneidLevelSince: today } as F;
}

/**
 * How a member's age fits the level recorded (reference §1.1): from 14 with a chip card, levels 1
 * and 2; from 6 to under 14, levels 1 and 2 when needed; under 6, level 1 only. Only the birth year
 * is known, so someone born six years ago may or may not have turned 6: that is `checkAge`.
 */
export type AgeFit = 'fits' | 'tooYoung' | 'checkAge';

export function vneidAgeFit(birthYear: number, level: VneidLevel | undefined, today: string): AgeFit {
  if (level !== 2) return 'fits';
  const oldest = Number(today.slice(0, 4)) - birthYear;
  if (oldest < 6) return 'tooYoung';
  if (oldest === 6) return 'checkAge';
  return 'fits';
}

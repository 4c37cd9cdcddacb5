/** Report periods people pick: a week (Monday to Sunday), a month, a quarter or their own range. */
import { addDays } from './dates';
import { periodDays, type Period } from './indicators';

export const PERIOD_KINDS = ['week', 'month', 'quarter', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

const pad = (n: number): string => String(n).padStart(2, '0');

function monthEnd(year: number, month: number): string {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(last)}`;
}

function monthsPeriod(year: number, firstMonth: number, months: number): Period {
  const endMonth = firstMonth + months - 1;
  return { from: `${year}-${pad(firstMonth)}-01`, to: monthEnd(year, endMonth) };
}

/** The week, month or quarter that contains `date`. */
export function periodContaining(kind: Exclude<PeriodKind, 'custom'>, date: string): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  if (kind === 'month') return monthsPeriod(year, month, 1);
  if (kind === 'quarter') return monthsPeriod(year, Math.floor((month - 1) / 3) * 3 + 1, 3);
  const weekday = new Date(Date.UTC(year, month - 1, Number(date.slice(8, 10)))).getUTCDay();
  const from = addDays(date, -((weekday + 6) % 7));
  return { from, to: addDays(from, 6) };
}

/** The period just before: the previous week, month or quarter, or as many days before a custom range. */
export function previousPeriod(kind: PeriodKind, p: Period): Period {
  if (kind === 'custom') {
    const to = addDays(p.from, -1);
    return { from: addDays(to, 1 - periodDays(p)), to };
  }
  return periodContaining(kind, addDays(p.from, -1));
}

/** `count` periods ending with `p`, oldest first. */
export function trailingPeriods(kind: PeriodKind, p: Period, count: number): Period[] {
  const out = [p];
  while (out.length < count) out.unshift(previousPeriod(kind, out[0]!));
  return out;
}

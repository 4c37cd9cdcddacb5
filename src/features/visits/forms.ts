import { compact, formNumber, isBlank } from '../../domain/objects';
import type { VisitFields } from '../../domain/schemas';
import type { VisitRow } from '../../db/rows';
import { resultKeysFor, type Outcome, type ResultKey, type Topic } from '../../domain/vocab';
import { localToday } from '../../domain/dates';

export interface VisitForm {
  date: string;
  memberIds: string[];
  topics: Topic[];
  outcome: Outcome | '';
  durationMinutes: string | number;
  followUpDate: string;
  /** Counts for the results the topics call for; drafts saved before this field lack it. */
  results?: Partial<Record<ResultKey, string | number>>;
  notes: string;
}

export function emptyVisit(): VisitForm {
  return { date: localToday(), memberIds: [], topics: [], outcome: '', durationMinutes: '', followUpDate: '', results: {}, notes: '' };
}

export function toVisitFields(form: VisitForm, householdId: string): VisitFields {
  // Only the counts of the topics still chosen: a count typed before unticking its topic is dropped.
  const results: Partial<Record<ResultKey, number>> = {};
  for (const k of resultKeysFor(form.topics)) {
    const v = form.results?.[k];
    if (v !== undefined && !isBlank(v)) results[k] = formNumber(v);
  }
  return compact({
    householdId,
    date: form.date,
    topics: [...form.topics],
    outcome: form.outcome as Outcome,
    memberIds: [...form.memberIds],
    ...(isBlank(form.durationMinutes) ? {} : { durationMinutes: formNumber(form.durationMinutes) }),
    ...(form.followUpDate ? { followUpDate: form.followUpDate } : {}),
    ...(Object.keys(results).length ? { results } : {}),
    notes: form.notes.trim(),
  });
}

export function visitToForm(v: VisitRow): VisitForm {
  return {
    date: v.date,
    memberIds: [...(v.memberIds ?? [])],
    topics: [...v.topics],
    outcome: v.outcome,
    durationMinutes: v.durationMinutes === undefined ? '' : String(v.durationMinutes),
    followUpDate: v.followUpDate ?? '',
    results: Object.fromEntries(Object.entries(v.results ?? {}).map(([k, n]) => [k, String(n)])),
    notes: v.notes ?? '',
  };
}

/**
 * What the form asks beyond the schema: a visit is logged once it happened (the server accepts any
 * date, a phone's clock may be off), and a follow-up before the visit itself is a typing mistake.
 */
export function visitFormErrors(fields: VisitFields, today: string = localToday()): Record<string, string> {
  const errors: Record<string, string> = {};
  if (fields.date > today) errors.date = 'validation.visitInFuture';
  if (fields.followUpDate && fields.followUpDate < fields.date) errors.followUpDate = 'validation.followUpBeforeVisit';
  return errors;
}

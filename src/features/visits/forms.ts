import { compact, formNumber, isBlank } from '../../domain/objects';
import type { VisitFields } from '../../domain/schemas';
import type { VisitRow } from '../../db/rows';
import type { Outcome, Topic } from '../../domain/vocab';
import { localToday } from '../../domain/dates';

export interface VisitForm {
  date: string;
  memberIds: string[];
  topics: Topic[];
  outcome: Outcome | '';
  durationMinutes: string | number;
  followUpDate: string;
  notes: string;
}

export function emptyVisit(): VisitForm {
  return { date: localToday(), memberIds: [], topics: [], outcome: '', durationMinutes: '', followUpDate: '', notes: '' };
}

export function toVisitFields(form: VisitForm, householdId: string): VisitFields {
  return compact({
    householdId,
    date: form.date,
    topics: [...form.topics],
    outcome: form.outcome as Outcome,
    memberIds: [...form.memberIds],
    ...(isBlank(form.durationMinutes) ? {} : { durationMinutes: formNumber(form.durationMinutes) }),
    ...(form.followUpDate ? { followUpDate: form.followUpDate } : {}),
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

import { compact, formNumber, isBlank } from '../../domain/objects';
import type { FieldErrors, SessionFields } from '../../domain/schemas';
import type { SessionRow } from '../../db/rows';
import { RESULT_KEYS, type ResultKey, type Topic } from '../../domain/vocab';
import { localToday } from '../../domain/dates';

export interface SessionForm {
  date: string;
  place: string;
  neighborhoodId: string;
  facilitatorIds: string[];
  topics: Topic[];
  attendees: string | number;
  householdIds: string[];
  results: Record<ResultKey, string | number>;
  notes: string;
}

function emptyResults(): Record<ResultKey, string | number> {
  return Object.fromEntries(RESULT_KEYS.map((k) => [k, ''])) as Record<ResultKey, string | number>;
}

export function emptySession(): SessionForm {
  return {
    date: localToday(),
    place: '',
    neighborhoodId: '',
    facilitatorIds: [],
    topics: [],
    attendees: '',
    householdIds: [],
    results: emptyResults(),
    notes: '',
  };
}

/** Fewer than this many people is not a session. */
export const MIN_ATTENDEES = 1;

/** What the form asks beyond the schema, which also has to accept sessions recorded before. */
export function sessionFormErrors(fields: SessionFields): FieldErrors {
  if (Number.isInteger(fields.attendees) && fields.attendees < MIN_ATTENDEES) return { attendees: 'validation.atLeastOneAttendee' };
  return {};
}

/** The results larger than the number of people who came: likely a typing mistake, not forbidden. */
export function resultsOverAttendees(fields: Pick<SessionFields, 'attendees' | 'results'>): ResultKey[] {
  if (!Number.isInteger(fields.attendees) || fields.attendees < MIN_ATTENDEES) return [];
  return RESULT_KEYS.filter((k) => (fields.results?.[k] ?? 0) > fields.attendees);
}

export function toSessionFields(form: SessionForm): SessionFields {
  const results: Partial<Record<ResultKey, number>> = {};
  for (const k of RESULT_KEYS) if (!isBlank(form.results[k])) results[k] = formNumber(form.results[k]);
  return compact({
    date: form.date,
    place: form.place.trim(),
    topics: [...form.topics],
    attendees: formNumber(form.attendees),
    ...(form.neighborhoodId ? { neighborhoodId: form.neighborhoodId } : {}),
    facilitatorIds: [...form.facilitatorIds],
    householdIds: [...form.householdIds],
    results,
    notes: form.notes.trim(),
  });
}

export function sessionToForm(s: SessionRow): SessionForm {
  const results = emptyResults();
  for (const k of RESULT_KEYS) if (s.results?.[k] !== undefined) results[k] = String(s.results[k]);
  return {
    date: s.date,
    place: s.place,
    neighborhoodId: s.neighborhoodId ?? '',
    facilitatorIds: [...(s.facilitatorIds ?? [])],
    topics: [...s.topics],
    attendees: String(s.attendees),
    householdIds: [...(s.householdIds ?? [])],
    results,
    notes: s.notes ?? '',
  };
}

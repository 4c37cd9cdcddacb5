/**
 * Entity field schemas: the data dictionary of the sync spec, shared by the app and the server.
 * Messages are i18n keys under `validation.` so the UI can show them in the person's language.
 */
import * as z from 'zod/mini';
import { codePointLength } from './text';
import { isCalendarDate, isIsoDateTime } from './dates';
import { isUuid } from './ids';
import {
  CONSENT_PURPOSES,
  GENDERS,
  NEIGHBORHOOD_KINDS,
  OUTCOMES,
  RESULT_KEYS,
  TOPICS,
  type EntityName,
} from './vocab';

/**
 * The limits of the fields people type, in one place: the schemas below check them, the forms put
 * them on their inputs (`maxlength`, `min`, `max`) and name them in their messages.
 */
export const MAX_LENGTH = {
  name: 100,
  neighborhood: 100,
  address: 200,
  houseNumber: 50,
  lane: 200,
  place: 200,
  notes: 2000,
  recordedBy: 200,
  textVersion: 200,
  stepKey: 64,
} as const;

export const BIRTH_YEAR_MIN = 1900;
export const DURATION_MAX_MINUTES = 600;
export const COUNT_MAX = 10000;

/** The newest birth year accepted: this year, read when checked so it moves on at New Year. */
export function currentYear(): number {
  return new Date().getFullYear();
}

/** Bounded records (sync spec v1.1, "Limits"): one member cannot make its team's pulls huge. */
export const MAX_ARRAY_ITEMS = 100;
export const MAX_RECORD_JSON_BYTES = 16 * 1024;

const utf8 = new TextEncoder();

/** Whether a record's fields serialize to more JSON than a record may hold. */
export function recordTooLarge(fields: Record<string, unknown>): boolean {
  return utf8.encode(JSON.stringify(fields)).length > MAX_RECORD_JSON_BYTES;
}

// A NUL or a lone surrogate is not text: PostgreSQL refuses both, and no keyboard types them.
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isText(s: string): boolean {
  return !NOT_TEXT.test(s);
}

function text(min: number, max: number) {
  return z.string('validation.required').check(
    z.refine(isText, 'validation.invalidCharacters'),
    z.refine((s) => min === 0 || s.trim().length > 0, 'validation.required'),
    z.refine((s) => codePointLength(s) >= min, 'validation.required'),
    z.refine((s) => codePointLength(s) <= max, 'validation.tooLong'),
  );
}

const notes = z.optional(text(0, MAX_LENGTH.notes));
const uuid = z.string().check(z.refine(isUuid, 'validation.invalid'));
const ids = z.array(uuid).check(z.maxLength(MAX_ARRAY_ITEMS, 'validation.tooMany'));
const date = z.string('validation.required').check(z.refine(isCalendarDate, 'validation.invalidDate'));
const datetime = z.string().check(z.refine(isIsoDateTime, 'validation.invalidDate'));
const int = (min: number, max: number) =>
  z.int('validation.invalidNumber').check(z.gte(min, 'validation.outOfRange'), z.lte(max, 'validation.outOfRange'));
const topics = z.array(z.enum(TOPICS)).check(
  z.minLength(1, 'validation.chooseOne'),
  z.refine((a) => new Set(a).size === a.length, 'validation.invalid'),
);

/** Results counts, on visits and sessions alike (indicators spec, "Results counts"). */
export const resultsSchema = z.partialRecord(z.enum(RESULT_KEYS), int(0, COUNT_MAX));

export const consentSchema = z.strictObject({
  recordedAt: datetime,
  recordedBy: text(1, MAX_LENGTH.recordedBy),
  /** Who agreed on behalf of the household; consents recorded before text vi-2026-12 lack it. */
  givenBy: z.optional(text(1, MAX_LENGTH.recordedBy)),
  purposes: z.array(z.enum(CONSENT_PURPOSES)).check(z.minLength(1, 'validation.chooseOne')),
  textVersion: text(1, MAX_LENGTH.textVersion),
  withdrawnAt: z.optional(datetime),
});

export const neighborhoodFields = z.strictObject({
  name: text(1, MAX_LENGTH.neighborhood),
  kind: z.enum(NEIGHBORHOOD_KINDS, 'validation.required'),
  notes,
});

export const householdFields = z.strictObject({
  neighborhood: text(1, MAX_LENGTH.neighborhood),
  neighborhoodId: z.optional(uuid),
  address: text(1, MAX_LENGTH.address),
  /** The parts the form asks for; `address` is what people read and search. */
  houseNumber: z.optional(text(0, MAX_LENGTH.houseNumber)),
  lane: z.optional(text(0, MAX_LENGTH.lane)),
  headName: text(1, MAX_LENGTH.name),
  phone: z.optional(z.string().check(z.regex(/^\+?\d{8,15}$/, 'validation.invalidPhone'))),
  consent: consentSchema,
  notes,
});

export const memberFields = z.strictObject({
  householdId: uuid,
  fullName: text(1, MAX_LENGTH.name),
  birthYear: z.int('validation.invalidNumber').check(
    z.gte(BIRTH_YEAR_MIN, 'validation.outOfRange'),
    z.refine((y) => y <= currentYear(), 'validation.outOfRange'),
  ),
  gender: z.optional(z.enum(GENDERS)),
  hasSmartphone: z.optional(z.boolean()),
  usesOnlineServices: z.optional(z.boolean()),
  hasPaymentAccount: z.optional(z.boolean()),
  vneidLevel: z.optional(z.union([z.literal(0), z.literal(1), z.literal(2)])),
  vneidLevelSince: z.optional(date),
  notes,
});

export const visitFields = z.strictObject({
  householdId: uuid,
  date,
  topics,
  outcome: z.enum(OUTCOMES, 'validation.required'),
  memberIds: z.optional(ids),
  durationMinutes: z.optional(int(0, DURATION_MAX_MINUTES)),
  followUpDate: z.optional(date),
  results: z.optional(resultsSchema),
  notes,
});

export const sessionFields = z.strictObject({
  date,
  place: text(1, MAX_LENGTH.place),
  topics,
  attendees: int(0, COUNT_MAX),
  neighborhoodId: z.optional(uuid),
  facilitatorIds: z.optional(ids),
  householdIds: z.optional(ids),
  results: z.optional(resultsSchema),
  notes,
});

export const checklistStepFields = z.strictObject({
  memberId: uuid,
  stepKey: text(1, MAX_LENGTH.stepKey),
  status: z.enum(['pending', 'done']),
  doneOn: z.optional(date),
  note: z.optional(text(0, MAX_LENGTH.notes)),
});

export type NeighborhoodFields = z.infer<typeof neighborhoodFields>;
export type HouseholdFields = z.infer<typeof householdFields>;
export type Consent = z.infer<typeof consentSchema>;
export type MemberFields = z.infer<typeof memberFields>;
export type VisitFields = z.infer<typeof visitFields>;
export type SessionFields = z.infer<typeof sessionFields>;
export type ChecklistStepFields = z.infer<typeof checklistStepFields>;

export const FIELD_SCHEMAS = {
  neighborhood: neighborhoodFields,
  household: householdFields,
  member: memberFields,
  visit: visitFields,
  session: sessionFields,
  checklistStep: checklistStepFields,
} as const satisfies Record<EntityName, z.ZodMiniObject>;

export interface EntityFieldsMap {
  neighborhood: NeighborhoodFields;
  household: HouseholdFields;
  member: MemberFields;
  visit: VisitFields;
  session: SessionFields;
  checklistStep: ChecklistStepFields;
}

/** Field path → i18n message key, for forms. Empty when valid. */
export type FieldErrors = Record<string, string>;

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function collect(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '_';
    if (errors[path]) continue;
    errors[path] = issue.message.startsWith('validation.') ? issue.message : 'validation.invalid';
  }
  return errors;
}

/** Validates a create: all required fields, no unknown ones. */
export function validateCreate<E extends EntityName>(entity: E, fields: unknown): Validation<EntityFieldsMap[E]> {
  const r = FIELD_SCHEMAS[entity].safeParse(fields);
  if (!r.success) return { ok: false, errors: collect(r.error.issues) };
  if (recordTooLarge(r.data)) return { ok: false, errors: { _: 'validation.tooLarge' } };
  return { ok: true, value: r.data as EntityFieldsMap[E] };
}

/**
 * Each entity's schema with every field optional, built once: building it is most of what checking
 * a small patch costs (the server checks every patch of every push).
 */
const PARTIAL_SCHEMAS = new Map<EntityName, z.ZodMiniType>();
function partialSchema(entity: EntityName): z.ZodMiniType {
  let schema = PARTIAL_SCHEMAS.get(entity);
  if (!schema) {
    schema = z.partial(FIELD_SCHEMAS[entity]);
    PARTIAL_SCHEMAS.set(entity, schema);
  }
  return schema;
}

/** Validates a patch: only the fields given, each against its own rule, no unknown ones. */
/**
 * Validates a patch: only the fields given, each against its own rule, no unknown ones.
 * `null` clears an optional field; a required field cannot be cleared.
 */
export function validatePatch<E extends EntityName>(
  entity: E,
  fields: unknown,
): Validation<Partial<EntityFieldsMap[E]> & Record<string, unknown>> {
  const schema = FIELD_SCHEMAS[entity];
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    return { ok: false, errors: { _: 'validation.invalid' } };
  }
  const shape = schema.shape as Record<string, { _zod: { optin?: string } }>;
  const present: Record<string, unknown> = {};
  const cleared: Record<string, null> = {};
  const errors: FieldErrors = {};
  for (const [key, value] of Object.entries(fields)) {
    // Own fields only: `constructor` or `__proto__` is an unknown field, not Object's.
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (value === null && field) {
      if (field._zod.optin === 'optional') cleared[key] = null;
      else errors[key] = 'validation.required';
    } else {
      present[key] = value;
    }
  }
  const r = partialSchema(entity).safeParse(present);
  if (!r.success) Object.assign(errors, collect(r.error.issues));
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { ...(r.data as object), ...cleared } as Partial<EntityFieldsMap[E]> & Record<string, unknown> };
}

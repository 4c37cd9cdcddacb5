/** Fixed vocabularies of the sync contract (../shared/spec/sync-protocol.md). */

export const TOPICS = [
  'vneid',
  'onlineService',
  'feePayment',
  'paymentAccount',
  'eHealth',
  'digitalSkills',
  'scamAwareness',
  'other',
] as const;
export type Topic = (typeof TOPICS)[number];

export const OUTCOMES = ['done', 'partial', 'followUp', 'notHome'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that leave the household waiting for another visit. */
export const OPEN_OUTCOMES: readonly Outcome[] = ['partial', 'followUp', 'notHome'];

export const RESULT_KEYS = [
  'vneidInstalled',
  'vneidLevel2',
  'onlineDossiers',
  'feesPaidOnline',
  'paymentAccounts',
  'scamTraining',
] as const;
export type ResultKey = (typeof RESULT_KEYS)[number];

/** The results counts a visit on each topic can record: the visit form offers those. */
export const TOPIC_RESULT_KEYS: Partial<Record<Topic, readonly ResultKey[]>> = {
  vneid: ['vneidInstalled', 'vneidLevel2'],
  onlineService: ['onlineDossiers'],
  feePayment: ['feesPaidOnline'],
  paymentAccount: ['paymentAccounts'],
  scamAwareness: ['scamTraining'],
};

/** The results keys the chosen topics call for, in the usual order. */
export function resultKeysFor(topics: readonly Topic[]): ResultKey[] {
  const wanted = new Set(topics.flatMap((t) => TOPIC_RESULT_KEYS[t] ?? []));
  return RESULT_KEYS.filter((k) => wanted.has(k));
}

export const CONSENT_PURPOSES = ['support', 'followUp', 'reporting'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/**
 * Version of the consent text shown on the device; bump it when the wording changes. Consents keep
 * the version they were recorded under (vi-2026-01 did not name the controller, the server or all
 * the data kept).
 */
export const CONSENT_TEXT_VERSION = 'vi-2026-12';

/** Each language's consent text is its own text: a consent records the version that was read out. */
export const CONSENT_TEXT_VERSIONS = { vi: CONSENT_TEXT_VERSION, en: 'en-2026-12' } as const;

export function consentTextVersion(language: string): string {
  return language.startsWith('en') ? CONSENT_TEXT_VERSIONS.en : CONSENT_TEXT_VERSIONS.vi;
}

/** The month a consent text version dates from (`vi-2026-12` is December 2026), if it names one. */
export function consentTextMonth(version: string): { year: number; month: number } | undefined {
  const m = /^[a-z]{2}-(\d{4})-(\d{2})$/.exec(version);
  if (!m) return undefined;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : undefined;
}

export const GENDERS = ['female', 'male', 'other'] as const;
export const NEIGHBORHOOD_KINDS = ['thon', 'toDanPho'] as const;
export const VNEID_LEVELS = [0, 1, 2] as const;

export const ENTITIES = [
  'household',
  'member',
  'visit',
  'session',
  'checklistStep',
  'neighborhood',
] as const;
export type EntityName = (typeof ENTITIES)[number];

export function isEntity(e: unknown): e is EntityName {
  return typeof e === 'string' && (ENTITIES as readonly string[]).includes(e);
}

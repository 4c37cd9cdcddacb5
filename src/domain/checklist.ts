/**
 * The VNeID checklist (reference §1): one fixed list of step keys, shared by the app and the
 * server. A ticked step is a `checklistStep` record whose id is a UUIDv5 of member and key, so two
 * devices ticking the same step converge on one record.
 */
import { v5 } from 'uuid';

export const CHECKLIST_NAMESPACE = 'dbfb0c52-3984-40e5-95d4-6459fe965960';

export const CHECKLIST_GROUPS = ['prereq', 'level1', 'level2', 'after'] as const;
export type ChecklistGroup = (typeof CHECKLIST_GROUPS)[number];

export interface ChecklistStepDef {
  key: string;
  group: ChecklistGroup;
  /** Keys of the common errors (reference §1.5) that happen at this step. */
  problems?: readonly string[];
}

/** Never reorder or rename keys: they are stored on the server. Add new ones at the end of a group. */
export const CHECKLIST_STEPS: readonly ChecklistStepDef[] = [
  { key: 'prereq.age', group: 'prereq' },
  { key: 'prereq.chipCard', group: 'prereq' },
  { key: 'prereq.smartphone', group: 'prereq', problems: ['noNfc'] },
  { key: 'prereq.ownSim', group: 'prereq', problems: ['simNotOwn', 'strangeNumber'] },
  { key: 'prereq.officialApp', group: 'prereq' },
  { key: 'level1.register', group: 'level1' },
  { key: 'level1.scanCard', group: 'level1', problems: ['noNfc', 'nfcFails', 'qrFails'] },
  { key: 'level1.portrait', group: 'level1', problems: ['faceFails'] },
  { key: 'level1.submitted', group: 'level1', problems: ['maintenance'] },
  { key: 'level1.approved', group: 'level1', problems: ['notApproved'] },
  { key: 'level1.activated', group: 'level1', problems: ['simNotOwn', 'newPhone'] },
  { key: 'level2.visitPolice', group: 'level2' },
  { key: 'level2.biometrics', group: 'level2' },
  { key: 'level2.activated', group: 'level2', problems: ['newPhone'] },
  { key: 'after.passcode', group: 'after', problems: ['forgotPassword', 'forgotPasscode'] },
  { key: 'after.securityQuestions', group: 'after' },
  { key: 'after.integrateDocs', group: 'after' },
  { key: 'after.linkPortal', group: 'after' },
] as const;

export const CHECKLIST_KEYS: readonly string[] = CHECKLIST_STEPS.map((s) => s.key);

/** Common errors and fixes (reference §1.5). */
export const CHECKLIST_PROBLEMS = [
  'noNfc',
  'nfcFails',
  'faceFails',
  'qrFails',
  'notApproved',
  'simNotOwn',
  'strangeNumber',
  'newPhone',
  'forgotPassword',
  'forgotPasscode',
  'maintenance',
] as const;

export function isChecklistKey(key: string): boolean {
  return CHECKLIST_KEYS.includes(key);
}

/** RFC 9562 UUIDv5 (SHA-1) of `${memberId}:${stepKey}`, the member id in lowercase (sync spec). */
export function checklistStepId(memberId: string, stepKey: string): string {
  return v5(`${memberId.toLowerCase()}:${stepKey}`, CHECKLIST_NAMESPACE);
}

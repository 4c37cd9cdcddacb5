/**
 * A member's VNeID checklist: each ticked step is a `checklistStep` record (deterministic UUIDv5
 * id), written with its outbox entry; the member's VNeID level follows by the one rule in
 * src/domain/vneidLevel.ts (ticks only raise it), in the same transaction. Every entry, the
 * member's patch included, is checked against its schema by `enqueue` (write.ts).
 */
import { db, type AppDB } from './database';
import type { ChecklistStepRow, MemberRow } from './rows';
import { checklistStepId, isChecklistKey } from '../domain/checklist';
import { levelAfterTicks } from '../domain/vneidLevel';
import { localToday } from '../domain/dates';
import { commitChange, newMeta, nowIso } from './write';
import { refreshHousehold } from './derived';
import { guardQuota } from './errors';
import { loadSchemas } from './validation';

const LEVEL_STEPS = ['level1.activated', 'level2.activated'];

export async function stepsOf(memberId: string, database: AppDB = db()): Promise<ChecklistStepRow[]> {
  const rows = await database.checklistSteps.where('memberId').equals(memberId).toArray();
  return rows.filter((r) => !r.deleted);
}

/** Ticks (done) or un-ticks (pending) a step of a member's checklist. */
export async function setStep(memberId: string, stepKey: string, done: boolean, database: AppDB = db()): Promise<void> {
  if (!isChecklistKey(stepKey)) throw new Error(`unknown checklist step ${stepKey}`);
  const id = checklistStepId(memberId, stepKey);
  const today = localToday();
  await loadSchemas();
  const tables = [database.checklistSteps, database.members, database.households, database.visits, database.outbox, database.meta];
  await guardQuota(() =>
    database.transaction('rw', tables, async () => {
      const member = await database.members.get(memberId);
      if (!member || member.deleted) throw new Error('member not found');
      const existing = await database.checklistSteps.get(id);
      const status = done ? 'done' : 'pending';
      if (existing && !existing.deleted && existing.status === status) return;
      if (!existing || existing.deleted) {
        const fields = { memberId, stepKey, status, ...(done ? { doneOn: today } : {}) } as const;
        const row: ChecklistStepRow = { ...newMeta(id), ...fields };
        await commitChange(database, { entity: 'checklistStep', table: database.checklistSteps, op: 'create', row, fields: { ...fields } });
      } else {
        const fields: Record<string, unknown> = done ? { status, doneOn: today } : { status, doneOn: null };
        const row: ChecklistStepRow = { ...existing, status, localUpdatedAt: nowIso() };
        if (done) row.doneOn = today;
        else delete row.doneOn;
        await commitChange(database, { entity: 'checklistStep', table: database.checklistSteps, op: 'patch', row, fields });
      }
      // Only the activation steps move the level, and only up: lowering it is an edit of the member.
      if (LEVEL_STEPS.includes(stepKey)) await applyLevel(database, member, today);
    }),
  );
}

/** Raises the member's VNeID level to what the ticks prove (never lowers it). */
async function applyLevel(database: AppDB, member: MemberRow, today: string): Promise<void> {
  const steps = (await database.checklistSteps.where('memberId').equals(member.id).toArray()).filter((s) => !s.deleted);
  const raised = levelAfterTicks({ level: member.vneidLevel, since: member.vneidLevelSince }, steps, today);
  if (!raised) return;
  const fields: Record<string, unknown> = { vneidLevel: raised.level, vneidLevelSince: raised.since };
  const row: MemberRow = { ...member, vneidLevel: raised.level, vneidLevelSince: raised.since, localUpdatedAt: nowIso() };
  await commitChange(database, { entity: 'member', table: database.members, op: 'patch', row, fields });
  await refreshHousehold(database, member.householdId);
}

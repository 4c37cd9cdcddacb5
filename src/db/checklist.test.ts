import { describe, expect, it } from 'vitest';
import { AppDB } from './database';
import { setStep, stepsOf } from './checklist';
import { createHouseholdWithMembers } from './householdWithMembers';
import { checklistStepId } from '../domain/checklist';
import { CONSENT_TEXT_VERSION } from '../domain/vocab';
import { localToday } from '../domain/dates';

async function setup() {
  const database = new AppDB(`cl-${crypto.randomUUID()}`);
  const h = await createHouseholdWithMembers(
    { neighborhood: 'Thôn Đông', address: 'Số 3', headName: 'Vũ Văn Tâm', consent: { recordedAt: new Date().toISOString(), recordedBy: 'Mai', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION } },
    [{ fullName: 'Vũ Văn Tâm', birthYear: 1970, vneidLevel: 2, vneidLevelSince: '2025-01-01' }, { fullName: 'Vũ Thị Lan', birthYear: 1975 }],
    database,
  );
  const members = await database.members.where('householdId').equals(h.id).sortBy('birthYear');
  await database.outbox.clear();
  return { database, tam: members[0]!, lan: members[1]! };
}

describe('checklist repository', () => {
  it('a tick is a checklistStep record with the deterministic id and one outbox create', async () => {
    const { database, lan } = await setup();
    await setStep(lan.id, 'prereq.chipCard', true, database);
    const id = checklistStepId(lan.id, 'prereq.chipCard');
    const row = await database.checklistSteps.get(id);
    expect(row).toMatchObject({ memberId: lan.id, stepKey: 'prereq.chipCard', status: 'done', doneOn: localToday(), syncState: 'pending' });
    const out = await database.outbox.toArray();
    expect(out.map((e) => [e.entity, e.op, e.id])).toEqual([['checklistStep', 'create', id]]);
    expect(out[0]!.fields).toEqual({ memberId: lan.id, stepKey: 'prereq.chipCard', status: 'done', doneOn: localToday() });
  });

  it('ticking "level 1 activated" sets the member to level 1 since today, in the same write', async () => {
    const { database, lan } = await setup();
    await setStep(lan.id, 'level1.activated', true, database);
    expect(await database.members.get(lan.id)).toMatchObject({ vneidLevel: 1, vneidLevelSince: localToday() });
    const out = await database.outbox.toArray();
    expect(out.map((e) => [e.entity, e.op])).toEqual([['checklistStep', 'create'], ['member', 'patch']]);
    expect(out[1]!.fields).toEqual({ vneidLevel: 1, vneidLevelSince: localToday() });
  });

  it('un-ticking is a patch to pending and never lowers the level', async () => {
    const { database, lan } = await setup();
    await setStep(lan.id, 'level1.activated', true, database);
    await setStep(lan.id, 'level1.activated', false, database);
    const steps = await stepsOf(lan.id, database);
    expect(steps.map((s) => [s.stepKey, s.status, s.doneOn])).toEqual([['level1.activated', 'pending', undefined]]);
    expect(await database.members.get(lan.id)).toMatchObject({ vneidLevel: 1, vneidLevelSince: localToday() });
    const last = (await database.outbox.orderBy('seq').last())!;
    expect(last.entity).toBe('checklistStep');
  });

  it('ticking and un-ticking "level 1 activated" leaves a level 2 set by hand and its date alone', async () => {
    const { database, tam } = await setup();
    await setStep(tam.id, 'level1.activated', true, database);
    await setStep(tam.id, 'level1.activated', false, database);
    expect(await database.members.get(tam.id)).toMatchObject({ vneidLevel: 2, vneidLevelSince: '2025-01-01' });
    expect((await database.outbox.toArray()).every((e) => e.entity === 'checklistStep')).toBe(true);
  });

  it('other steps never overwrite a level set by hand', async () => {
    const { database, tam } = await setup();
    await setStep(tam.id, 'prereq.smartphone', true, database);
    await setStep(tam.id, 'after.passcode', true, database);
    expect((await database.members.get(tam.id))?.vneidLevel).toBe(2);
    expect((await database.outbox.toArray()).every((e) => e.entity === 'checklistStep')).toBe(true);
  });

  it('ticking twice writes nothing more; unknown keys are refused', async () => {
    const { database, lan } = await setup();
    await setStep(lan.id, 'prereq.age', true, database);
    await setStep(lan.id, 'prereq.age', true, database);
    expect(await database.outbox.count()).toBe(1);
    await expect(setStep(lan.id, 'level3.magic', true, database)).rejects.toThrow(/unknown checklist step/);
  });
});

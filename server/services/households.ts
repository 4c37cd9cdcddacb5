/**
 * A data subject's requests about one household (Law 91/2025: access and erasure), answered by
 * its team's head: the household's data as the server holds it, and the erasure of the household
 * or of one person in it.
 *
 * An erasure tombstones the record and everything its delete cascades to (src/domain/cascade.ts):
 * a tombstone keeps no field value, the report copies go with the trigger on records, the kept
 * conflict answers lose their values (migration 20261206194000), and every phone of the team pulls
 * the tombstones. The audit rows of those records are replaced by one row saying that an erasure
 * happened, by whom and when.
 */
import type { Database, Queryable } from '../db/adapter';
import type { EraseResponse, HouseholdExport } from '../../src/domain/wire';
import { cascadeOf } from '../../src/domain/cascade';
import type { Caller } from './auth';
import { childrenOf, findRecord, updateRecord, type RecordRow } from './records';
import { recordEvent } from './audit';

type TeamCaller = Caller & { teamId: string };

function readable(r: RecordRow): Record<string, unknown> {
  return { id: r.id, ...(r.data ?? {}), version: r.version, updatedAt: new Date(r.updated_at).toISOString() };
}

async function liveHousehold(db: Queryable, teamId: string, id: string): Promise<RecordRow | undefined> {
  const rec = await findRecord(db, teamId, id);
  return rec && rec.entity === 'household' && !rec.deleted ? rec : undefined;
}

/** Undefined when the team has no such live household. */
export async function exportHousehold(db: Database, caller: TeamCaller, id: string): Promise<HouseholdExport | undefined> {
  return db.transaction(async (tx) => {
    const household = await liveHousehold(tx, caller.teamId, id);
    if (!household) return undefined;
    const members = await childrenOf(tx, caller.teamId, 'member', 'householdId', [household.id]);
    const visits = await childrenOf(tx, caller.teamId, 'visit', 'householdId', [household.id]);
    const steps = await childrenOf(tx, caller.teamId, 'checklistStep', 'memberId', members.map((m) => m.id));
    const sessions = await tx.query<{ id: string; date: unknown; place: unknown }>(
      `select id, data->'date' as date, data->'place' as place from records
       where team_id = $1 and entity = 'session' and not deleted and data->'householdIds' ? $2 order by server_seq`,
      [caller.teamId, household.id],
    );
    await recordEvent(tx, { actor: caller, entity: 'household', op: 'household-export', recordId: household.id });
    return {
      exportedAt: new Date().toISOString(),
      household: readable(household),
      members: members.map(readable),
      visits: visits.map(readable),
      checklistSteps: steps.map(readable),
      sessions,
    };
  });
}

/**
 * Erases a household (or one person of it, a member) of the caller's team with what its delete
 * cascades to; undefined when the team has no such record. One already deleted is erased too: its
 * tombstone stays, its audit rows go.
 */
export async function eraseRecord(db: Database, caller: TeamCaller, entity: 'household' | 'member', id: string): Promise<EraseResponse | undefined> {
  return db.transaction(async (tx) => {
    // Change numbers come from the team counter under its row lock, as in a push (push.ts).
    const counter = await tx.query<{ last_seq: number | string }>('select last_seq from team_counters where team_id = $1 for update', [caller.teamId]);
    let seq = Number(counter[0]?.last_seq ?? 0);
    const subject = await findRecord(tx, caller.teamId, id);
    if (!subject || subject.entity !== entity) return undefined;
    const live = subject.deleted ? [] : [...(await cascadeOf(entity, [subject.id], (e, field, ids) => childrenOf(tx, caller.teamId, e, field, ids))), subject];
    for (const r of live) {
      await updateRecord(tx, { teamId: caller.teamId, id: r.id, version: r.version + 1, deleted: true, data: null, fieldVersions: r.field_versions, serverSeq: ++seq, userId: caller.userId });
    }
    if (live.length > 0) await tx.query('update team_counters set last_seq = $2 where team_id = $1', [caller.teamId, seq]);
    const ids = [...new Set([subject.id, ...live.map((r) => r.id)])];
    await tx.query('delete from audit_log where team_id = $1 and record_id = any($2::uuid[])', [caller.teamId, ids]);
    await recordEvent(tx, { actor: caller, entity, op: 'erase', recordId: subject.id });
    return { erased: true, records: live.length };
  });
}

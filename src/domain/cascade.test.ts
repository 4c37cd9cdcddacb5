import { describe, expect, it } from 'vitest';
import { cascadeEntities, cascadeOf, type ParentField } from './cascade';
import type { EntityName } from './vocab';

interface Rec {
  id: string;
  entity: EntityName;
  parent: Partial<Record<ParentField, string>>;
}

const records: Rec[] = [
  { id: 'm1', entity: 'member', parent: { householdId: 'h1' } },
  { id: 'm2', entity: 'member', parent: { householdId: 'h1' } },
  { id: 'mx', entity: 'member', parent: { householdId: 'h2' } },
  { id: 's1', entity: 'checklistStep', parent: { memberId: 'm1' } },
  { id: 's2', entity: 'checklistStep', parent: { memberId: 'm2' } },
  { id: 'sx', entity: 'checklistStep', parent: { memberId: 'mx' } },
  { id: 'v1', entity: 'visit', parent: { householdId: 'h1' } },
  { id: 'vx', entity: 'visit', parent: { householdId: 'h2' } },
];

const lookup = async (entity: EntityName, field: ParentField, ids: string[]) =>
  records.filter((r) => r.entity === entity && ids.includes(r.parent[field] ?? ''));

describe('the delete cascade', () => {
  it("a household takes its members, then their checklist steps, then its visits, in that order", async () => {
    expect((await cascadeOf('household', ['h1'], lookup)).map((r) => r.id)).toEqual(['m1', 'm2', 's1', 's2', 'v1']);
  });

  it("a member takes its own checklist steps only", async () => {
    expect((await cascadeOf('member', ['m2'], lookup)).map((r) => r.id)).toEqual(['s2']);
  });

  it('visits, sessions, steps and neighborhoods take nothing with them', async () => {
    for (const entity of ['visit', 'session', 'checklistStep', 'neighborhood'] as const) {
      expect(await cascadeOf(entity, ['v1'], lookup)).toEqual([]);
      expect(cascadeEntities(entity)).toEqual([]);
    }
  });

  it('names every table a delete may touch, however deep', () => {
    expect(cascadeEntities('household')).toEqual(['member', 'checklistStep', 'visit']);
    expect(cascadeEntities('member')).toEqual(['checklistStep']);
  });
});

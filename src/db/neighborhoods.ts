/** The team's neighborhoods (thôn / tổ dân phố): data the team edits, never hard-coded. */
import { db, type AppDB } from './database';
import type { NeighborhoodRow } from './rows';
import type { NeighborhoodFields } from '../domain/schemas';
import { createRecord, deleteRecord, patchRecord } from './records';
import { guardQuota, ValidationError } from './errors';
import { foldForSearch } from '../domain/text';
import { updateHousehold } from './households';
import { inTransaction } from './write';
import { loadSchemas } from './validation';

const collator = new Intl.Collator('vi');

export async function allNeighborhoods(database: AppDB = db()): Promise<NeighborhoodRow[]> {
  const rows = await database.neighborhoods.filter((n) => !n.deleted).toArray();
  return rows.sort((a, b) => collator.compare(a.name, b.name));
}

/** "Thôn Đông" and "thon dong" are one neighborhood: names are compared without diacritics or case. */
export function neighborhoodKey(name: string): string {
  return foldForSearch(name);
}

async function refuseDuplicate(name: string | undefined, exceptId: string | undefined, database: AppDB): Promise<void> {
  if (name === undefined) return;
  const key = neighborhoodKey(name);
  const taken = (await allNeighborhoods(database)).some((n) => n.id !== exceptId && neighborhoodKey(n.name) === key);
  if (taken) throw new ValidationError({ name: 'neighborhoods.duplicate' });
}

export async function createNeighborhood(fields: NeighborhoodFields, database: AppDB = db()): Promise<NeighborhoodRow> {
  await refuseDuplicate(fields.name, undefined, database);
  return createRecord(database, 'neighborhood', database.neighborhoods, fields);
}

export async function updateNeighborhood(id: string, changes: Partial<NeighborhoodFields>, database: AppDB = db()): Promise<NeighborhoodRow> {
  await refuseDuplicate(changes.name, id, database);
  return patchRecord(database, 'neighborhood', database.neighborhoods, id, changes);
}

/** A name that says "tổ dân phố" (or TDP) is one; anything else is taken for a thôn. */
export function kindOf(name: string): NeighborhoodFields['kind'] {
  return /^(to dan pho|tdp)\b/.test(neighborhoodKey(name)) ? 'toDanPho' : 'thon';
}

/**
 * The neighborhoods typed on households that the team's list lacks: one per name compared without
 * diacritics, spelled the way it was typed most often.
 */
export async function neighborhoodsFromHouseholds(database: AppDB = db()): Promise<string[]> {
  const listed = new Set((await allNeighborhoods(database)).map((n) => neighborhoodKey(n.name)));
  const spellings = new Map<string, Map<string, number>>();
  await database.households.each((h) => {
    const name = h.deleted ? '' : h.neighborhood.trim().replace(/\s+/g, ' ');
    const key = neighborhoodKey(name);
    if (!key || listed.has(key)) return;
    const counts = spellings.get(key) ?? new Map<string, number>();
    counts.set(name, (counts.get(name) ?? 0) + 1);
    spellings.set(key, counts);
  });
  const names = [...spellings.values()].map((counts) => [...counts].sort((a, b) => b[1] - a[1] || collator.compare(a[0], b[0]))[0]![0]);
  return names.sort((a, b) => collator.compare(a, b));
}

/**
 * Adds the neighborhoods typed on households to the team's list and links those households to
 * them; answers how many were added. Each link is an ordinary household patch (sent through the
 * outbox after the neighborhood's create), and the whole seed commits or fails as one.
 */
export async function seedNeighborhoodsFromHouseholds(database: AppDB = db()): Promise<number> {
  // The schemas load before the transaction opens: an import inside it would commit it early.
  await loadSchemas();
  const tables = [database.neighborhoods, database.households, database.members, database.visits, database.outbox, database.meta];
  return guardQuota(() =>
    inTransaction(database, tables, async () => {
      const names = await neighborhoodsFromHouseholds(database);
      for (const name of names) await createNeighborhood({ name, kind: kindOf(name) }, database);
      await linkHouseholdsToNeighborhoods(database);
      return names.length;
    }),
  );
}

/**
 * Gives the id of the team's neighborhood to every household whose typed neighborhood is that one
 * (compared without diacritics) and that is linked to none of the list yet; answers how many.
 */
export async function linkHouseholdsToNeighborhoods(database: AppDB = db()): Promise<number> {
  await loadSchemas();
  const tables = [database.neighborhoods, database.households, database.members, database.visits, database.outbox, database.meta];
  return guardQuota(() =>
    inTransaction(database, tables, async () => {
      const hoods = await allNeighborhoods(database);
      const idByKey = new Map(hoods.map((n) => [neighborhoodKey(n.name), n.id]));
      const listed = new Set(hoods.map((n) => n.id));
      const links: { householdId: string; neighborhoodId: string }[] = [];
      await database.households.each((h) => {
        if (h.deleted || (h.neighborhoodId && listed.has(h.neighborhoodId))) return;
        const neighborhoodId = idByKey.get(neighborhoodKey(h.neighborhood));
        if (neighborhoodId && neighborhoodId !== h.neighborhoodId) links.push({ householdId: h.id, neighborhoodId });
      });
      for (const link of links) await updateHousehold(link.householdId, { neighborhoodId: link.neighborhoodId }, database);
      return links.length;
    }),
  );
}

export async function deleteNeighborhood(id: string, database: AppDB = db()): Promise<void> {
  await deleteRecord(database, 'neighborhood', database.neighborhoods, id);
}

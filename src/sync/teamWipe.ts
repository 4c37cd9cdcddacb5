import type { Table } from 'dexie';
import { db, type AppDB } from '../db/database';
import { META_KEYS, TEAM_META_KEYS } from '../db/metaKeys';
import { deleteMeta, getMeta, setMeta } from '../db/meta';
import type { DeviceMembership } from './membership';
import { forgetVault } from '../lock/vault';
import { entityTables } from '../db/tables';

/** What the app says after the team removed this phone, until the person joins again. */
export interface Removal {
  /** When the phone learnt it was removed (ISO). */
  at: string;
  /** The team it was removed from, when the phone knew it. */
  teamName?: string;
}

/**
 * Removes the team's data from this device: a confirmed sign-out, or (`removed`) the server's
 * answer that the team removed this device. The reason is written in the same transaction as
 * the wipe, so the app can explain the empty screens even after a reload.
 */
export async function wipeTeamData(database: AppDB = db(), options: { removed?: boolean } = {}): Promise<void> {
  const tables: Table[] = [...entityTables(database), database.outbox, database.drafts, database.users, database.dirtyHouseholds, database.meta];
  await database.transaction('rw', tables, async () => {
    const membership = await getMeta<DeviceMembership>(META_KEYS.membership, database);
    for (const t of tables) if (t !== database.meta) await t.clear();
    // The installation id and the sequence stay: the server remembers this device's numbers.
    await database.meta.bulkDelete([...TEAM_META_KEYS]);
    if (options.removed) {
      const removal: Removal = { at: new Date().toISOString(), ...(membership?.team ? { teamName: membership.team.name } : {}) };
      await setMeta(META_KEYS.removal, removal, database);
    } else {
      await deleteMeta(META_KEYS.removal, database);
    }
  });
  forgetVault();
}

export function getRemoval(database: AppDB = db()): Promise<Removal | undefined> {
  return getMeta<Removal>(META_KEYS.removal, database);
}

/** The person read the explanation, or joined a team again. */
export function clearRemoval(database: AppDB = db()): Promise<void> {
  return deleteMeta(META_KEYS.removal, database);
}

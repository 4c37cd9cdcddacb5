/**
 * When the team side of the app starts: the database, sync, the lock's timer and the whole
 * locale. A citizen reading a guide on a phone that never joined a team needs none of them, and
 * on a cheap, busy phone loading them (Dexie alone is most of a 110 KB chunk) costs the first
 * seconds of reading. They start once something asks for them (App.vue runs the start):
 *
 * - at start-up, after the first paint, on a phone that has been used for team work, has an app
 *   lock, opens on a team screen, or already holds the app's database (a joined phone that lost
 *   its localStorage hints still finds its team, its PIN and the "removed" notice);
 * - later, when a team screen opens, a team is joined, or the person asks for Today.
 */
import { readonly, shallowRef } from 'vue';
import { DB_NAMES } from '../storageKeys';

const wanted = shallowRef(false);

/** True once the team side was asked for; App.vue starts it (once) after the first paint. */
export const teamStartWanted = readonly(wanted);

export function wantTeamStart(): void {
  wanted.value = true;
}

/** For tests: a fresh app. */
export function resetTeamStart(): void {
  wanted.value = false;
}

/**
 * Whether one of the app's databases exists on this device, asked without opening (and so
 * creating) it. Where the browser cannot tell (no `indexedDB.databases()`, or it fails), the
 * answer is yes: the app then starts as it always did.
 */
export async function appDatabaseExists(factory: IDBFactory | undefined = globalThis.indexedDB): Promise<boolean> {
  if (!factory || typeof factory.databases !== 'function') return true;
  try {
    const names: readonly string[] = Object.values(DB_NAMES);
    return (await factory.databases()).some((d) => d.name !== undefined && names.includes(d.name));
  } catch {
    return true;
  }
}

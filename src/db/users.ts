/** The team roster on this device, and who uses this phone. */
import { db, type AppDB } from './database';
import type { UserRow } from './rows';
import { uuidv7 } from '../domain/ids';
import { currentUserId, setCurrentUserId } from './meta';

const collator = new Intl.Collator('vi');

export async function roster(database: AppDB = db()): Promise<UserRow[]> {
  const rows = await database.users.toArray();
  return rows.sort((a, b) => collator.compare(a.name, b.name));
}

export async function currentUser(database: AppDB = db()): Promise<UserRow | undefined> {
  const id = await currentUserId(database);
  return id ? database.users.get(id) : undefined;
}

/** Sets the name of the person using this phone; before joining a team this is a local user. */
export async function setLocalUserName(name: string, database: AppDB = db()): Promise<UserRow> {
  return database.transaction('rw', database.users, database.meta, async () => {
    const existing = await currentUser(database);
    const user: UserRow = existing ? { ...existing, name } : { id: uuidv7(), name, role: 'member', local: true };
    await database.users.put(user);
    await setCurrentUserId(user.id, database);
    return user;
  });
}

export async function addRosterUser(name: string, database: AppDB = db()): Promise<UserRow> {
  const user: UserRow = { id: uuidv7(), name, role: 'member', local: true };
  await database.users.put(user);
  return user;
}

export async function removeRosterUser(id: string, database: AppDB = db()): Promise<void> {
  await database.users.delete(id);
}

/** Replaces the roster with the team's users from the server; this phone's user becomes current. */
export async function replaceRoster(users: { id: string; name: string; role: UserRow['role'] }[], currentId: string, database: AppDB = db()): Promise<void> {
  await database.transaction('rw', database.users, database.meta, async () => {
    await database.users.clear();
    await database.users.bulkPut(users.map((u) => ({ id: u.id, name: u.name, role: u.role })));
    await setCurrentUserId(currentId, database);
  });
}

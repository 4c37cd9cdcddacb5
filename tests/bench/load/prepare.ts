/**
 * Run by the load benchmark in a child process before the server starts (with PGlite, one process
 * at a time may hold the data folder): opens the database as `npm start` does (`openDatabase`,
 * `migrate`, from DATA_DIR or DATABASE_URL), creates the teams named in LOAD_TEAMS (a JSON array)
 * with a one-use head invite each, and prints them as one JSON line after `LOAD-TEAMS `.
 */
import { openDatabase } from '../../../server/db/adapter';
import { migrate } from '../../../server/db/migrate';
import { createTeam } from '../../../server/services/teams';
import { loadInviteKey } from '../../../server/services/inviteKey';

const names = JSON.parse(process.env.LOAD_TEAMS ?? '[]') as string[];
process.umask(0o077);
const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR });
try {
  await migrate(db);
  // The key the server processes load too (SERVER_SECRET, or the one kept in the database).
  const key = await loadInviteKey(db, process.env.SERVER_SECRET || undefined);
  const teams: { name: string; teamId: string; inviteCode: string }[] = [];
  for (const name of names) {
    const t = await createTeam(db, key, 'Xã Đo Tải', name, 1);
    teams.push({ name, teamId: t.teamId, inviteCode: t.inviteCode });
  }
  console.log(`LOAD-TEAMS ${JSON.stringify(teams)}`);
} finally {
  await db.close();
}

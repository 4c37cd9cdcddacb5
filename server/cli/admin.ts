/**
 * `npm run admin -- <command>`: create-team, create-admin, invite, publish-guide, backup, restore. Uses
 * the same DATA_DIR / DATABASE_URL as the server (with PGlite, run it while the server is stopped).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/adapter';
import { migrate } from '../db/migrate';
import { createAdminInvite, createTeam, headInviteFor } from '../services/teams';
import { loadInviteKey } from '../services/inviteKey';
import { configFromEnv } from '../config';
import { publishGuide, type GuideInput } from '../services/guides';
import { publicationsOf, validateGuideFile } from '../services/guideFile';
import { backup, restore } from '../services/backup';

const USAGE = `usage:
  npm run admin -- create-team --commune "<name>" --name "<team name>" [--json]
  npm run admin -- create-admin --commune "<name>" [--json]
  npm run admin -- invite --team "<team name or id>" [--json]
  npm run admin -- publish-guide <file.json> [--json]
  npm run admin -- backup <file> [--json]
  npm run admin -- restore <file> [--json]`;

const COMMANDS = ['create-team', 'create-admin', 'invite', 'publish-guide', 'backup', 'restore'];
const WITH_FILE = ['publish-guide', 'backup', 'restore'];

const total = (rows: Record<string, number>) => Object.values(rows).reduce((a, b) => a + b, 0);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { commune: { type: 'string' }, name: { type: 'string' }, team: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const [command, file] = positionals;
  const out = (obj: object, text: string) => console.log(values.json ? JSON.stringify(obj) : text);
  if (!command || !COMMANDS.includes(command)) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'invite' && !values.team?.trim()) {
    console.error('--team is required\n' + USAGE);
    return 2;
  }
  if ((command === 'create-team' || command === 'create-admin') && !values.commune?.trim()) {
    console.error('--commune is required\n' + USAGE);
    return 2;
  }
  if (command === 'create-team' && !values.name?.trim()) {
    console.error('--name is required\n' + USAGE);
    return 2;
  }
  if (WITH_FILE.includes(command) && !file) {
    console.error(`${command === 'publish-guide' ? 'a guide file' : 'a backup file'} is required\n` + USAGE);
    return 2;
  }
  // The PGlite data folder holds personal data: files made here are readable by this user only.
  process.umask(0o077);
  const config = configFromEnv(process.env);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(db);
    // The server's own key (SERVER_SECRET or the one it keeps in the database), or its invites would not work.
    const key = await loadInviteKey(db, config.serverSecret);
    if (command === 'backup') {
      const r = await backup(db, file!);
      out(r, `Backed up ${total(r.rows)} rows of ${Object.keys(r.rows).length} tables to ${file}. It holds personal data: keep it encrypted, off this machine.`);
    } else if (command === 'restore') {
      const r = await restore(db, file!);
      out(r, `Restored ${total(r.rows)} rows from ${file}. New epoch ${r.epoch}: phones pull again and send back what the backup lacked.`);
    } else if (command === 'create-team') {
      const r = await createTeam(db, key, values.commune!.trim(), values.name!.trim());
      out(r, `Team created in ${values.commune}. Head invite code: ${r.inviteCode}`);
    } else if (command === 'invite') {
      const r = await headInviteFor(db, key, values.team!);
      if (!r) {
        console.error(`no single team is named ${values.team}`);
        return 1;
      }
      out(r, `One-use head invite for ${r.teamName}: ${r.inviteCode}`);
    } else if (command === 'create-admin') {
      const r = await createAdminInvite(db, key, values.commune!.trim());
      out(r, `Admin invite for ${values.commune}: ${r.inviteCode}`);
    } else {
      const raw = JSON.parse(await readFile(file!, 'utf8')) as unknown;
      const checked = validateGuideFile(raw);
      if (!checked.ok) {
        console.error(`invalid guide file: ${checked.errors.join('; ')}`);
        return 1;
      }
      const results = [];
      for (const g of checked.guides) for (const p of publicationsOf(g)) results.push(await publishGuide(db, p as unknown as GuideInput));
      out({ published: results }, results.map((r) => `Published ${r.id} (${r.lang}) version ${r.version}`).join('\n'));
    }
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);

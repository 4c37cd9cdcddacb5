/** `npm start`: the app and the sync API on one port. */
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { configFromEnv } from './config';
import { openDatabase } from './db/adapter';
import { migrate } from './db/migrate';
import { buildApp } from './app';
import { countTeams, createTeam } from './services/teams';
import { startRetention } from './services/retention';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const config = configFromEnv(process.env, pkg.version);

if (config.staticDir === 'dist' && (!existsSync('dist/index.html') || process.argv.includes('--rebuild'))) {
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// From here on, files the server makes (the PGlite data folder) are readable by its user only.
process.umask(0o077);
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, postgres: config.database });
await migrate(db);
const app = await buildApp({ db, config }, { logger: true });
await app.listen({ port: config.port, host: config.host });
const stopRetention = startRetention(db, config.retentionDays, (e) => app.log.error(e, 'pruning old push answers failed'));
// The port actually bound: PORT=0 asks the system for a free one.
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
console.log(`\nCộng Đồng Số is running at ${base}/  (database: ${db.kind})`);

// A newcomer on the embedded database gets a demo team to join at once; never on PostgreSQL.
if (db.kind === 'pglite' && (await countTeams(db)) === 0) {
  // One use: whoever joins with it is the head; `npm run admin -- invite --team …` prints another.
  const demo = await createTeam(db, app.ctx.inviteKey, 'Xã Demo', 'Tổ công nghệ số thôn Demo', 1);
  console.log(`A demo team was created. Join it as its head (this code works once): ${base}/join?code=${demo.inviteCode}  (code ${demo.inviteCode})`);
  console.log(`A new head invite at any time: npm run admin -- invite --team "Tổ công nghệ số thôn Demo"\n`);
}

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  stopRetention();
  console.log(`${signal}: finishing requests in flight, then closing the database`);
  await app.close();
  await db.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

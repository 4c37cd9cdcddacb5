// `npm run test:server:pg`: the server suites (and the sync engine suites, which drive the real
// server) against a real PostgreSQL at TEST_DATABASE_URL. .ci/run starts one.
import { spawnSync } from 'node:child_process';

if (!process.env.TEST_DATABASE_URL) {
  console.error('Set TEST_DATABASE_URL, e.g. postgres://cds:cds@127.0.0.1:5432/cds_test');
  process.exit(2);
}
const runs = [
  ['vitest', 'run', '--config', 'vitest.server.config.ts'],
  ['vitest', 'run', 'src/sync'],
];
for (const args of runs) {
  const r = spawnSync('npx', args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// `npm run test:e2e`: builds the app when needed (or always with --rebuild / E2E_REBUILD=1, and in CI),
// then runs the browser tests with Vitest against that build. --no-rebuild: the caller has just
// built dist/ (.ci/run builds it beside lint and typecheck), so only a missing build is made.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const rebuild = !args.includes('--no-rebuild') && (args.includes('--rebuild') || process.env.E2E_REBUILD === '1' || process.env.CI === 'true');
if (rebuild || !existsSync('dist/index.html')) {
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const rest = args.filter((a) => a !== '--rebuild' && a !== '--no-rebuild');
const r = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);

// `npm start`: builds the app when there is no build yet, then serves it on PORT / HOST
// (defaults 8080 and 127.0.0.1). The sync server will take over serving in a later step.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { preview } from 'vite';

if (!existsSync('dist/index.html') || process.argv.includes('--rebuild')) {
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const server = await preview({ preview: { host, port, strictPort: true } });
console.log(`Cộng Đồng Số is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await server.close();
    process.exit(0);
  });
}

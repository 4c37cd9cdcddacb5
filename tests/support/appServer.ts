/**
 * The real server (app + sync API) for browser tests: serves dist/ and the API on 127.0.0.1 and
 * a free port, on an in-memory PGlite.
 */
import type { FastifyInstance } from 'fastify';
import { openPglite } from '../../server/db/pglite';
import { migrate } from '../../server/db/migrate';
import { buildApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { createInvite, createTeam } from '../../server/services/teams';
import type { Database } from '../../server/db/adapter';

export interface AppServer {
  url: string;
  app: FastifyInstance;
  db: Database;
  newTeam(name?: string): Promise<{ teamId: string; communeId: string; headCode: string; memberCode(): Promise<string> }>;
  close(): Promise<void>;
}

export async function startAppServer(staticDir = 'dist'): Promise<AppServer> {
  const db = await openPglite('memory://');
  await migrate(db);
  const app = await buildApp({ db, config: { ...configFromEnv({}, 'e2e'), staticDir } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    db,
    async newTeam(name = 'Tổ công nghệ số thôn Đông') {
      const t = await createTeam(db, app.ctx.inviteKey, 'Xã Thử Nghiệm', name);
      return {
        teamId: t.teamId,
        communeId: t.communeId,
        headCode: t.inviteCode,
        memberCode: async () => (await createInvite(db, app.ctx.inviteKey, { communeId: t.communeId, teamId: t.teamId, role: 'member', maxUses: 1, ttlHours: 1 })).code,
      };
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

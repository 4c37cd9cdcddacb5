/**
 * A server for tests: the real app on a fresh database — in-memory PGlite, or a fresh schema of
 * the PostgreSQL at TEST_DATABASE_URL (CI runs the same suites both ways).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Database } from './db/adapter';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import { migrate } from './db/migrate';
import { buildApp, type AppOptions } from './app';
import { configFromEnv, type ServerConfig } from './config';
import { createAdminInvite, createTeam } from './services/teams';

export interface TestServer {
  app: FastifyInstance;
  db: Database;
  config: ServerConfig;
  /** Creates a team and enrolls its head; returns the head's token. */
  team(name?: string, commune?: string): Promise<TestTeam>;
  admin(commune: string): Promise<{ token: string; communeId: string }>;
  enroll(code: string, name?: string, device?: string): Promise<{ token: string; user: { id: string; role: string }; team: { id: string } | null }>;
  inject(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestTeam {
  teamId: string;
  communeId: string;
  inviteCode: string;
  headToken: string;
  headUserId: string;
  /** Enrolls another user of the team with a fresh invite. */
  member(name?: string, role?: 'member' | 'head'): Promise<{ token: string; userId: string }>;
}

/** Names the dump of a migrated PGlite cluster that test servers start from (tests/support/pgliteTemplate.ts). */
export const PGLITE_TEMPLATE_ENV = 'CDS_TEST_PGLITE_TEMPLATE';

export async function startTestServer(overrides: Partial<ServerConfig> = {}, appOptions: AppOptions = {}): Promise<TestServer> {
  const url = process.env.TEST_DATABASE_URL;
  let db: Database;
  let dropSchema: (() => Promise<void>) | undefined;
  if (url) {
    const schema = `t_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    db = await openPostgres(url, schema);
    dropSchema = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    };
  } else {
    const template = process.env[PGLITE_TEMPLATE_ENV];
    db = await openPglite('memory://', template ? { loadDataDir: new Blob([readFileSync(template)]) } : {});
  }
  await migrate(db);
  return testServerOn(db, overrides, dropSchema, appOptions);
}

/** The test server over a database already migrated; `dropSchema` runs after the database closes. */
export async function testServerOn(db: Database, overrides: Partial<ServerConfig> = {}, dropSchema?: () => Promise<void>, appOptions: AppOptions = {}): Promise<TestServer> {
  const config: ServerConfig = { ...configFromEnv({}, 'test'), staticDir: undefined, ...overrides };
  const app = await buildApp({ db, config }, appOptions);

  const inject: TestServer['inject'] = ({ token, headers, ...rest }) =>
    app.inject({ ...rest, headers: { ...(headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  const enroll: TestServer['enroll'] = async (code, name = 'Người dùng', device = 'Test phone') => {
    const r = await app.inject({ method: 'POST', url: '/api/auth/enroll', payload: { code, name, device } });
    if (r.statusCode !== 201) throw new Error(`enroll failed: ${r.statusCode} ${r.body}`);
    return r.json();
  };

  return {
    app,
    db,
    config,
    inject,
    enroll,
    async team(name = `Tổ ${randomUUID().slice(0, 6)}`, commune = 'Xã Thử Nghiệm') {
      const t = await createTeam(db, app.ctx.inviteKey, commune, name);
      const head = await enroll(t.inviteCode, 'Trưởng thôn');
      return {
        ...t,
        headToken: head.token,
        headUserId: head.user.id,
        async member(memberName = 'Tổ viên', role = 'member') {
          const r = await inject({ method: 'POST', url: '/api/invites', token: head.token, payload: { role, maxUses: 1, ttlHours: 1 } });
          const m = await enroll(r.json().code, memberName);
          return { token: m.token, userId: m.user.id };
        },
      };
    },
    async admin(commune) {
      const a = await createAdminInvite(db, app.ctx.inviteKey, commune);
      const r = await enroll(a.inviteCode, 'Cán bộ xã');
      return { token: r.token, communeId: a.communeId };
    },
    async close() {
      await app.close();
      await db.close();
      await dropSchema?.();
    },
  };
}

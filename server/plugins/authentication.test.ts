// @vitest-environment node
/**
 * Authentication is decided on the matched route (sync spec, "Limits"): every private route
 * answers 401 to a request without a valid token, whatever spelling its path has; public routes
 * stay public in every spelling; a request that matches no route is 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer, type TestTeam } from '../testing';
import { counts, Device, expectError, householdFields, NO_RATE_LIMIT, SETUP_TIMEOUT, uuid } from '../test-fixtures';

let server: TestServer;
let team: TestTeam;
let port: number;
let deviceId: string;

beforeAll(async () => {
  server = await startTestServer(NO_RATE_LIMIT);
  team = await server.team();
  await new Device(server, team.headToken).created('household', householdFields());
  const list = await server.inject({ method: 'GET', url: '/api/team', token: team.headToken });
  deviceId = (list.json() as { devices: { id: string }[] }).devices[0]!.id;
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  port = (server.app.server.address() as AddressInfo).port;
}, SETUP_TIMEOUT);
afterAll(() => server?.close(), SETUP_TIMEOUT);

const PUBLIC = ['GET /api/health', 'GET /api/guides', 'POST /api/auth/enroll'];

/** Every private route with a body that would be accepted with a token. */
const privateRoutes = (): Array<{ method: 'GET' | 'POST' | 'PUT'; path: string; payload?: object }> => [
  { method: 'GET', path: '/api/team' },
  { method: 'POST', path: '/api/auth/renew', payload: {} },
  { method: 'POST', path: '/api/invites', payload: { role: 'head', maxUses: 1, ttlHours: 1 } },
  { method: 'POST', path: `/api/devices/${deviceId}/revoke`, payload: {} },
  { method: 'PUT', path: `/api/devices/${deviceId}/label`, payload: { label: 'Samsung A15' } },
  { method: 'GET', path: '/api/invites' },
  { method: 'POST', path: `/api/invites/${deviceId}/cancel`, payload: {} },
  {
    method: 'POST',
    path: '/api/sync/push',
    payload: { protocol: 1, deviceId: uuid(), mutations: [{ mid: uuid(), seq: 1, entity: 'neighborhood', op: 'create', id: uuid(), fields: { name: 'X', kind: 'thon' } }] },
  },
  { method: 'GET', path: '/api/sync/pull' },
  { method: 'GET', path: '/api/reports/summary?from=2026-11-01&to=2026-11-30' },
  { method: 'GET', path: '/api/reports/settings' },
  { method: 'PUT', path: '/api/reports/settings', payload: { indicators: ['visits'], targets: {} } },
  { method: 'GET', path: '/api/audit' },
  { method: 'GET', path: `/api/households/${deviceId}/export` },
  { method: 'POST', path: `/api/households/${deviceId}/erase`, payload: {} },
  { method: 'POST', path: `/api/members/${deviceId}/erase`, payload: {} },
];

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Spellings the router reads as `path`: letters percent-encoded, in either case of hex. */
function spellings(url: string): string[] {
  const [path = url, query] = url.split('?');
  return pathSpellings(path).map((p) => (query === undefined ? p : `${p}?${query}`));
}

function pathSpellings(path: string): string[] {
  const encodeAll = (upper: boolean) =>
    path
      .split('/')
      .map((segment) => [...segment].map((c) => (upper ? hex(c).toUpperCase() : hex(c))).join(''))
      .join('/');
  return [
    path,
    path.replace('/api/', '/%61pi/'),
    path.replace('/api/', '/ap%69/'),
    path.replace(/\/([a-z])([^/]*)$/, (_m, first: string, rest: string) => `/${hex(first)}${rest}`),
    encodeAll(false),
    encodeAll(true),
  ];
}

/** Sends one raw HTTP/1.1 request line and returns the status code of the answer. */
function rawStatus(requestLine: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      data += chunk;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on('error', reject);
    socket.write(`${requestLine}\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  });
}

describe('the routes', () => {
  it('are all private except health, guides and enroll (a new route is added to this test)', () => {
    // The printed tree nests a route under another that is its prefix (/api/invites, /:id/cancel).
    const stack: string[] = [];
    const listed = server.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .flatMap((line) => {
        const m = /^(.*?)(\/\S*) \(([A-Z, ]+)\)$/.exec(line);
        if (!m) return [];
        const depth = m[1]!.length / 4 - 1;
        stack.length = depth;
        const path = stack.join('') + m[2]!;
        stack.push(m[2]!);
        return m[3]!
          .split(', ')
          .filter((method) => method !== 'HEAD')
          .map((method) => `${method} ${path}`);
      });
    const privates = privateRoutes().map((r) => `${r.method} ${r.path.replace(deviceId, ':id').split('?')[0]}`);
    expect(listed.sort()).toEqual([...PUBLIC, ...privates].sort());
  });
});

describe('a private route without a valid token', () => {
  it('is 401 in every spelling of its path, and changes nothing', async () => {
    const before = await counts(server);
    for (const route of privateRoutes()) {
      for (const url of spellings(route.path)) {
        for (const token of [undefined, 'not-a-token']) {
          const r = await server.inject({ method: route.method, url, payload: route.payload, token });
          expectError(r, 401, 'UNAUTHENTICATED');
        }
      }
    }
    expect(await counts(server)).toEqual(before);
  });

  it('is 401 with an absolute-form request line, and with encoded letters on the wire', async () => {
    const before = await counts(server);
    for (const route of privateRoutes()) {
      for (const path of spellings(route.path)) {
        expect(await rawStatus(`${route.method} http://127.0.0.1:${port}${path} HTTP/1.1`), `${route.method} absolute ${path}`).toBe(401);
        expect(await rawStatus(`${route.method} ${path} HTTP/1.1`), `${route.method} ${path}`).toBe(401);
      }
    }
    expect(await counts(server)).toEqual(before);
  });

  it('still works with the token, whatever the spelling', async () => {
    for (const url of spellings('/api/team')) {
      expect((await server.inject({ method: 'GET', url, token: team.headToken })).statusCode, url).toBe(200);
    }
  });
});

describe('public routes and unknown ones', () => {
  it('public routes answer without a token in every spelling', async () => {
    for (const path of ['/api/health', '/api/guides']) {
      for (const url of spellings(path)) expect((await server.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('a path that matches no route is 404, with or without a token', async () => {
    for (const url of ['/api/nope', '/%61pi/nope', '/api/team/extra', '/api/sync/pulls']) {
      expectError(await server.inject({ method: 'GET', url }), 404, 'NOT_FOUND');
      expectError(await server.inject({ method: 'GET', url, token: team.headToken }), 404, 'NOT_FOUND');
    }
  });
});

describe('roles named by the route', () => {
  it('a member gets 403 FORBIDDEN from a head-only route in every spelling', async () => {
    const member = await team.member('Tổ viên');
    const before = await counts(server);
    for (const url of spellings(`/api/devices/${deviceId}/revoke`)) {
      expectError(await server.inject({ method: 'POST', url, payload: {}, token: member.token }), 403, 'FORBIDDEN');
    }
    for (const url of spellings('/api/invites')) {
      expectError(await server.inject({ method: 'POST', url, payload: { role: 'head', maxUses: 1, ttlHours: 1 }, token: member.token }), 403, 'FORBIDDEN');
      expectError(await server.inject({ method: 'GET', url, token: member.token }), 403, 'FORBIDDEN');
    }
    for (const url of spellings(`/api/invites/${deviceId}/cancel`)) {
      expectError(await server.inject({ method: 'POST', url, payload: {}, token: member.token }), 403, 'FORBIDDEN');
    }
    expect(await counts(server)).toEqual(before);
  });
});

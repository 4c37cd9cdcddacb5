/**
 * Authentication and the rate limits (per client address before it, per device and per team after), decided
 * on the matched route: a route is private unless it says `config: { public: true }`, and may
 * name the roles it serves (`config: { roles: ['head'] }`). Whatever spelling the path has (`/%61pi/team`, an absolute-form
 * request line), the router has already matched it to its route when this runs, so no spelling
 * reaches a private handler without a token. A request that matches no route is left to the 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../src/domain/wire';
import { authenticate, type Caller } from '../services/auth';
import { addressKey } from '../services/rateLimit';
import { sendError, sendRateLimited } from '../errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered without a token (health, guides, enroll). */
    public?: boolean;
    /** Only these roles; anyone else gets 403 FORBIDDEN. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    caller?: Caller;
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(h)?.[1];
}

const UNAUTHORIZED_MESSAGES = {
  DEVICE_REVOKED: 'this device was removed from the team',
  TOKEN_EXPIRED: 'this device was not used for too long; join again with an invite code (its data stays on it)',
  UNAUTHENTICATED: 'sign in again with an invite code',
} as const;

const ROLE_NAMES: Record<Role, string> = { member: 'a team member', head: 'a team head', admin: 'an admin' };

/** The authenticated caller of a private route. */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new Error(`${req.routeOptions.url ?? 'this route'} is public: it has no caller`);
  return req.caller;
}

async function authentication(app: FastifyInstance): Promise<void> {
  const { db, limits, lastSeen, tokens } = app.ctx;
  const { tokenIdleDays } = app.ctx.config;
  app.decorateRequest('caller', undefined);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const { config } = req.routeOptions;
    if (req.is404 || config.public) return;
    // Every request spends one from its address until its token proves good, and the spending
    // comes first: random tokens are refused here without a database lookup, however many are
    // sent at once, while a device with a good token only borrows one for the lookup's length.
    const address = addressKey(req.ip);
    const waitAddress = limits.address.take(address);
    if (waitAddress > 0) return sendRateLimited(reply, waitAddress);
    const outcome = await authenticate(db, lastSeen, bearer(req), tokenIdleDays, tokens);
    if (!outcome.ok) return sendError(reply, 401, outcome.code, UNAUTHORIZED_MESSAGES[outcome.code]);
    limits.address.refund(address);
    const waitDevice = limits.device.take(outcome.caller.deviceId);
    if (waitDevice > 0) return sendRateLimited(reply, waitDevice);
    // The team's devices together (an admin's commune, which has no team, counts as one).
    const team = outcome.caller.teamId ?? `commune ${outcome.caller.communeId}`;
    const waitTeam = limits.team.take(team);
    if (waitTeam > 0) {
      // Refused for its team's sake: the device's own allowance is not spent on it.
      limits.device.refund(outcome.caller.deviceId);
      return sendRateLimited(reply, waitTeam);
    }
    if (config.roles && !config.roles.includes(outcome.caller.role)) {
      return sendError(reply, 403, 'FORBIDDEN', `only ${config.roles.map((r) => ROLE_NAMES[r]).join(' or ')} can do this`);
    }
    req.caller = outcome.caller;
  });
}

export default fp(authentication, { name: 'authentication' });

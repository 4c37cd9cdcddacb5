/** Checks a push body's envelope before anything is applied (sync spec, "POST /api/sync/push"). */
import { isUuid } from '../../src/domain/ids';

export interface IncomingMutation {
  mid: string;
  seq: number;
  entity: unknown;
  op: 'create' | 'patch' | 'delete';
  id: string;
  baseVersion?: unknown;
  fields?: unknown;
  clientTs?: unknown;
}

export interface PushBody {
  protocol: 1;
  deviceId: string;
  appVersion?: string;
  mutations: IncomingMutation[];
}

export type EnvelopeCheck =
  | { ok: true; body: PushBody }
  | { ok: false; status: 400 | 413 | 426; code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE' | 'UPGRADE_REQUIRED'; message: string };

export const MAX_MUTATIONS = 500;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const OPS = new Set(['create', 'patch', 'delete']);

const bad = (message: string): EnvelopeCheck => ({ ok: false, status: 400, code: 'BAD_REQUEST', message });

export function checkEnvelope(raw: unknown): EnvelopeCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('body must be a JSON object');
  const body = raw as Record<string, unknown>;
  // A protocol we do not speak comes first: the app must update, whatever else is wrong.
  if (Number.isInteger(body.protocol) && body.protocol !== 1) {
    return { ok: false, status: 426, code: 'UPGRADE_REQUIRED', message: 'this server speaks sync protocol 1; update the app' };
  }
  if (body.protocol !== 1) return bad('protocol must be the integer 1');
  if (typeof body.deviceId !== 'string' || !isUuid(body.deviceId)) return bad('deviceId must be a UUID');
  if (body.appVersion !== undefined && typeof body.appVersion !== 'string') return bad('appVersion must be a string');
  if (!Array.isArray(body.mutations)) return bad('mutations must be an array');
  if (body.mutations.length > MAX_MUTATIONS) {
    return { ok: false, status: 413, code: 'PAYLOAD_TOO_LARGE', message: `at most ${MAX_MUTATIONS} mutations per request` };
  }
  const mids = new Set<string>();
  for (const [i, m] of body.mutations.entries()) {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return bad(`mutations[${i}] must be an object`);
    const mu = m as Record<string, unknown>;
    if (typeof mu.mid !== 'string' || !isUuid(mu.mid)) return bad(`mutations[${i}].mid must be a UUID`);
    if (mids.has(mu.mid.toLowerCase())) return bad(`mutations[${i}].mid is repeated in this request`);
    mids.add(mu.mid.toLowerCase());
    if (!Number.isInteger(mu.seq) || (mu.seq as number) < 1 || (mu.seq as number) > MAX_SEQ) return bad(`mutations[${i}].seq must be an integer from 1 to 2^53-1`);
    if (typeof mu.op !== 'string' || !OPS.has(mu.op)) return bad(`mutations[${i}].op must be create, patch or delete`);
    if (typeof mu.id !== 'string' || !isUuid(mu.id)) return bad(`mutations[${i}].id must be a UUID`);
  }
  return { ok: true, body: body as unknown as PushBody };
}

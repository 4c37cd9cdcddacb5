/**
 * The push answers that come before the body's shape is checked (sync spec, "POST /api/sync/push"):
 * a protocol this server does not speak is `426` whatever else is wrong, so the app knows to
 * update; too many mutations is `413`, so the app halves its batch. The shape itself is the
 * route's schema (`pushRequest` in src/domain/wire.ts).
 */
import { MAX_MUTATIONS, PROTOCOL } from '../../src/domain/wire';

export interface EnvelopeRefusal {
  status: 413 | 426;
  code: 'PAYLOAD_TOO_LARGE' | 'UPGRADE_REQUIRED';
  message: string;
}

export function refuseEnvelope(raw: unknown): EnvelopeRefusal | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { protocol, mutations } = raw as Record<string, unknown>;
  if (Number.isInteger(protocol) && protocol !== PROTOCOL) {
    return { status: 426, code: 'UPGRADE_REQUIRED', message: `this server speaks sync protocol ${PROTOCOL}; update the app` };
  }
  if (Array.isArray(mutations) && mutations.length > MAX_MUTATIONS) {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `at most ${MAX_MUTATIONS} mutations per request` };
  }
  return undefined;
}

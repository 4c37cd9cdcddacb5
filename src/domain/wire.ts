/**
 * The messages between the app and the sync server (../shared/spec/sync-protocol.md, "Routes"),
 * declared once for both sides. What the server checks is a zod/mini schema, used as the route's
 * schema; what the server builds and the app reads is a type. The app imports only types from
 * here, so zod stays out of its first screens.
 */
import * as z from 'zod/mini';
import { isUuid } from './ids';
import { codePointLength } from './text';
import type { Mutation, MutationOp } from './sync';

export type Role = 'member' | 'head' | 'admin';

export interface Named {
  id: string;
  name: string;
}

export interface SessionUser extends Named {
  role: Role;
}

/** Every answer that is not a success, with a 4xx or 5xx status. */
export interface ErrorBody {
  error: { code: string; message: string };
}

const uuid = z.string().check(z.refine(isUuid, 'must be a UUID'));
const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

// ---------------------------------------------------------------- GET /api/health

export interface HealthResponse {
  status: 'ok';
  db: 'pglite' | 'postgres';
  version: string;
}

// ---------------------------------------------------------------- POST /api/auth/enroll

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What a person typed: no control characters (NUL above all), trimmed, 1 to `max` code points. */
const typed = (max: number) =>
  z.string().check(
    z.refine((s) => !CONTROL.test(s), 'must not contain control characters'),
    z.trim(),
    z.refine((s) => s.length > 0 && codePointLength(s) <= max, `must be 1 to ${max} characters`),
  );

export const enrollRequest = z.object({
  code: typed(64),
  name: typed(100),
  device: z.optional(typed(200)),
});
export type EnrollRequest = z.input<typeof enrollRequest>;

export interface EnrollResponse {
  token: string;
  user: SessionUser;
  /** null for an admin, who gets its commune instead. */
  team: Named | null;
  commune?: Named;
}

// ---------------------------------------------------------------- POST /api/auth/renew

/** The device's new token; the one it sent stops working once this one is used. */
export interface RenewTokenResponse {
  token: string;
}

// ---------------------------------------------------------------- GET /api/team

export interface DeviceInfo {
  id: string;
  userId: string;
  label: string;
  lastSeenAt: string | null;
  revoked: boolean;
  /** The device that asked: the head's own phone, which it does not remove from the list. */
  current: boolean;
}

/** A team user's answer; `devices` only for a head. */
export interface TeamRoster {
  team: Named;
  users: SessionUser[];
  devices?: DeviceInfo[];
  /** The asking phone, so its person can name its model. */
  thisDevice?: { id: string; label: string };
}

/** An admin's answer: the teams of its commune. */
export interface CommuneTeams {
  commune: Named;
  teams: Named[];
}

/** Either answer; the other one's keys are absent, so a reader can test any of them. */
export type TeamResponse =
  | (TeamRoster & { commune?: undefined; teams?: undefined })
  | (CommuneTeams & { team?: undefined; users?: undefined; devices?: undefined; thisDevice?: undefined });

// ---------------------------------------------------------------- POST /api/invites

export const inviteRequest = z.object({
  role: z.enum(['member', 'head']),
  maxUses: int(1, 100),
  ttlHours: int(1, 720),
  /** An admin names a team of its commune; a head invites into its own. */
  teamId: z.optional(uuid),
});
export type InviteRequest = z.input<typeof inviteRequest>;

export interface InviteResponse {
  code: string;
  expiresAt: string;
  /** Echoed so the screen restates what the code just made is for. */
  role: 'member' | 'head' | 'admin';
}

// ---------------------------------------------------------------- GET /api/invites

/** A live invite of the team, as a head sees it: never its code, which is only kept hashed. */
export interface InviteInfo {
  id: string;
  role: 'member' | 'head';
  usesLeft: number;
  expiresAt: string;
  createdAt: string;
  /** The user who made it; null for one printed on the server (npm start, npm run admin). */
  createdBy: { id: string; name: string } | null;
}

export interface InviteList {
  invites: InviteInfo[];
}

// ---------------------------------------------------------------- POST /api/invites/:id/cancel

export interface CancelInviteResponse {
  cancelled: true;
}

// ---------------------------------------------------------------- PUT /api/devices/:id/label

/** The phone's model as its person names it ("Samsung A15"). */
export const deviceLabelRequest = z.object({ label: typed(200) });
export type DeviceLabelRequest = z.input<typeof deviceLabelRequest>;

// ---------------------------------------------------------------- POST /api/devices/:id/revoke

export interface RevokeResponse {
  revoked: true;
}

// ---------------------------------------------------------------- POST /api/sync/push

export const PROTOCOL = 1;
/** More mutations in one push is `413 PAYLOAD_TOO_LARGE`. */
export const MAX_MUTATIONS = 500;

const OPS = ['create', 'patch', 'delete'] as const satisfies readonly MutationOp[];

/**
 * The envelope of one mutation: what makes a push `400` when wrong. The rest (entity, fields,
 * baseVersion) is judged per mutation, and a wrong value there rejects that mutation only.
 */
export const pushMutation = z.object({
  mid: uuid,
  seq: int(1, Number.MAX_SAFE_INTEGER),
  op: z.enum(OPS),
  id: uuid,
  entity: z.optional(z.unknown()),
  baseVersion: z.optional(z.unknown()),
  fields: z.optional(z.unknown()),
  clientTs: z.optional(z.unknown()),
});
export type PushMutation = z.output<typeof pushMutation>;

function midsUnique(mutations: readonly { mid: string }[]): boolean {
  return new Set(mutations.map((m) => m.mid.toLowerCase())).size === mutations.length;
}

export const pushRequest = z.object({
  protocol: z.literal(PROTOCOL),
  deviceId: uuid,
  appVersion: z.optional(z.string()),
  mutations: z.array(pushMutation).check(z.refine(midsUnique, 'a mid is repeated in this request')),
});
export type PushBody = z.output<typeof pushRequest>;

/** What the app sends: its mutations are whole ones, a narrower shape than the envelope. */
export type PushRequest = z.input<typeof pushRequest> & { appVersion: string; mutations: Mutation[] };

export type RejectCode = 'VALIDATION' | 'FORBIDDEN' | 'GONE' | 'NOT_FOUND';

export type PushResult =
  | { mid: string; status: 'applied'; version: number; serverSeq: number }
  | { mid: string; status: 'duplicate'; version: number }
  | { mid: string; status: 'conflict'; version: number; serverSeq?: number; fields: string[]; server: Record<string, unknown> }
  | { mid: string; status: 'rejected'; code: RejectCode; message: string };

export interface PushResponse {
  results: PushResult[];
}

// ---------------------------------------------------------------- GET /api/sync/pull

export const PULL_LIMIT = { max: 1000, default: 500 } as const;

function isPullLimit(s: string): boolean {
  return /^\d{1,4}$/.test(s) && Number(s) >= 1 && Number(s) <= PULL_LIMIT.max;
}

export const pullQuery = z.object({
  /** Opaque; empty is the same as none (from the beginning). */
  cursor: z.optional(z.string()),
  limit: z.optional(z.pipe(z.string().check(z.refine(isPullLimit, `must be an integer from 1 to ${PULL_LIMIT.max}`)), z.transform(Number))),
});
export type PullQuery = z.output<typeof pullQuery>;

export interface PullChange {
  entity: string;
  id: string;
  version: number;
  deleted: boolean;
  /** The record's fields plus teamId, createdBy, updatedBy and updatedAt; null for a tombstone. */
  data: Record<string, unknown> | null;
}

export interface PullResponse {
  changes: PullChange[];
  cursor: string;
  hasMore: boolean;
  reset: boolean;
  /**
   * On a pull from the beginning only (no cursor, or a reset): how many records the team holds,
   * this page's included, so a first sync can show how far it is.
   */
  total?: number;
}

// ---------------------------------------------------------------- GET /api/guides

export const guidesQuery = z.object({
  since: z.optional(z.string().check(z.regex(/^\d{0,15}$/, 'must be a non-negative integer'))),
});

export interface PublishedGuide {
  id: string;
  slug: string;
  version: number;
  lang: string;
  title: string;
  /** A guide file (domain/guides.ts), which the app validates before keeping it. */
  body: unknown;
}

export interface GuidesResponse {
  guides: PublishedGuide[];
  latest: number;
}

// ---------------------------------------------------------------- GET /api/audit

/** A record change (push) or one of the events below. */
export type AuditOp =
  | 'create'
  | 'patch'
  | 'delete'
  | 'cascade-delete'
  | 'create-unchanged'
  | 'patch-unchanged'
  | 'delete-unchanged'
  | 'enroll'
  | 'invite-create'
  | 'invite-cancel'
  | 'device-revoke'
  | 'report-read'
  | 'household-export'
  | 'erase';

export const AUDIT_LIMIT = { max: 200, default: 50 } as const;

function isAuditLimit(s: string): boolean {
  return /^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= AUDIT_LIMIT.max;
}

export const auditQuery = z.object({
  /** Opaque: the `cursor` of the previous page; none is the newest page. */
  cursor: z.optional(z.string().check(z.regex(/^\d{1,19}$/, 'must be a cursor this server gave'))),
  limit: z.optional(z.pipe(z.string().check(z.refine(isAuditLimit, `must be an integer from 1 to ${AUDIT_LIMIT.max}`)), z.transform(Number))),
});
export type AuditQuery = z.output<typeof auditQuery>;

/** Who did what and when: names of fields, never their values. */
export interface AuditEntry {
  /** Unique in the audit (the list's key). */
  id: string;
  at: string;
  /** null for a commune admin's own events. */
  teamId: string | null;
  /** A synced entity, or 'device', 'invite', 'report'. */
  entity: string;
  op: AuditOp;
  /** The record, device or invite concerned; null when there is none (a report, a new invite). */
  recordId: string | null;
  /** The names of the fields written, sorted. */
  fields: string[];
  /** The team account that did it (null for the server's own cascade in older rows). */
  user: Named | null;
  deviceId: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass it back for the next (older) page; null when this was the last. */
  cursor: string | null;
}

// ---------------------------------------------------------------- households: export and erase

/** One household's data as the server holds it (a data-subject access request). */
export interface HouseholdExport {
  exportedAt: string;
  household: Record<string, unknown>;
  members: Record<string, unknown>[];
  visits: Record<string, unknown>[];
  checklistSteps: Record<string, unknown>[];
  /** Group sessions that list the household (their own fields are not the household's data). */
  sessions: { id: string; date: unknown; place: unknown }[];
}

export interface EraseResponse {
  erased: true;
  /** How many records were tombstoned (the household and what the delete cascade takes). */
  records: number;
}

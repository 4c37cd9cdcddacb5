/** What the device stores: the synced fields plus sync metadata and local, derived search keys. */
import type {
  ChecklistStepFields,
  HouseholdFields,
  MemberFields,
  NeighborhoodFields,
  SessionFields,
  VisitFields,
} from '../domain/schemas';
import type { Mutation, SyncState } from '../domain/sync';
import type { EntityName } from '../domain/vocab';

export interface RecordMeta {
  id: string;
  teamId?: string;
  /** Server version; 0 until the server first accepts the record. */
  version: number;
  /** Tombstone flag (0/1 so that IndexedDB can index it). */
  deleted: 0 | 1;
  syncState: SyncState;
  /** Device time of the last local change: for display only, never for ordering. */
  localUpdatedAt: string;
  /** Stamp of the last re-pull after a server restore that brought this record. */
  resyncMark?: string;
  /** From the server, for pulled records. */
  createdBy?: string;
  updatedBy?: string;
  updatedAt?: string;
}

/**
 * The one list of a row's keys that are the device's own bookkeeping, not the record's data: never
 * sent to the server, never exported. `localKeysOf` adds the household's derived keys.
 */
export const DEVICE_ONLY_KEYS = ['version', 'deleted', 'syncState', 'localUpdatedAt', 'resyncMark', 'nameKey'] as const;
/** Derived on household rows only; on a visit `followUpDate` is real data. */
export const HOUSEHOLD_DERIVED_KEYS = ['searchText', 'lastVisitDate', 'followUpDate'] as const;

export function localKeysOf(entity: EntityName): ReadonlySet<string> {
  return entity === 'household' ? HOUSEHOLD_LOCAL_KEYS : LOCAL_KEYS;
}

const LOCAL_KEYS: ReadonlySet<string> = new Set(DEVICE_ONLY_KEYS);
const HOUSEHOLD_LOCAL_KEYS: ReadonlySet<string> = new Set([...DEVICE_ONLY_KEYS, ...HOUSEHOLD_DERIVED_KEYS]);

export type HouseholdRow = HouseholdFields &
  RecordMeta & {
    /** Folded head name, address, neighborhood, phone and member names. */
    searchText: string;
    nameKey: string;
    /**
     * Date of the newest visit, '' when never visited. Absent until the household's summary is
     * first computed (a household a pull has just stored: see withLocalKeys in sync/pullPlan.ts).
     */
    lastVisitDate?: string;
    /** When the household should be visited again, '' when nothing is open (absent like lastVisitDate). */
    followUpDate?: string;
  };

export type MemberRow = MemberFields & RecordMeta & { nameKey: string };
export type VisitRow = VisitFields & RecordMeta;
export type SessionRow = SessionFields & RecordMeta;
export type NeighborhoodRow = NeighborhoodFields & RecordMeta;
export type ChecklistStepRow = ChecklistStepFields & RecordMeta;

export type OutboxState = 'pending' | 'conflict' | 'rejected';

export interface OutboxRow extends Mutation {
  key?: number;
  state: OutboxState;
  /** Sent at least once: the server may have applied it, so it is never folded again. */
  sent?: boolean;
  /** Why the server rejected it. */
  error?: { code: string; message: string };
  /** The fields the server refused, with its values and the version they belong to. */
  conflict?: { fields: string[]; server: Record<string, unknown>; version: number };
}

export interface DraftRow {
  /** e.g. `visit:new:<householdId>` or `household:edit:<id>`. */
  key: string;
  data: unknown;
  /** Where to go to resume it. */
  route: string;
  updatedAt: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

/** A person of the team (the roster). Before joining a team there is only the local user. */
export interface UserRow {
  id: string;
  name: string;
  role: 'member' | 'head' | 'admin';
  local?: boolean;
}

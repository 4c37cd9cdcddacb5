/**
 * Encryption at rest of the personal fields. Below every other Dexie middleware, rows are sealed
 * on their way into IndexedDB and opened on their way out: the fields listed in `SEALED` leave the
 * row and travel in one AES-GCM blob (`sealed`: 12-byte IV, then ciphertext and tag), under the
 * data key the PIN unwraps (src/lock). Everything above this layer (repositories, sync, liveQuery,
 * Dexie's own hooks and cache) sees plain rows.
 *
 * Why synchronous AES-GCM (@noble/ciphers) and not `crypto.subtle`: an IndexedDB transaction
 * commits as soon as it waits on anything that is not IndexedDB, and WebCrypto only answers with
 * promises. Dexie's way around it, `Dexie.waitFor`, keeps a transaction alive with dummy requests
 * (about 1,000 per 100 ms, its documentation warns), and a liveQuery querier may await only Dexie
 * (or a `Promise.resolve`-wrapped promise, and then it loses its observation of the tables read
 * after). Sealing inside the transaction needs neither, and keeps every read-modify-write of the
 * app atomic as it was. The cipher is the same AES-256-GCM WebCrypto computes: the same key
 * (exported raw at unlock) opens with either.
 *
 * Kept in the clear, on purpose: ids, dates, enumerations, counts, flags and the neighborhood (the
 * indexes and the indicators read them while the rows are not opened); the team's roster and its
 * membership (needed before the PIN is asked).
 */
import { gcm } from '@noble/ciphers/aes.js';
import type { DBCore, DBCoreCursor, DBCoreMutateRequest, DBCoreTable, Middleware } from 'dexie';

/** Per table: the fields sealed, and the field whose value binds a blob to its row. */
export const SEALED: Readonly<Record<string, { fields: readonly string[]; bind: string }>> = {
  households: {
    fields: ['headName', 'address', 'houseNumber', 'lane', 'phone', 'notes', 'consent', 'searchText', 'nameKey'],
    bind: 'id',
  },
  members: { fields: ['fullName', 'notes', 'nameKey'], bind: 'id' },
  visits: { fields: ['notes'], bind: 'id' },
  sessions: { fields: ['place', 'notes'], bind: 'id' },
  checklistSteps: { fields: ['note'], bind: 'id' },
  /** A change's values, the server's values of a conflict, and the server's words about it. */
  outbox: { fields: ['fields', 'conflict', 'error'], bind: 'mid' },
  drafts: { fields: ['data'], bind: 'key' },
};

/** The row's field holding the sealed blob. */
export const SEALED_FIELD = 'sealed';

export class LockedError extends Error {
  constructor() {
    super('locked');
    this.name = 'LockedError';
  }
}

/**
 * `clear`: no PIN known yet (rows are written as they are, and sealed when the PIN is set);
 * `locked`: a PIN exists and its key is not in memory (personal fields can be neither read nor
 * written); `open`: unlocked.
 */
type State = { mode: 'clear' } | { mode: 'locked' } | { mode: 'open'; key: Uint8Array };

let state: State = { mode: 'clear' };

/**
 * Plain fields by row and IV, while unlocked: a list of 10,000 households read again after every write
 * costs a map lookup per row, not a decryption. Forgotten with the key.
 */
const opened = new Map<string, Record<string, unknown>>();
const MAX_OPENED = 200_000;

/** Rows that came out of a table in the clear though they hold personal fields (written before the PIN). */
const storedClear = new WeakSet<object>();

/**
 * Blobs sealed ahead of their write with WebCrypto (`presealRows`), by table and row, with the text
 * they hold: the write takes one only when its row's personal fields give that very text, so what
 * is stored is exactly what sealing then would have stored. Each is taken once. Forgotten with the key.
 */
const presealed = new Map<string, { text: string; blob: Uint8Array }>();
const MAX_PRESEALED = 50_000;
/** The data key as WebCrypto's, imported once per key. */
let subtleKey: { raw: Uint8Array; key: Promise<CryptoKey> } | undefined;

export function openSeal(rawKey: Uint8Array): void {
  // What another key opened is not what this one would.
  opened.clear();
  presealed.clear();
  subtleKey = undefined;
  state = { mode: 'open', key: rawKey };
}

/** The PIN exists but its key is not in memory. */
export function lockSeal(): void {
  opened.clear();
  presealed.clear();
  subtleKey = undefined;
  if (state.mode === 'open') state.key.fill(0);
  state = { mode: 'locked' };
}

/** No PIN (before the first one, or after the team's data was wiped). */
export function resetSeal(): void {
  lockSeal();
  state = { mode: 'clear' };
}

export function sealMode(): State['mode'] {
  return state.mode;
}

/** Whether `row` was read from IndexedDB with personal fields in the clear. */
export function isStoredClear(row: object): boolean {
  return storedClear.has(row);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const IV_BYTES = 12;

function aad(table: string, row: Record<string, unknown>): Uint8Array {
  return encoder.encode(`${table}:${String(row[SEALED[table]!.bind])}`);
}

/** A cached opening answers only for the row it was opened on, as the AAD would. */
function cacheKey(table: string, row: Record<string, unknown>, blob: Uint8Array): string {
  return `${table}:${String(row[SEALED[table]!.bind])}:${String.fromCharCode(...blob.subarray(0, IV_BYTES))}`;
}

function remember(id: string, fields: Record<string, unknown>): void {
  if (opened.size >= MAX_OPENED) opened.clear();
  opened.set(id, fields);
}

/** The AES-GCM blob of `fields` for the row, under `key`. */
export function sealFields(key: Uint8Array, table: string, row: Record<string, unknown>, fields: Record<string, unknown>): Uint8Array {
  return sealText(key, table, row, JSON.stringify(fields));
}

function sealText(key: Uint8Array, table: string, row: Record<string, unknown>, text: string): Uint8Array {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  return withIv(iv, gcm(key, iv, aad(table, row)).encrypt(encoder.encode(text)));
}

function withIv(iv: Uint8Array, ct: Uint8Array): Uint8Array {
  const blob = new Uint8Array(IV_BYTES + ct.length);
  blob.set(iv);
  blob.set(ct, IV_BYTES);
  return blob;
}

const presealKey = (table: string, row: Record<string, unknown>) => `${table}:${String(row[SEALED[table]!.bind])}`;

/** The personal fields of a plain row, in the order sealing lists them (so equal fields give equal text). */
function personalOf(fields: readonly string[], row: Record<string, unknown>): Record<string, unknown> | undefined {
  let personal: Record<string, unknown> | undefined;
  for (const f of fields) if (row[f] !== undefined) (personal ??= {})[f] = row[f];
  return personal;
}

/**
 * Seals, ahead of their write and with WebCrypto, the rows about to be written to `table` (plain
 * rows, as written above this layer). The synchronous cipher the write needs inside its
 * transaction costs tens of microseconds a row on the page's thread (its key schedule and hash
 * tables are set up again for every blob); WebCrypto seals thousands of rows at once off that
 * thread. A row written with other values than these is sealed at its write as ever.
 */
export async function presealRows(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  const spec = SEALED[table];
  // No WebCrypto outside a secure context: every row is then sealed at its write.
  if (!spec || state.mode !== 'open' || rows.length === 0 || !globalThis.crypto?.subtle) return;
  const rawKey = state.key;
  if (subtleKey?.raw !== rawKey) subtleKey = { raw: rawKey, key: crypto.subtle.importKey('raw', rawKey as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt']) };
  const key = await subtleKey.key;
  await Promise.all(
    rows.map(async (row) => {
      // A row read while locked carries its blob: sealed at its write, where the blob is opened.
      if (row[SEALED_FIELD] !== undefined) return;
      const personal = personalOf(spec.fields, row);
      if (!personal) return;
      const text = JSON.stringify(personal);
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(table, row) as Uint8Array<ArrayBuffer> }, key, encoder.encode(text));
      // Locked meanwhile, or another key: nothing sealed under the old one is kept.
      if (state.mode !== 'open' || state.key !== rawKey) return;
      if (presealed.size >= MAX_PRESEALED) presealed.clear();
      presealed.set(presealKey(table, row), { text, blob: withIv(iv, new Uint8Array(ct)) });
    }),
  );
}

let presealedTaken = 0;

/** Blobs sealed ahead that wait for their write, and how many writes took one so far (for tests). */
export function presealedStats(): { waiting: number; taken: number } {
  return { waiting: presealed.size, taken: presealedTaken };
}

/** The fields in `blob`; throws when the key is not the one it was sealed with or the blob was altered. */
export function openFields(key: Uint8Array, table: string, row: Record<string, unknown>, blob: Uint8Array): Record<string, unknown> {
  const plain = gcm(key, blob.subarray(0, IV_BYTES), aad(table, row)).decrypt(blob.subarray(IV_BYTES));
  return JSON.parse(decoder.decode(plain)) as Record<string, unknown>;
}

/**
 * A value kept whole under the data key, outside any sealed table (the list's first page in
 * `meta`); `label` binds the blob to its place, as a row's id does. `undefined` while the key is
 * not in memory: nothing personal is written in the clear.
 */
export function sealValue(label: string, value: unknown): Uint8Array | undefined {
  if (state.mode !== 'open') return undefined;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = gcm(state.key, iv, encoder.encode(`value:${label}`)).encrypt(encoder.encode(JSON.stringify(value)));
  const blob = new Uint8Array(IV_BYTES + ct.length);
  blob.set(iv);
  blob.set(ct, IV_BYTES);
  return blob;
}

/** The value `sealValue` kept under `label`; `undefined` while locked or when another key sealed it. */
export function openValue(label: string, blob: Uint8Array): unknown {
  if (state.mode !== 'open') return undefined;
  try {
    const plain = gcm(state.key, blob.subarray(0, IV_BYTES), encoder.encode(`value:${label}`)).decrypt(blob.subarray(IV_BYTES));
    return JSON.parse(decoder.decode(plain)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * `sealValue` and `openValue` through WebCrypto, for a large value read outside any transaction:
 * the same blob, computed off the page's thread (a 2 MB value takes the synchronous cipher a
 * tenth of a second on a phone).
 */
export async function sealValueAsync(label: string, value: unknown): Promise<Uint8Array | undefined> {
  if (state.mode !== 'open') return undefined;
  const key = await crypto.subtle.importKey('raw', state.key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(`value:${label}`) }, key, encoder.encode(JSON.stringify(value)));
  return withIv(iv, new Uint8Array(ct));
}

export async function openValueAsync(label: string, blob: Uint8Array): Promise<unknown> {
  if (state.mode !== 'open') return undefined;
  try {
    const key = await crypto.subtle.importKey('raw', state.key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['decrypt']);
    const bytes = blob as Uint8Array<ArrayBuffer>;
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: encoder.encode(`value:${label}`) }, key, bytes.subarray(IV_BYTES));
    return JSON.parse(decoder.decode(plain)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Opens the blobs of `rows` (as stored, read past this layer) with WebCrypto into the cache, many at
 * once: WebCrypto's AES works off the page's thread, so after unlocking, the list of 10,000
 * households is opened in a fraction of the time the synchronous cipher would take one by one.
 */
export async function warmOpened(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (state.mode !== 'open') return;
  const rawKey = state.key;
  const key = await crypto.subtle.importKey('raw', rawKey as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['decrypt']);
  await Promise.all(
    rows.map(async (row) => {
      const stored = row[SEALED_FIELD];
      if (!(stored instanceof Uint8Array) || opened.has(cacheKey(table, row, stored))) return;
      // IndexedDB gives each blob its own ArrayBuffer.
      const blob = stored as Uint8Array<ArrayBuffer>;
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: blob.subarray(0, IV_BYTES), additionalData: aad(table, row) as Uint8Array<ArrayBuffer> },
        key,
        blob.subarray(IV_BYTES),
      );
      // Locked meanwhile (warming is not awaited by the unlock): what is opened is not kept.
      if (state.mode !== 'open' || state.key !== rawKey) return;
      remember(cacheKey(table, row, blob), JSON.parse(decoder.decode(plain)) as Record<string, unknown>);
    }),
  );
}

function sealRow(table: string, fields: readonly string[], value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const row = value as Record<string, unknown>;
  const present = fields.filter((f) => row[f] !== undefined);
  const blob = row[SEALED_FIELD] instanceof Uint8Array ? row[SEALED_FIELD] : undefined;
  if (present.length === 0) return row;
  if (state.mode === 'clear') return row;
  if (state.mode === 'locked') throw new LockedError();
  const key = state.key;
  // A row read while locked and written back carries its blob: what it holds stays, overlaid.
  const personal: Record<string, unknown> = blob ? { ...openCached(key, table, row, blob) } : {};
  for (const f of present) personal[f] = row[f];
  const out = without(row, present);
  const text = JSON.stringify(personal);
  const slot = presealKey(table, out);
  const ahead = presealed.get(slot);
  if (ahead) presealed.delete(slot);
  const sealed = ahead && ahead.text === text ? ahead.blob : sealText(key, table, out, text);
  if (sealed === ahead?.blob) presealedTaken++;
  remember(cacheKey(table, out, sealed), personal);
  out[SEALED_FIELD] = sealed;
  return out;
}

function openCached(key: Uint8Array, table: string, row: Record<string, unknown>, blob: Uint8Array): Record<string, unknown> {
  const id = cacheKey(table, row, blob);
  const known = opened.get(id);
  if (known) return known;
  const fields = openFields(key, table, row, blob);
  remember(id, fields);
  return fields;
}

function openRow(table: string, fields: readonly string[], value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const row = value as Record<string, unknown>;
  const blob = row[SEALED_FIELD];
  if (!(blob instanceof Uint8Array)) {
    if (fields.some((f) => row[f] !== undefined)) storedClear.add(row);
    return row;
  }
  // Locked: the row without its personal fields, blob kept, so writing it back loses nothing.
  if (state.mode !== 'open') return row;
  return Object.assign(without(row, [SEALED_FIELD]), openCached(state.key, table, row, blob));
}

/**
 * A copy of `row` without `fields`, built without `delete`: an object a property was deleted from
 * turns into a slow dictionary, and every row of a sync or a list went through here (IndexedDB's
 * structured clone and V8's property reads have fast paths only for the other kind).
 */
function without(row: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(row)) if (!fields.includes(k)) out[k] = row[k];
  return out;
}

/** A row read straight from IndexedDB (below Dexie), opened as this layer opens the rows it reads. */
export function openStoredRow(table: string, row: unknown): unknown {
  const spec = SEALED[table];
  return spec ? openRow(table, spec.fields, row) : row;
}

function sealedTable(down: DBCoreTable, fields: readonly string[]): DBCoreTable {
  const table = down.name;
  const open = (v: unknown) => openRow(table, fields, v);
  return {
    ...down,
    mutate(req: DBCoreMutateRequest) {
      if (req.type !== 'add' && req.type !== 'put') return down.mutate(req);
      return down.mutate({ ...req, values: req.values.map((v) => sealRow(table, fields, v)) } as DBCoreMutateRequest);
    },
    get: (req) => down.get(req).then(open),
    getMany: (req) => down.getMany(req).then((rows) => rows.map(open)),
    query: (req) => down.query(req).then((res) => (req.values ? { ...res, result: res.result.map(open) } : res)),
    openCursor: (req) =>
      down.openCursor(req).then((cursor) => {
        if (!cursor || !req.values) return cursor;
        let last: unknown;
        let plain: unknown;
        // Cursor methods are the native IDBCursor's and need it as `this`: only `value` is changed.
        return Object.create(cursor, {
          continue: { value: (key?: unknown) => cursor.continue(key) },
          continuePrimaryKey: { value: (key: unknown, primaryKey: unknown) => cursor.continuePrimaryKey(key, primaryKey) },
          advance: { value: (count: number) => cursor.advance(count) },
          key: { get: () => cursor.key },
          primaryKey: { get: () => cursor.primaryKey },
          value: {
            get: () => {
              if (cursor.value !== last) {
                last = cursor.value;
                plain = open(last);
              }
              return plain;
            },
          },
        }) as DBCoreCursor;
      }),
  };
}

/** The Dexie middleware, installed on the team's database (demo data is invented, and stays plain). */
export const sealMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'Seal',
  // Below Dexie's own middlewares (the lowest is -1): hooks, observation and cache see plain rows.
  level: -10,
  create: (down) => ({
    ...down,
    table: (name) => {
      const spec = SEALED[name];
      return spec ? sealedTable(down.table(name), spec.fields) : down.table(name);
    },
  }),
};

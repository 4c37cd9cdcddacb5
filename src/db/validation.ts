/**
 * The entity schemas (and zod) load on the first write, not on the first paint: reading screens
 * such as Today never need them. Load them before opening a transaction — an import inside one
 * would let IndexedDB commit it early.
 */
type Schemas = typeof import('../domain/schemas');

let loaded: Schemas | undefined;
let loading: Promise<Schemas> | undefined;

export function loadSchemas(): Promise<Schemas> {
  loading ??= import('../domain/schemas').then((m) => (loaded = m));
  return loading;
}

export async function schemas(): Promise<Schemas> {
  return loaded ?? loadSchemas();
}

/** The schemas inside a transaction, where loading them would commit it early. */
export function loadedSchemas(): Schemas {
  if (!loaded) throw new Error('entity schemas used before loadSchemas() resolved');
  return loaded;
}

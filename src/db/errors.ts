/** Storage errors a person can act on. */

export class StorageFullError extends Error {
  constructor(cause?: unknown) {
    super('storage-full', { cause });
    this.name = 'StorageFullError';
  }
}

export class StorageUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('storage-unavailable', { cause });
    this.name = 'StorageUnavailableError';
  }
}

export class ValidationError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('validation');
    this.name = 'ValidationError';
  }
}

export function isQuotaError(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const name = (cur as { name?: string }).name;
    if (name === 'QuotaExceededError' || name === 'QuotaExceeded') return true;
    cur = (cur as { inner?: unknown; cause?: unknown }).inner ?? (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** WebKit drops IndexedDB connections when an app comes back from the background. */
export function isConnectionLost(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const { name, message } = cur as { name?: string; message?: string };
    if (name === 'DatabaseClosedError' || /connection to indexed database server lost|database connection is closing/i.test(message ?? '')) return true;
    cur = (cur as { inner?: unknown; cause?: unknown }).inner ?? (cur as { cause?: unknown }).cause;
  }
  return false;
}

let reopen: (() => Promise<void>) | undefined;

/** Set by the database module: how to reopen the app's database after a lost connection. */
export function setReopen(fn: () => Promise<void>): void {
  reopen = fn;
}

/**
 * Runs a storage write; a full disk becomes a StorageFullError (the transaction rolled back).
 * A lost connection is reopened and the write retried once, transparently.
 */
export async function guardQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isQuotaError(e)) throw new StorageFullError(e);
    if (isConnectionLost(e) && reopen) {
      await reopen();
      try {
        return await write();
      } catch (again) {
        if (isQuotaError(again)) throw new StorageFullError(again);
        throw again;
      }
    }
    throw e;
  }
}

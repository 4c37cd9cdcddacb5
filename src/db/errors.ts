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

/** Runs a storage write; a full disk becomes a StorageFullError (the transaction rolled back). */
export async function guardQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isQuotaError(e)) throw new StorageFullError(e);
    throw e;
  }
}

/** The browser's storage manager, wrapped once; every call degrades when the API is missing. */

export interface StorageHealth {
  isSupported: boolean;
  usage?: number;
  quota?: number;
  persisted?: boolean;
}

function manager(): StorageManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.storage : undefined;
}

export async function storageHealth(): Promise<StorageHealth> {
  const m = manager();
  if (!m?.estimate) return { isSupported: false };
  const [estimate, persisted] = await Promise.all([
    m.estimate().catch(() => undefined),
    m.persisted ? m.persisted().catch(() => undefined) : Promise.resolve(undefined),
  ]);
  return { isSupported: true, usage: estimate?.usage, quota: estimate?.quota, persisted };
}

/** Asks the browser not to clear our data under storage pressure. Resolves to the answer. */
export async function requestPersistence(): Promise<boolean | undefined> {
  const m = manager();
  if (!m?.persist) return undefined;
  try {
    if (m.persisted && (await m.persisted())) return true;
    return await m.persist();
  } catch {
    return undefined;
  }
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`;
}

/** UUIDs generated on the device: v7 (time-ordered) for records and mutations, as the spec prefers. */
import { v7 } from 'uuid';

/**
 * A v7 UUID for now, or for the given millisecond. Ids made without a time by one device sort in
 * the order they were made, even within one millisecond (the library keeps a counter there).
 */
export function uuidv7(now?: number): string {
  return now === undefined ? v7() : v7({ msecs: now });
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

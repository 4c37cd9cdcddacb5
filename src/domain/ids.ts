/** UUIDs generated on the device: v7 (time-ordered) for records and mutations, as the spec prefers. */
import { v7 } from 'uuid';

/**
 * A v7 UUID whose first 48 bits are `now`, the rest random. The time is always passed: without it
 * the library keeps a per-process counter that never goes back, so an id made after the clock was
 * set back would carry a later time than the clock's.
 */
export function uuidv7(now: number = Date.now()): string {
  return v7({ msecs: now });
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

import { isIPv4, isIPv6 } from 'node:net';

/** A sustained rate and the burst allowed on top of it. */
export interface Rate {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by key (an address, a device), in memory and per process: each server process
 * counts on its own. At most `maxKeys` buckets are kept: a key never seen, or not seen for long
 * enough to have refilled, behaves exactly as a full bucket, so the least recently used are the
 * ones dropped, and a flood of new keys (random tokens, addresses) cannot grow the map.
 */
export class RateLimiter {
  // A Map iterates in insertion order; a key used again is moved to the end, so the first entry
  // is always the least recently used.
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: Rate,
    private readonly maxKeys = 10_000,
  ) {}

  /** How many buckets are held now. */
  get size(): number {
    return this.buckets.size;
  }

  /** Spends one request: 0 when allowed; otherwise the whole seconds to wait, at least 1. */
  take(key: string, now = Date.now()): number {
    const b = this.refilled(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rate.perSecond));
  }

  /** Gives back a request taken before: it turned out not to count (a token that was good). */
  refund(key: string, now = Date.now()): void {
    const b = this.refilled(key, now);
    b.tokens = Math.min(this.rate.burst, b.tokens + 1);
  }

  private refilled(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key);
      b.tokens = Math.min(this.rate.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.rate.perSecond);
      b.at = now;
    } else {
      this.sweep(now);
      b = { tokens: this.rate.burst, at: now };
    }
    this.buckets.set(key, b);
    return b;
  }

  /**
   * Before a new key: drops the oldest buckets that have refilled (dropping them changes
   * nothing), a few at a time so that no request pays for a long walk; then, at the cap, the
   * least recently used one whatever its state.
   */
  private sweep(now: number): void {
    let looked = 0;
    for (const [key, b] of this.buckets) {
      if (looked++ === 4 || b.tokens + ((now - b.at) / 1000) * this.rate.perSecond < this.rate.burst) break;
      this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
  }
}

/**
 * The key of a client address: an IPv4 address as it is (an IPv4-mapped IPv6 address as its
 * IPv4), an IPv6 address by its /64, since one subscriber usually holds a whole /64 and could
 * otherwise take a fresh address for every request.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

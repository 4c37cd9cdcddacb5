// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { addressKey, RateLimiter } from './rateLimit';

describe('RateLimiter', () => {
  it('allows the burst, then answers the whole seconds to wait, and refills at the rate', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 });
    expect([0, 0, 0].map(() => limiter.take('a', 1000))).toEqual([0, 0, 0]);
    expect(limiter.take('a', 1000)).toBe(1);
    expect(limiter.take('b', 1000)).toBe(0);
    expect(limiter.take('a', 1500)).toBe(0);
    expect(limiter.take('a', 1500)).toBe(1);
  });

  it('a refund gives one request back, never more than the burst', () => {
    const limiter = new RateLimiter({ perSecond: 1 / 60, burst: 2 });
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBeGreaterThan(0);
    limiter.refund('a', 0);
    expect(limiter.take('a', 0)).toBe(0);
    limiter.refund('a', 0);
    limiter.refund('a', 0);
    limiter.refund('a', 0);
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0, 60]);
  });

  it('holds at most maxKeys buckets however many keys come, dropping the least recently used', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, 1000);
    limiter.take('busy', 0);
    limiter.take('busy', 0);
    for (let i = 0; i < 50_000; i++) {
      limiter.take(`bogus-${i}`, 0);
      // a key in use stays, with what it has spent
      if (i % 500 === 0) expect(limiter.take('busy', 0)).toBeGreaterThan(0);
    }
    expect(limiter.size).toBeLessThanOrEqual(1000);
    expect(limiter.take('busy', 0)).toBeGreaterThan(0);
  });

  it('drops buckets that have refilled as new keys arrive, so an idle map empties', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 });
    for (let i = 0; i < 100; i++) limiter.take(`k${i}`, 0);
    expect(limiter.size).toBe(100);
    // two seconds on, every bucket is full again: each new key clears some of the old ones
    for (let i = 0; i < 30; i++) limiter.take(`later${i}`, 2000 + i);
    expect(limiter.size).toBeLessThan(40);
  });
});

describe('addressKey', () => {
  it('keeps an IPv4 address, unwraps an IPv4-mapped one and groups IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(addressKey('2001:DB8:AA:BB::9')).toBe('2001:db8:aa:bb::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0db8:0000:0001::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

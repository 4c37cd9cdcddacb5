// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config';

describe('configFromEnv: the settings for load (README, "Busy teams")', () => {
  it('has the documented defaults', () => {
    const c = configFromEnv({});
    expect(c.database).toEqual({ poolSize: 10, readReserve: 3, acquireTimeoutMs: 5_000 });
    expect(c.push).toEqual({ perTeam: 1, queuePerTeam: 16, queueWaitMs: 15_000, lockTimeoutMs: 5_000 });
  });

  it('reads each from the environment', () => {
    const c = configFromEnv({
      DATABASE_POOL_SIZE: '20',
      DATABASE_READ_RESERVE: '5',
      DATABASE_ACQUIRE_TIMEOUT_MS: '2500',
      PUSH_PER_TEAM: '2',
      PUSH_QUEUE_PER_TEAM: '0',
      PUSH_QUEUE_WAIT_MS: '3000',
      PUSH_LOCK_TIMEOUT_MS: '750',
    });
    expect(c.database).toEqual({ poolSize: 20, readReserve: 5, acquireTimeoutMs: 2_500 });
    // A queue of 0 is allowed: past the budget a push is refused at once.
    expect(c.push).toEqual({ perTeam: 2, queuePerTeam: 0, queueWaitMs: 3_000, lockTimeoutMs: 750 });
  });

  it('keeps the default for a value that is not a whole number in range', () => {
    const c = configFromEnv({ DATABASE_POOL_SIZE: '1', DATABASE_READ_RESERVE: '0', PUSH_PER_TEAM: '0', PUSH_QUEUE_PER_TEAM: '-1', PUSH_LOCK_TIMEOUT_MS: 'soon', PUSH_QUEUE_WAIT_MS: '1.5' });
    expect(c.database.poolSize).toBe(10);
    expect(c.database.readReserve).toBe(3);
    expect(c.push).toMatchObject({ perTeam: 1, queuePerTeam: 16, lockTimeoutMs: 5_000, queueWaitMs: 15_000 });
  });
});

describe('configFromEnv: TOKEN_IDLE_DAYS', () => {
  it('is 90 days unless set, and a value that is not a whole number of days stops the start', () => {
    expect(configFromEnv({}).tokenIdleDays).toBe(90);
    expect(configFromEnv({ TOKEN_IDLE_DAYS: '30' }).tokenIdleDays).toBe(30);
    expect(() => configFromEnv({ TOKEN_IDLE_DAYS: '0' })).toThrow(/TOKEN_IDLE_DAYS/);
    expect(() => configFromEnv({ TOKEN_IDLE_DAYS: 'soon' })).toThrow(/TOKEN_IDLE_DAYS/);
  });
});

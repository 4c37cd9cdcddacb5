// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../config';

describe('RETENTION_DAYS', () => {
  it('is 30 days unless set', () => {
    expect(configFromEnv({}).retentionDays).toBe(30);
    expect(configFromEnv({ RETENTION_DAYS: '90' }).retentionDays).toBe(90);
  });

  it('refuses anything but a whole number of days from 1', () => {
    for (const bad of ['0', '-3', '1.5', 'thirty']) expect(() => configFromEnv({ RETENTION_DAYS: bad })).toThrow(/RETENTION_DAYS/);
  });
});

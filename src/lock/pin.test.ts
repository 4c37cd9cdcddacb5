import { describe, expect, it } from 'vitest';
import { PBKDF2_ITERATIONS, createVault, isTooSimple, isValidPin, openVault, rewrapVault, waitAfter } from './pin';

// Fewer rounds keep the suite quick; the app always uses PBKDF2_ITERATIONS (checked below).
const FAST = 1_000;

async function roundTrip(key: CryptoKey, other: CryptoKey): Promise<string> {
  const iv = new Uint8Array(12);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode('Nguyễn Văn An'));
  return new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, other, sealed));
}

describe('PIN vault', () => {
  it('derives with at least 600,000 PBKDF2-SHA-256 rounds by default', async () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const { vault } = await createVault('246810');
    expect(vault).toMatchObject({ kdf: 'PBKDF2-SHA-256', iterations: PBKDF2_ITERATIONS });
  });

  it('opens with the right PIN to the same data key, and not with a wrong one', async () => {
    const { vault, key } = await createVault('246810', FAST);
    const opened = await openVault(vault, '246810');
    expect(opened).toBeDefined();
    expect(await roundTrip(key, opened!)).toBe('Nguyễn Văn An');
    expect(await openVault(vault, '246811')).toBeUndefined();
  });

  it('keeps no trace of the PIN: two vaults of one PIN share no bytes', async () => {
    const a = (await createVault('246810', FAST)).vault;
    const b = (await createVault('246810', FAST)).vault;
    expect(a.salt).not.toBe(b.salt);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(JSON.stringify(a)).not.toContain('246810');
  });

  it('a new PIN wraps the same data key; the old PIN no longer opens it', async () => {
    const { vault, key } = await createVault('246810', FAST);
    const changed = await rewrapVault(key, '135799', FAST);
    expect(await openVault(changed, '246810')).toBeUndefined();
    expect(await roundTrip(key, (await openVault(changed, '135799'))!)).toBe('Nguyễn Văn An');
    // The old vault still opens with the old PIN: only the stored one is replaced.
    expect(await openVault(vault, '246810')).toBeDefined();
  });

  it('accepts 6 to 12 digits and refuses the PINs tried first', () => {
    expect(isValidPin('12345')).toBe(false);
    expect(isValidPin('12345a')).toBe(false);
    expect(isValidPin('482916')).toBe(true);
    expect(isValidPin('4829164829164')).toBe(false);
    expect(isTooSimple('000000')).toBe(true);
    expect(isTooSimple('123456')).toBe(true);
    expect(isTooSimple('987654')).toBe(true);
    expect(isTooSimple('890123')).toBe(true);
    expect(isTooSimple('482916')).toBe(false);
    expect(isTooSimple('112233')).toBe(false);
  });

  it('waits longer after each wrong PIN from the fourth on, at most an hour', () => {
    expect([0, 1, 2].map(waitAfter)).toEqual([0, 0, 0]);
    expect(waitAfter(3)).toBe(30_000);
    expect(waitAfter(4)).toBe(60_000);
    expect(waitAfter(5)).toBe(120_000);
    expect(waitAfter(30)).toBe(3_600_000);
  });
});

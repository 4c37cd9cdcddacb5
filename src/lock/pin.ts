/**
 * The app lock's keys. A random data key (AES-GCM, 256 bits) is what will encrypt the personal
 * fields; it is stored only wrapped by a key derived from the PIN (PBKDF2-SHA-256), so changing
 * the PIN re-wraps the data key and touches no record. A wrong PIN is detected by the wrapping's
 * authentication tag: nothing about the PIN is stored besides the salt.
 */

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PIN_LENGTH = 6;
export const MAX_PIN_LENGTH = 12;

/** What the device keeps: enough to check a PIN and unwrap the data key with it. */
export interface StoredVault {
  v: 1;
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  /** Base64. */
  salt: string;
  iv: string;
  wrappedKey: string;
  setAt: string;
}

export function isValidPin(pin: string): boolean {
  return new RegExp(`^\\d{${MIN_PIN_LENGTH},${MAX_PIN_LENGTH}}$`).test(pin);
}

/** A PIN anyone would try first: one digit repeated, or a run up or down (123456, 987654). */
export function isTooSimple(pin: string): boolean {
  if (/^(\d)\1+$/.test(pin)) return true;
  const steps = new Set([...pin].slice(1).map((c, i) => (Number(c) - Number(pin[i]) + 10) % 10));
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function wrappingKey(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
}

async function wrap(dataKey: CryptoKey, pin: string, iterations: number): Promise<StoredVault> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.wrapKey('raw', dataKey, await wrappingKey(pin, salt, iterations), { name: 'AES-GCM', iv });
  return { v: 1, kdf: 'PBKDF2-SHA-256', iterations, salt: b64(salt), iv: b64(iv), wrappedKey: b64(new Uint8Array(wrapped)), setAt: new Date().toISOString() };
}

/** A new data key and its vault for `pin`. */
export async function createVault(pin: string, iterations = PBKDF2_ITERATIONS): Promise<{ vault: StoredVault; key: CryptoKey }> {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  return { vault: await wrap(key, pin, iterations), key };
}

/** The data key, or `undefined` when the PIN is wrong. */
export async function openVault(vault: StoredVault, pin: string): Promise<CryptoKey | undefined> {
  const unwrapping = await wrappingKey(pin, unb64(vault.salt), vault.iterations);
  try {
    return await crypto.subtle.unwrapKey('raw', unb64(vault.wrappedKey), unwrapping, { name: 'AES-GCM', iv: unb64(vault.iv) }, { name: 'AES-GCM', length: 256 }, true, [
      'encrypt',
      'decrypt',
    ]);
  } catch {
    return undefined;
  }
}

/** The same data key under a new PIN (a fresh salt and IV). */
export function rewrapVault(key: CryptoKey, newPin: string, iterations = PBKDF2_ITERATIONS): Promise<StoredVault> {
  return wrap(key, newPin, iterations);
}

/**
 * How long to wait before the next try after `failures` wrong PINs in a row: three tries free,
 * then 30 s, doubling, at most an hour. A guessing hand gets about 20 tries in a day; a person who
 * mistypes loses little.
 */
export function waitAfter(failures: number): number {
  if (failures < 3) return 0;
  return Math.min(60 * 60_000, 30_000 * 2 ** (failures - 3));
}

/**
 * Seals rows ahead of their write off the page's thread (see `presealRows` in seal.ts): the same
 * AES-256-GCM blob the write would seal (12-byte IV, then ciphertext and tag, the row's table and
 * id as associated data), with the synchronous cipher. The key comes with each batch and is not
 * kept: once the phone locks, no thread holds it.
 */
import { gcm } from '@noble/ciphers/aes.js';

/** A batch: the data key and, per row, the associated data and the personal fields' JSON. */
export interface SealBatch {
  id: number;
  key: Uint8Array;
  rows: { aad: string; text: string }[];
}

/** The blobs of a batch, in its rows' order (none, with `failed`, when sealing threw). */
export interface SealedBatch {
  id: number;
  blobs: Uint8Array[];
  failed?: true;
}

const IV_BYTES = 12;
const encoder = new TextEncoder();

/** The blobs of `batch`: what `sealText` in seal.ts computes for each row. */
export function sealBatch(batch: SealBatch): SealedBatch {
  const blobs = batch.rows.map(({ aad, text }) => {
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const ct = gcm(batch.key, iv, encoder.encode(aad)).encrypt(encoder.encode(text));
    const blob = new Uint8Array(IV_BYTES + ct.length);
    blob.set(iv);
    blob.set(ct, IV_BYTES);
    return blob;
  });
  return { id: batch.id, blobs };
}

// Only as a worker: imported elsewhere (tests), it only exports sealBatch.
const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; onmessage: unknown; postMessage: (m: unknown, t: Transferable[]) => void };
if (typeof scope.WorkerGlobalScope !== 'undefined') {
  scope.onmessage = (e: MessageEvent<SealBatch>) => {
    const batch = e.data;
    let out: SealedBatch;
    try {
      out = sealBatch(batch);
    } catch {
      out = { id: batch.id, blobs: [], failed: true };
    } finally {
      batch.key.fill(0);
    }
    scope.postMessage(out, out.blobs.map((b) => b.buffer));
  };
}

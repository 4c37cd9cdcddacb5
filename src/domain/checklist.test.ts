import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHECKLIST_KEYS, CHECKLIST_NAMESPACE, CHECKLIST_STEPS, checklistStepId } from './checklist';

/** RFC 9562 UUIDv5 computed with Node's own SHA-1, independently of the library the app uses. */
function nodeUuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(Buffer.concat([ns, Buffer.from(name, 'utf8')])).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const s = h.toString('hex');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

describe('checklist step ids', () => {
  it('checks its own v5 against the RFC example: the DNS namespace', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(nodeUuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('uses the spec namespace and `${memberId}:${stepKey}` with the member id in lowercase', () => {
    const member = 'A1B2C3D4-0000-4000-8000-00000000ABCD';
    const id = checklistStepId(member, 'level1.activated');
    expect(id).toBe(nodeUuidv5(`${member.toLowerCase()}:level1.activated`, CHECKLIST_NAMESPACE));
    expect(checklistStepId(member.toLowerCase(), 'level1.activated')).toBe(id);
    expect(checklistStepId(member, 'level2.activated')).not.toBe(id);
  });

  it('is a fixed vector, so a device and the server agree across versions', () => {
    expect(checklistStepId('0194b2a0-7c1e-7a3b-9c4d-5e6f70818293', 'level1.activated')).toBe('e4a7ea19-ff89-5a02-aa1d-44fed0b216e4');
  });

  it('has one fixed list of unique keys within 1–64 characters', () => {
    expect(new Set(CHECKLIST_KEYS).size).toBe(CHECKLIST_STEPS.length);
    for (const k of CHECKLIST_KEYS) {
      expect(k.length).toBeGreaterThan(0);
      expect(k.length).toBeLessThanOrEqual(64);
    }
  });
});

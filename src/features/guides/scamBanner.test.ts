import { describe, expect, it } from 'vitest';
import type { Guide } from '../../domain/guides';
import { needsScamWarning } from './scamBanner';

const files = import.meta.glob<{ default: Guide }>('./content/*.json', { eager: true });
const byId = new Map(Object.values(files).map((m) => [m.default.id, m.default]));

describe('needsScamWarning (reference §1.5: on every VNeID screen)', () => {
  it.each(['portal-login-vneid', 'residence-on-vneid', 'criminal-record-certificate', 'birth-residence-insurance-under-6', 'online-dossier-general', 'vneid-level-1', 'payment-account-online'])(
    'shows the banner on %s, whose steps use VNeID or payments',
    (id) => {
      const g = byId.get(id);
      expect(g).toBeDefined();
      expect(needsScamWarning(g!)).toBe(true);
    },
  );

  it('does not show it on a guide that neither uses VNeID nor takes money', () => {
    const plain: Pick<Guide, 'topic' | 'prepare' | 'steps'> = {
      topic: 'digitalSkills',
      prepare: [],
      steps: [{ id: 'a', text: { vi: 'Gọi video cho con.', en: 'Video-call your child.' }, refs: ['§3.3'] }],
    };
    expect(needsScamWarning(plain)).toBe(false);
  });
});

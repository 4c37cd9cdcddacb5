import { describe, expect, it } from 'vitest';
import { consentVersionLabel } from './consentVersion';
import { consentTextMonth, consentTextVersion } from '../../domain/vocab';

describe('consent text versions', () => {
  it('each language has its own version', () => {
    expect(consentTextVersion('vi')).toBe('vi-2026-12');
    expect(consentTextVersion('en')).toBe('en-2026-12');
  });

  it('a version is shown as its month, in the person’s language', () => {
    expect(consentVersionLabel('vi-2026-12', 'vi')).toBe('12/2026');
    expect(consentVersionLabel('vi-2026-01', 'en')).toBe('January 2026');
    expect(consentVersionLabel('custom', 'vi')).toBe('custom');
    expect(consentTextMonth('vi-2026-13')).toBeUndefined();
  });
});

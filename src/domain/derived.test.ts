import { describe, expect, it } from 'vitest';
import { composeAddress, deriveFields, isDerivedField, withDerived } from './derived';

describe('derived fields', () => {
  it('composes the address from the house number and the lane', () => {
    expect(composeAddress(' 7A ', 'Xóm Đình')).toBe('7A, Xóm Đình');
    expect(composeAddress('', 'Xóm Đình')).toBe('Xóm Đình');
    expect(composeAddress(undefined, undefined)).toBe('');
  });

  it('recomputes a household address from its parts, and keeps it when there are none', () => {
    expect(withDerived('household', { houseNumber: '9', lane: 'Xóm Đình', address: '7A, Xóm Đình' })).toMatchObject({ address: '9, Xóm Đình' });
    expect(withDerived('household', { address: 'Số 1, thôn Đông' })).toEqual({ address: 'Số 1, thôn Đông' });
    expect(deriveFields('member', { houseNumber: '9' })).toEqual({});
  });

  it('names the address as derived, and nothing else', () => {
    expect(isDerivedField('household', 'address')).toBe(true);
    expect(isDerivedField('household', 'houseNumber')).toBe(false);
    expect(isDerivedField('member', 'address')).toBe(false);
  });
});

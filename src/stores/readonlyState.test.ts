import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPinia, defineStore, setActivePinia } from 'pinia';
import { isReadonly, ref } from 'vue';
import { readOnly } from './readonlyState';
import { useMembershipStore } from '../features/team/store';
import { useLockStore } from '../features/lock/store';
import { useNoticesStore } from './notices';

afterEach(() => vi.restoreAllMocks());

/** Console warnings while `use` sets a store up, disposes it and sets it up again on one Pinia. */
function warningsOnSecondSetup(use: () => { $dispose(): void }): unknown[][] {
  setActivePinia(createPinia());
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  use().$dispose();
  use();
  return warn.mock.calls;
}

describe('readOnly', () => {
  it('follows its source and refuses to be written', () => {
    const source = ref({ n: 1 });
    const view = readOnly(source);
    source.value = { n: 2 };
    expect(view.value.n).toBe(2);
    expect(isReadonly(view.value)).toBe(true);
  });

  it('lets a store be set up again on the same Pinia without a warning', () => {
    const useCounter = defineStore('readonly-state-test', () => {
      const n = ref(0);
      return { n: readOnly(n), bump: () => n.value++ };
    });
    expect(warningsOnSecondSetup(useCounter)).toEqual([]);
  });

  it('the stores that expose read-only state: the team, the lock and the notices', () => {
    for (const use of [useMembershipStore, useLockStore, useNoticesStore]) expect(warningsOnSecondSetup(use)).toEqual([]);
  });
});

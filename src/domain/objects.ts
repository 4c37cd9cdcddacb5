/** Drops keys whose value is undefined, null or '' so optional fields are absent, not empty. */
export function compact<T extends object>(fields: T): T {
  const out = {} as T;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === '' || v === null) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/**
 * For an edit form's patch: optional keys the form left empty are set to undefined, which the
 * repositories send as "clear this field" (null) instead of leaving the old value in place.
 */
export function withClearedKeys<T extends object>(fields: T, optionalKeys: readonly (keyof T)[]): T {
  const out = { ...fields };
  for (const k of optionalKeys) if (!(k in out)) (out as Record<keyof T, unknown>)[k] = undefined;
  return out;
}

/**
 * A number typed in a form: `<input type="number">` with v-model gives a number, or '' when
 * empty. Empty becomes NaN so validation reports it.
 */
export function formNumber(value: string | number | null | undefined): number {
  const s = String(value ?? '').trim();
  return s === '' ? Number.NaN : Number(s);
}

export function isBlank(value: string | number | null | undefined): boolean {
  return String(value ?? '').trim() === '';
}

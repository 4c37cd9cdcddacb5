// @vitest-environment node
/** A pulled record's data is sent as the database wrote it, with the metadata added last. */
import { describe, expect, it } from 'vitest';
import { dataJson } from './pull';

const meta = { teamId: 't1', createdBy: 'u1', updatedBy: null, updatedAt: '2026-12-07T08:00:00.000Z' };
const metaText = JSON.stringify(meta).slice(1, -1);
/** What the page said before: the parsed data spread with the metadata. */
const spread = (data: string | null) => ({ ...(data === null ? {} : (JSON.parse(data) as Record<string, unknown>)), ...meta });

describe('dataJson', () => {
  it.each([
    ['jsonb text', '{"name": "Thôn 1", "n": 1.5, "tags": ["a", "b"], "nested": {"x": null}}'],
    ['an empty object', '{}'],
    ['an empty object with spaces', '{ }'],
    ['no data', null],
    ['keys the metadata names too', '{"teamId": "other", "name": "x", "updatedAt": "1999-01-01"}'],
    ['a string holding braces', '{"notes": "a } b {"}'],
  ])('parses to what the spread gave: %s', (_, data) => {
    const text = dataJson(data, metaText);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toEqual(spread(data));
    // Same keys in the same order, so the client's rows are the same objects.
    expect(Object.keys(parsed)).toEqual(Object.keys(spread(data)));
  });
});

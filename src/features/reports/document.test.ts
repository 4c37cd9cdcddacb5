import { describe, expect, it } from 'vitest';
import { emptyIndicators } from '../../domain/indicators';
import { reportDocument, type DocumentInput } from './document';

const input = (): DocumentInput => ({
  t: (key) => key,
  formatDate: (d) => d.split('-').reverse().join('/'),
  formatDateTime: (d) => d.toISOString(),
  settings: { indicators: ['visits', 'sessions', 'householdsRegistered'], targets: { householdsRegistered: 250 } },
  communeName: 'Xã Tân Lập',
  teamName: 'Tổ 3',
  period: { from: '2026-11-01', to: '2026-11-30' },
  previousPeriod: { from: '2026-10-01', to: '2026-10-31' },
  current: { ...emptyIndicators(), visits: 40, sessions: 2, householdsRegistered: 212 },
  previous: { ...emptyIndicators(), visits: 31, sessions: 1, householdsRegistered: 200 },
  breakdown: { title: 'byNeighborhood', firstColumn: 'neighborhood', rows: [{ name: 'Thôn 3', indicators: { visits: 40, householdsRegistered: 212 } }] },
  madeBy: 'Trưởng thôn Hải',
  madeAt: new Date('2026-12-01T02:00:00Z'),
});

describe('reportDocument', () => {
  it('lists the commune’s indicators in its order, with value, target where set, and the previous period', () => {
    const doc = reportDocument(input());
    expect(doc.rows).toEqual([
      { key: 'visits', label: 'reportIndicators.visits.label', value: 40, previous: 31 },
      { key: 'sessions', label: 'reportIndicators.sessions.label', value: 2, previous: 1 },
      { key: 'householdsRegistered', label: 'reportIndicators.householdsRegistered.label', value: 212, target: 250, previous: 200 },
    ]);
    expect(doc.header).toContainEqual(['reports.period', '01/11/2026 – 30/11/2026']);
    expect(doc.header).toContainEqual(['reports.madeBy', 'Trưởng thôn Hải']);
    expect(doc.header).toContainEqual(['reports.madeAt', '2026-12-01T02:00:00.000Z']);
    expect(doc.fileName).toBe('reports.fileName-2026-11-01_2026-11-30');
  });

  it('the second sheet has the breakdown’s columns only (sessions are not per neighborhood)', () => {
    const doc = reportDocument(input());
    expect(doc.breakdown.headers).toEqual(['neighborhood', 'reportIndicators.visits.label', 'reportIndicators.householdsRegistered.label']);
    expect(doc.breakdown.rows).toEqual([['Thôn 3', 40, 212]]);
  });
});

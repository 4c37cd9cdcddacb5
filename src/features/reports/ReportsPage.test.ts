import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/database';
import { createSession } from '../../db/sessions';
import { replaceRoster } from '../../db/users';
import { cacheReportSettings } from '../../db/reportData';
import { saveMembership } from '../../sync/membership';
import { emptyIndicators } from '../../domain/indicators';
import { fixtureRecords, type FixtureRecord } from '../../domain/indicators.fixture';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

const USERS = { a: '0195a000-0000-7000-8000-00000000a001', b: '0195a000-0000-7000-8000-00000000a002', c: '0195a000-0000-7000-8000-00000000a003' };
const TABLES = { household: 'households', member: 'members', visit: 'visits', session: 'sessions', checklistStep: 'checklistSteps' } as const;

/** The fixture as the phone holds it after a sync: synced rows with their creators. */
async function seed(): Promise<void> {
  const records: FixtureRecord[] = fixtureRecords({ stepId: (m, k) => `${m}:${k}` });
  const database = db();
  for (const r of records) {
    const row = { id: r.id, ...r.fields, version: 1, deleted: r.deleted ? 1 : 0, syncState: 'synced', localUpdatedAt: '2026-12-01T00:00:00Z', createdBy: USERS[r.by] };
    await database.table(TABLES[r.entity]).put(row);
  }
  await replaceRoster(
    [
      { id: USERS.a, name: 'Trưởng thôn Hải', role: 'head' },
      { id: USERS.b, name: 'Lê Thị Mai', role: 'member' },
      { id: USERS.c, name: 'Phạm Văn Cường', role: 'member' },
    ],
    USERS.a,
  );
}

let app: Mounted | undefined;
// The page and its chunks are transformed on first import: slow on a busy machine, once.
beforeAll(() => import('./ReportsPage.vue'), 60_000);
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-10T09:00:00+07:00'));
  // The phone is offline: the head's dashboard works from its own records.
  vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
  await resetApp();
  await seed();
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  await resetApp();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const cell = (key: string) => app!.wrapper.find(`[data-testid="indicator-${key}"] [data-testid="value"]`).text();

async function openNovember(): Promise<void> {
  app = await mountRoute('/reports');
  await eventually(() => expect(app!.wrapper.find('[data-testid="indicator-table"]').exists()).toBe(true));
  await app.wrapper.find('[data-testid="period-prev"]').trigger('click');
  await eventually(() => expect(app!.wrapper.find('[data-testid="report-period"]').text()).toBe('1/11/2026 – 30/11/2026'));
  // December has no visits; November has 7.
  await eventually(() => expect(cell('visits')).toBe('7'));
  // The trend and the per-member figures come just after the month's own.
  await eventually(() => expect(app!.wrapper.find('[data-testid="members-counting"]').exists()).toBe(false));
}

describe('the head’s dashboard, from the phone’s records', () => {
  it('shows the month’s indicators as the shared code counts them, per neighborhood and per member', async () => {
    await openNovember();
    expect(cell('householdsRegistered')).toBe('5');
    expect(cell('householdsEverReached')).toBe('5');
    expect(cell('adultsVneidLevel2')).toBe('2');
    expect(cell('followUpsOverdue')).toBe('1');
    expect(cell('results.onlineDossiers')).toBe('3');
    const hoods = app!.wrapper.find('[data-testid="neighborhood-table"]');
    expect(hoods.findAll('thead th').map((th) => th.text())).toEqual(['Chỉ tiêu', 'Thôn 3', 'THÔN ĐÔNG']);
    const members = app!.wrapper.find('[data-testid="member-table"]');
    expect(members.findAll('tbody th').map((th) => th.text())).toEqual(['Trưởng thôn Hải', 'Lê Thị Mai']);
    expect(app!.errors).toEqual([]);
  });

  it('the trend holds the last 6 periods with their numbers as a table', async () => {
    await openNovember();
    const rows = app!.wrapper.findAll('.trend tbody tr');
    expect(rows).toHaveLength(6);
    expect(rows[0]!.find('th').text()).toBe('1/6/2026 – 30/6/2026');
    expect(rows.at(-1)!.find('th').text()).toBe('1/11/2026 – 30/11/2026');
    // The default indicator is coverage: 5 households reached by the end of November.
    expect(rows.at(-1)!.find('td').text()).toBe('5');
  });

  it('shows the commune’s list and targets kept on the phone, offline', async () => {
    await cacheReportSettings({ indicators: ['visits', 'householdsRegistered'], targets: { householdsRegistered: 8 }, updatedAt: '2026-12-01T00:00:00.000Z' });
    await openNovember();
    expect(app!.wrapper.findAll('[data-testid="indicator-table"] tbody tr')).toHaveLength(2);
    expect(app!.wrapper.find('[data-testid="indicator-householdsRegistered"]').text()).toContain('8');
    expect(app!.wrapper.text()).toContain('đang dùng danh sách chỉ tiêu và mục tiêu đã lưu trên máy');
  });

  it('says how many changes the commune has not counted yet', async () => {
    await openNovember();
    expect(app!.wrapper.find('[data-testid="not-counted"]').exists()).toBe(false);
    await createSession({ date: '2026-12-03', place: 'Nhà văn hóa', topics: ['digitalSkills'], attendees: 12 });
    await eventually(() => expect(app!.wrapper.find('[data-testid="not-counted"]').text()).toContain('1 thay đổi'));
  });

  it('a custom range over 366 days is refused with a message', async () => {
    await openNovember();
    await app!.wrapper.find('[data-testid="period-kind"]').setValue('custom');
    await eventually(() => expect(app!.wrapper.find('[data-testid="period-from"]').exists()).toBe(true));
    await app!.wrapper.find('[data-testid="period-from"]').setValue('2025-01-01');
    await app!.wrapper.find('[data-testid="period-to"]').setValue('2026-11-30');
    await app!.wrapper.find('[data-testid="period-apply"]').trigger('click');
    await eventually(() => expect(app!.wrapper.find('[role="alert"]').text()).toContain('366'));
  });

  it('exports the CSV as a download where the phone cannot share files', async () => {
    await openNovember();
    const made: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      made.push(b as Blob);
      return 'blob:report';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    await app!.wrapper.find('[data-testid="export-csv"]').trigger('click');
    await eventually(() => expect(create).toHaveBeenCalledTimes(1));
    const file = made[0] as File;
    expect(file.name).toBe('bao-cao-2026-11-01_2026-11-30.csv');
    const text = await file.text();
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('Hộ đã đăng ký,5,,');
  });

  it('names the commune in the export’s header from the settings kept on the phone, offline', async () => {
    await cacheReportSettings({ indicators: ['visits'], targets: {}, updatedAt: null, communeName: 'Xã Tân Lập' });
    await openNovember();
    expect(app!.wrapper.find('.lead').text()).toContain('Xã Tân Lập');
    const made: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      made.push(b as Blob);
      return 'blob:report';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    await app!.wrapper.find('[data-testid="export-csv"]').trigger('click');
    await eventually(() => expect(create).toHaveBeenCalledTimes(1));
    const lines = (await (made[0] as File).text()).split('\r\n');
    expect(lines).toContain('Xã,Xã Tân Lập');
  });

  it('shares the xlsx through the share sheet where files can be shared', async () => {
    await openNovember();
    const shared: ShareData[] = [];
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator), {
      canShare: (d: ShareData) => !!d.files?.length,
      share: async (d: ShareData) => void shared.push(d),
    }));
    await app!.wrapper.find('[data-testid="export-xlsx"]').trigger('click');
    await eventually(() => expect(shared).toHaveLength(1), 10_000);
    expect(shared[0]!.files![0]!.name).toBe('bao-cao-2026-11-01_2026-11-30.xlsx');
    // exceljs is loaded and transformed on the first export: slow on a busy machine.
  }, 30_000);
});

describe('the commune dashboard, for an admin online', () => {
  const requests: { method: string; url: string; body?: string }[] = [];
  const team = (id: string, name: string, visits: number) => ({ id, name, indicators: { ...emptyIndicators(), visits }, byNeighborhood: [] });

  beforeEach(async () => {
    requests.length = 0;
    await saveMembership({ token: 'tok', user: { id: 'u9', name: 'Cán bộ xã Lan', role: 'admin' }, team: null, commune: { id: 'c1', name: 'Xã Tân Lập' }, joinedAt: '2026-12-01T00:00:00.000Z' });
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ method: init.method ?? 'GET', url, body: init.body as string | undefined });
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      if (url.startsWith('/api/reports/summary')) {
        const q = new URLSearchParams(url.split('?')[1]);
        const teams = [team('t1', 'Tổ 1', 3), team('t2', 'Tổ 2', 4)];
        return json({ from: q.get('from'), to: q.get('to'), generatedAt: '2026-12-10T02:00:00.000Z', teams, total: { indicators: { ...emptyIndicators(), visits: 7 } } });
      }
      if (init.method === 'PUT') return json({ ...JSON.parse(init.body as string), updatedAt: '2026-12-10T02:00:00.000Z' });
      return json({ indicators: ['visits', 'sessions'], targets: { visits: 10 }, updatedAt: null });
    });
  });

  it('shows the teams side by side with the commune total and the target', async () => {
    app = await mountRoute('/reports');
    await eventually(() => expect(app!.wrapper.find('[data-testid="teams-table"]').exists()).toBe(true));
    const table = app!.wrapper.find('[data-testid="teams-table"]');
    expect(table.findAll('thead th').map((th) => th.text())).toEqual(['Chỉ tiêu', 'Tổ 1', 'Tổ 2', 'Cả xã', 'Mục tiêu']);
    expect(table.findAll('tbody tr')[0]!.findAll('td').map((td) => td.text())).toEqual(['3', '4', '7', '10']);
    expect(requests.filter((r) => r.url.startsWith('/api/reports/summary'))).toHaveLength(6);
    expect(app!.wrapper.find('[data-testid="not-counted"]').exists()).toBe(false);
  });

  it('the admin sets the indicators and targets', async () => {
    app = await mountRoute('/reports');
    await eventually(() => expect((app!.wrapper.find('[data-testid="target-visits"]').element as HTMLInputElement).value).toBe('10'));
    await app!.wrapper.find('[data-testid="show-adultsVneidLevel2"]').setValue(true);
    await app!.wrapper.find('[data-testid="target-adultsVneidLevel2"]').setValue('500');
    await app!.wrapper.find('[data-testid="report-settings"]').trigger('submit');
    await eventually(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true));
    const put = requests.find((r) => r.method === 'PUT')!;
    expect(JSON.parse(put.body!)).toEqual({ indicators: ['visits', 'sessions', 'adultsVneidLevel2'], targets: { visits: 10, adultsVneidLevel2: 500 } });
  }, 20_000);
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHouseholdWithMembers } from '../../db/householdWithMembers';
import { CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { saveMembership, type DeviceMembership } from '../../sync/membership';
import { useMembershipStore } from '../team/store';
import { useSyncStore } from '../sync/store';
import { eventually, mountRoute, resetApp, settle, type Mounted } from '../../../tests/unit/mountWithApp';

/** Generous: the page's modules load lazily, slowly on a busy machine. */
const WAIT_MS = 15_000;

const HEAD: DeviceMembership = { token: 'tok-head', user: { id: 'u1', name: 'Trần Thị Hoa', role: 'head' }, team: { id: 't1', name: 'Tổ 3' }, joinedAt: '2026-11-01T00:00:00.000Z' };
const MEMBER: DeviceMembership = { ...HEAD, token: 'tok-member', user: { id: 'u2', name: 'Chị Lan', role: 'member' } };

let app: Mounted | undefined;
beforeEach(async () => {
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  vi.unstubAllGlobals();
  await resetApp();
});

async function seed() {
  return createHouseholdWithMembers(
    {
      neighborhood: 'Thôn Đông',
      address: '7A, Xóm Đình',
      houseNumber: '7A',
      lane: 'Xóm Đình',
      headName: 'Nguyễn Văn Bình',
      consent: { recordedAt: '2026-01-05T02:00:00.000Z', recordedBy: 'Lê Thị Hoa', purposes: ['support'], textVersion: CONSENT_TEXT_VERSION },
    },
    [{ fullName: 'Trần Thị Lan', birthYear: 1958 }],
  );
}

/** The erase routes, answering `status`; records the requests. */
function server(status = 200) {
  const asked: { url: string; method: string; auth: string | null }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      asked.push({ url, method: init?.method ?? 'GET', auth: new Headers(init?.headers).get('authorization') });
      const body = status === 200 ? { erased: true, records: 2 } : { error: { code: status === 404 ? 'NOT_FOUND' : 'INTERNAL', message: 'x' } };
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return asked;
}

async function openAs(membership: DeviceMembership, id: string): Promise<Mounted> {
  await saveMembership(membership);
  const mounted = await mountRoute(`/households/${id}`);
  await useMembershipStore().load();
  await eventually(() => expect(mounted.wrapper.find('[data-testid="household-title"]').exists()).toBe(true), WAIT_MS);
  return mounted;
}

describe('erasing on the server, for a head', () => {
  it('says what happens, erases the household on the server, syncs and leaves the page', async () => {
    const household = await seed();
    const asked = server();
    app = await openAs(HEAD, household.id);
    const syncNow = vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    await eventually(() => expect(app!.wrapper.find('[data-testid="erase-household"]').exists()).toBe(true), WAIT_MS);
    await app.wrapper.get('[data-testid="erase-household"]').trigger('click');
    const dialog = await eventually(() => {
      const d = app!.wrapper.find('[data-testid="erasure"] dialog');
      expect(d.text()).toContain('Xóa vĩnh viễn hộ Nguyễn Văn Bình?');
      return d;
    });
    expect(dialog.text()).toContain('bị xóa trắng');
    expect(dialog.text()).toContain('Nhật ký chỉ giữ lại việc đã xóa');
    expect(asked).toHaveLength(0);
    await dialog.findAll('button').at(1)!.trigger('click');
    await eventually(() => expect(app!.router.currentRoute.value.path).toBe('/households'), WAIT_MS);
    expect(asked).toEqual([{ url: `/api/households/${household.id}/erase`, method: 'POST', auth: 'Bearer tok-head' }]);
    // Before: what waits here is sent; after: the pull takes the tombstones.
    expect(syncNow).toHaveBeenCalledTimes(2);
  });

  it('erases one person of the household', async () => {
    const household = await seed();
    const asked = server();
    app = await openAs(HEAD, household.id);
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    const button = await eventually(() => app!.wrapper.get('[data-testid="erase-member-Trần Thị Lan"]'), WAIT_MS);
    expect(button.text()).toBe('Xóa vĩnh viễn Trần Thị Lan');
    await button.trigger('click');
    const dialog = await eventually(() => {
      const d = app!.wrapper.find('[data-testid="erasure"] dialog');
      expect(d.text()).toContain('Xóa vĩnh viễn Trần Thị Lan?');
      return d;
    });
    await dialog.findAll('button').at(1)!.trigger('click');
    await eventually(() => expect(asked.map((a) => a.url)).toEqual([expect.stringMatching(/^\/api\/members\/[0-9a-f-]+\/erase$/)]), WAIT_MS);
    expect(app.router.currentRoute.value.path).toBe(`/households/${household.id}`);
  });

  it('offline, says it needs a connection and queues nothing', async () => {
    const household = await seed();
    const asked = server();
    app = await openAs(HEAD, household.id);
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    await eventually(() => expect(app!.wrapper.find('[data-testid="erase-household"]').exists()).toBe(true), WAIT_MS);
    await app.wrapper.get('[data-testid="erase-household"]').trigger('click');
    await settle();
    expect(app.wrapper.get('[data-testid="erase-problem"]').text()).toBe('Cần có mạng để xóa vĩnh viễn. Việc này không được xếp hàng chờ: hãy thử lại khi có mạng.');
    expect((app.wrapper.get('[data-testid="erasure"] dialog').element as HTMLDialogElement).open).toBe(false);
    expect(asked).toHaveLength(0);
  });

  it('says when the server does not have the household yet', async () => {
    const household = await seed();
    server(404);
    app = await openAs(HEAD, household.id);
    vi.spyOn(useSyncStore(), 'syncNow').mockResolvedValue({ phase: 'idle' });
    await eventually(() => expect(app!.wrapper.find('[data-testid="erase-household"]').exists()).toBe(true), WAIT_MS);
    await app.wrapper.get('[data-testid="erase-household"]').trigger('click');
    await eventually(() => expect(app!.wrapper.find('[data-testid="erasure"] dialog').text()).toContain('Xóa vĩnh viễn'));
    await app.wrapper.get('[data-testid="erasure"] dialog').findAll('button').at(1)!.trigger('click');
    await eventually(() => expect(app!.wrapper.get('[data-testid="erase-problem"]').text()).toBe('Máy chủ chưa có bản ghi này: hãy đồng bộ rồi thử lại.'), WAIT_MS);
    expect(app.router.currentRoute.value.path).toBe(`/households/${household.id}`);
  });

  it('is not offered to a member, as the server allows it only to the head', async () => {
    const household = await seed();
    app = await openAs(MEMBER, household.id);
    await settle();
    expect(app.wrapper.find('[data-testid="erasure"]').exists()).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORAGE_KEYS } from '../../storageKeys';
import { createAppRouter } from '../../modules/router';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted | undefined;

function clearHints(): void {
  for (const key of [STORAGE_KEYS.teamSide, STORAGE_KEYS.fieldWork, STORAGE_KEYS.guideProgress]) localStorage.removeItem(key);
}

beforeEach(async () => {
  clearHints();
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  clearHints();
  await resetApp();
});

const find = (testId: string) => app!.wrapper.find(`[data-testid="${testId}"]`);
const h1 = () => app!.wrapper.find('h1').text();

describe('the first screen', () => {
  it('on a phone that has not joined a team, is the guides: search, topics, and the team side one tap away', async () => {
    app = await mountRoute('/');
    expect(h1()).toBe('Hướng dẫn từng bước');
    expect(find('home-search').exists()).toBe(true);
    const topics = find('guide-topics').findAll('a').map((a) => a.text());
    expect(topics).toContain('Nộp phí, lệ phí trên mạng');
    expect(topics).toContain('VNeID và tài khoản định danh điện tử');
    expect(find('team-side').text()).toBe('Tôi là thành viên tổ công nghệ số');
    expect(find('continue-guides').exists()).toBe(false);
  });

  it('switches to Today with one tap, and opens there from then on', async () => {
    app = await mountRoute('/');
    await find('team-side').trigger('click');
    await eventually(() => expect(h1()).toBe('Hôm nay'));
    expect(localStorage.getItem(STORAGE_KEYS.teamSide)).toBe('1');
    await app.unmount();
    app = await mountRoute('/');
    expect(h1()).toBe('Hôm nay');
  });

  it('keeps Today on a phone that has opened a team screen, not on one that opened only guides', async () => {
    const router = createAppRouter();
    await router.push('/guides/vneid-level-1');
    expect(localStorage.getItem(STORAGE_KEYS.teamSide)).toBeNull();
    await router.push('/households');
    expect(localStorage.getItem(STORAGE_KEYS.teamSide)).toBe('1');
    app = await mountRoute('/');
    expect(h1()).toBe('Hôm nay');
  });

  it('offers to continue the guides left unfinished, at the right step', async () => {
    localStorage.setItem(
      STORAGE_KEYS.guideProgress,
      JSON.stringify({
        'vneid-level-1': { done: ['open-app', 'start', 'scan-card'], current: 3, updatedAt: '2026-12-01T08:00:00.000Z', slug: 'vneid-level-1', title: { vi: 'Đăng ký mức 1', en: 'Level 1' }, total: 12 },
        'recognize-scams': { done: ['a'], current: 0, updatedAt: '2026-12-02T08:00:00.000Z', slug: 'recognize-scams', title: { vi: 'Lừa đảo', en: 'Scams' }, total: 1 },
      }),
    );
    app = await mountRoute('/');
    const items = find('continue-guides').findAll('a');
    // The finished one is not offered.
    expect(items.map((a) => a.text())).toEqual(['Đăng ký mức 1Tiếp tục ở bước 4 / 12']);
    expect(items[0]!.attributes('href')).toBe('/guides/vneid-level-1');
  });

  it('searches on the guide list, without diacritics', async () => {
    app = await mountRoute('/');
    await find('home-search').setValue('khai tu');
    await find('home-search-form').trigger('submit');
    await eventually(() => expect(app!.router.currentRoute.value.query).toEqual({ q: 'khai tu' }));
    await eventually(() => expect(find('guide-list').findAll('li').length).toBeGreaterThan(0));
    const titles = find('guide-list').findAll('strong').map((s) => s.text());
    expect(titles).toContain('Khai tử, xóa đăng ký thường trú, hưởng mai táng phí và trợ cấp tuất (liên thông)');
  });

  it('lists a topic\'s guides on the guide list', async () => {
    app = await mountRoute('/guides?topic=feePayment');
    await eventually(() => expect(find('guide-list').findAll('li').length).toBeGreaterThan(0));
    expect(find('guide-list').findAll('strong').map((s) => s.text())).toEqual(['Nộp phí, lệ phí dịch vụ công trực tuyến']);
    expect(find('guide-topic-filter').text()).toContain('Nộp phí, lệ phí trên mạng');
  });
});

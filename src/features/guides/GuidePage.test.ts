import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORAGE_KEYS } from '../../storageKeys';
import { eventually, mountRoute, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';
import vneidLevel1 from './content/vneid-level-1.json';

let app: Mounted | undefined;
const ids = vneidLevel1.steps.map((s) => s.id);
const total = ids.length;

function progress(done: string[], current: number): void {
  localStorage.setItem(STORAGE_KEYS.guideProgress, JSON.stringify({ 'vneid-level-1': { done, current, updatedAt: '2026-12-01T08:00:00.000Z' } }));
}

beforeEach(async () => {
  localStorage.removeItem(STORAGE_KEYS.guideProgress);
  await resetApp();
});
afterEach(async () => {
  await app?.unmount();
  app = undefined;
  localStorage.removeItem(STORAGE_KEYS.guideProgress);
  await resetApp();
});

const find = (testId: string) => app!.wrapper.find(`[data-testid="${testId}"]`);

describe('GuidePage', () => {
  it('on a first visit starts at step 1 with no "continue" note', async () => {
    app = await mountRoute('/guides/vneid-level-1');
    expect(find('step-card').text()).toContain(`Bước 1 / ${total}`);
    expect(find('resume-note').exists()).toBe(false);
  });

  it('resumed, says "continue at step N" on that step, and remembers what it needs for the home screen', async () => {
    progress(ids.slice(0, 3), 3);
    app = await mountRoute('/guides/vneid-level-1');
    expect(find('resume-note').text()).toBe('Tiếp tục ở bước 4: bạn đã dừng ở đây lần trước.');
    expect(find('step-card').text()).toContain(`Bước 4 / ${total}`);
    await find('step-next').trigger('click');
    expect(find('resume-note').exists()).toBe(false);
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEYS.guideProgress)!)['vneid-level-1'];
    expect(saved).toMatchObject({ current: 4, slug: 'vneid-level-1', total, title: { vi: vneidLevel1.title.vi } });
  });

  it('on the last step, "Xong" finishes the guide, says so and suggests related guides', async () => {
    progress(ids.slice(0, -1), total - 1);
    app = await mountRoute('/guides/vneid-level-1');
    expect(find('step-next').exists()).toBe(false);
    expect(find('guide-complete').exists()).toBe(false);
    await find('step-finish').trigger('click');
    await eventually(() => expect(find('related-guides').exists()).toBe(true));
    expect(find('guide-complete').text()).toContain('Bạn đã làm xong hướng dẫn này');
    expect(find('guide-complete').text()).toContain(`Đã xong cả ${total} bước`);
    const links = find('related-guides').findAll('a').map((a) => a.attributes('href'));
    expect(links.length).toBeGreaterThan(0);
    expect(links).not.toContain('/guides/vneid-level-1');

    // A related guide opens in the same page.
    await find('related-guides').find('a').trigger('click');
    await eventually(() => expect(find('guide-title').text()).not.toBe(vneidLevel1.title.vi));
    expect(find('step-card').text()).toContain('Bước 1 /');
  });
});

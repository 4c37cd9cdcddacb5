import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ShareGuide from './ShareGuide.vue';
import { mountComponent, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  await resetApp();
});

describe('ShareGuide', () => {
  it('the QR button says "Ẩn mã QR" while the code is shown, and "Hiện mã QR" again once hidden', async () => {
    app = await mountComponent(ShareGuide, { slug: 'vneid-level-1', title: 'VNeID mức 1' });
    const button = app.wrapper.get('[data-testid="show-qr"]');
    expect(button.text()).toBe('Hiện mã QR');
    expect(button.attributes('aria-expanded')).toBe('false');
    await button.trigger('click');
    expect(button.text()).toBe('Ẩn mã QR');
    expect(button.attributes('aria-expanded')).toBe('true');
    await button.trigger('click');
    expect(button.text()).toBe('Hiện mã QR');
  });
});

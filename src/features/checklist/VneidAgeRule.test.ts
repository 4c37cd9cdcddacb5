import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import VneidAgeRule from './VneidAgeRule.vue';
import { mountComponent, resetApp, type Mounted } from '../../../tests/unit/mountWithApp';

let app: Mounted;
const year = new Date().getFullYear();

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  await resetApp();
});

describe('VneidAgeRule', () => {
  it('shows the age rule of §1.1 and no warning when the level fits', async () => {
    app = await mountComponent(VneidAgeRule, { name: 'Vũ Thị Lan', birthYear: year - 10, level: 2 });
    expect(app.wrapper.text()).toContain('Từ 6 đến dưới 14 tuổi: mức 1, mức 2 khi có nhu cầu. Dưới 6 tuổi: chỉ mức 1 khi có nhu cầu.');
    expect(app.wrapper.find('[data-testid^="vneid-age-too"]').exists()).toBe(false);
    expect(app.wrapper.find('[data-testid="vneid-age-checkAge"]').exists()).toBe(false);
  });

  it('warns when a child under 6 is recorded at level 2', async () => {
    app = await mountComponent(VneidAgeRule, { name: 'Bé Na', birthYear: year - 3, level: 2 });
    expect(app.wrapper.get('[data-testid="vneid-age-tooYoung"]').text()).toBe(
      'Bé Na chưa đủ 6 tuổi nhưng đang ghi mức 2. Trẻ dưới 6 tuổi chỉ được cấp mức 1: hãy kiểm tra lại và sửa mức bằng tay.',
    );
  });

  it('asks to check the age when the birth year alone cannot tell', async () => {
    app = await mountComponent(VneidAgeRule, { name: 'Bé Na', birthYear: year - 6, level: 2 });
    expect(app.wrapper.find('[data-testid="vneid-age-checkAge"]').exists()).toBe(true);
  });

  it('does not warn about level 1 for a young child', async () => {
    app = await mountComponent(VneidAgeRule, { name: 'Bé Na', birthYear: year - 2, level: 1 });
    expect(app.wrapper.find('.banner').exists()).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../../modules/i18n';
import ConsentStep from './ConsentStep.vue';
import { CONSENT_PURPOSES, CONSENT_TEXT_VERSION } from '../../domain/vocab';
import { isIsoDateTime } from '../../domain/dates';
import { mountComponent, resetApp, settle, type Mounted } from '../../../tests/unit/mountWithApp';

const MUST_AGREE = 'Hãy đánh dấu khi hộ đã đồng ý. Nếu hộ không đồng ý, bấm “Hộ không đồng ý”.';

let app: Mounted;

beforeEach(async () => {
  await resetApp();
});

afterEach(async () => {
  await resetApp();
  await setLanguage('vi');
});

const input = (sel: string) => app.wrapper.get<HTMLInputElement>(sel);
const errorTexts = () => app.wrapper.findAll('.error').map((e) => e.text());

async function pressRecord(): Promise<void> {
  const button = app.wrapper.get('[data-testid="consent-record"]');
  expect(button.text()).toBe('Ghi nhận đồng ý và tiếp tục');
  await button.trigger('click');
  await settle(1);
}

describe('ConsentStep', () => {
  it('opens with no purpose pre-ticked and "agreed" unticked', async () => {
    app = await mountComponent(ConsentStep);
    expect(app.wrapper.get('h2').text()).toBe('Hỏi ý kiến hộ gia đình trước');
    for (const p of CONSENT_PURPOSES) expect(input(`[data-testid="consent-${p}"]`).element.checked).toBe(false);
    expect(app.wrapper.findAll('input[type="checkbox"]:checked')).toHaveLength(0);
    expect(input('[data-testid="consent-agreed"]').element.checked).toBe(false);
    expect(input('[data-testid="consent-recorder"]').element.value).toBe('');
    expect(errorTexts()).toEqual([]);
    // The version is a month people can say, not a code.
    expect(app.wrapper.get('[data-testid="consent-version"]').text()).toBe('Nội dung xin đồng ý: bản tháng 12/2026.');
    expect(app.wrapper.text()).not.toContain(CONSENT_TEXT_VERSION);
  });

  it('prefills the recorder name when one is known', async () => {
    app = await mountComponent(ConsentStep, { recorderName: 'Lê Thị Hoa' });
    expect(input('[data-testid="consent-recorder"]').element.value).toBe('Lê Thị Hoa');
  });

  it('with nothing chosen, shows the Vietnamese messages and emits nothing', async () => {
    app = await mountComponent(ConsentStep);
    await pressRecord();
    expect(errorTexts()).toEqual(['Hãy chọn ít nhất một mục.', 'Cần điền ô này.', 'Cần điền ô này.', MUST_AGREE]);
    expect(input('[data-testid="consent-given-by"]').attributes('aria-invalid')).toBe('true');
    expect(input('[data-testid="consent-recorder"]').attributes('aria-invalid')).toBe('true');
    expect(app.wrapper.emitted('recorded')).toBeUndefined();
    expect(app.wrapper.emitted('declined')).toBeUndefined();
  });

  it('a name of only spaces still counts as empty, and agreeing alone is not enough', async () => {
    app = await mountComponent(ConsentStep);
    await input('[data-testid="consent-recorder"]').setValue('   ');
    await input('[data-testid="consent-given-by"]').setValue('  ');
    await input('[data-testid="consent-agreed"]').setValue(true);
    await pressRecord();
    expect(errorTexts()).toEqual(['Hãy chọn ít nhất một mục.', 'Cần điền ô này.', 'Cần điền ô này.']);
    expect(app.wrapper.emitted('recorded')).toBeUndefined();
  });

  it('emits `recorded` with the chosen purposes in order, the trimmed name, the text version and an ISO time', async () => {
    app = await mountComponent(ConsentStep);
    // Ticked out of order on purpose: the consent keeps the order the person ticked them.
    await input('[data-testid="consent-reporting"]').setValue(true);
    await input('[data-testid="consent-support"]').setValue(true);
    await input('[data-testid="consent-given-by"]').setValue(' Nguyễn Văn Bình ');
    await input('[data-testid="consent-recorder"]').setValue('  Trần Văn Nam ');
    await input('[data-testid="consent-agreed"]').setValue(true);
    const before = Date.now();
    await pressRecord();
    const after = Date.now();

    expect(errorTexts()).toEqual([]);
    const events = app.wrapper.emitted('recorded');
    expect(events).toHaveLength(1);
    const [consent, recorder] = events![0] as [Record<string, unknown>, string];
    expect(consent).toEqual({
      recordedAt: expect.any(String),
      recordedBy: 'Trần Văn Nam',
      givenBy: 'Nguyễn Văn Bình',
      purposes: ['reporting', 'support'],
      textVersion: CONSENT_TEXT_VERSION,
    });
    expect(consent.textVersion).toBe('vi-2026-12');
    expect(recorder).toBe('Trần Văn Nam');
    const at = consent.recordedAt as string;
    expect(isIsoDateTime(at)).toBe(true);
    expect(at.endsWith('Z')).toBe(true);
    expect(Date.parse(at)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(at)).toBeLessThanOrEqual(after + 1);
  });

  it('unticking every purpose again brings the message back', async () => {
    app = await mountComponent(ConsentStep);
    await input('[data-testid="consent-followUp"]').setValue(true);
    await input('[data-testid="consent-followUp"]').setValue(false);
    await input('[data-testid="consent-given-by"]').setValue('Bình');
    await input('[data-testid="consent-recorder"]').setValue('Hoa');
    await input('[data-testid="consent-agreed"]').setValue(true);
    await pressRecord();
    expect(errorTexts()).toEqual(['Hãy chọn ít nhất một mục.']);
    expect(app.wrapper.emitted('recorded')).toBeUndefined();
  });

  it('"Hộ không đồng ý" emits `declined` and records nothing', async () => {
    app = await mountComponent(ConsentStep);
    const button = app.wrapper.findAll('button').find((b) => b.text().startsWith('Hộ không đồng ý'));
    expect(button?.text()).toBe('Hộ không đồng ý — không ghi gì');
    await button!.trigger('click');
    expect(app.wrapper.emitted('declined')).toHaveLength(1);
    expect(app.wrapper.emitted('recorded')).toBeUndefined();
  });

  it('in English, the English text is read and the consent records the English text’s version', async () => {
    app = await mountComponent(ConsentStep, { recorderName: 'Hoa' });
    await setLanguage('en');
    await settle();
    expect(app.wrapper.get('[data-testid="consent-version"]').text()).toBe('Consent text: version of December 2026.');
    await input('[data-testid="consent-support"]').setValue(true);
    await input('[data-testid="consent-given-by"]').setValue('Bình');
    await input('[data-testid="consent-agreed"]').setValue(true);
    await app.wrapper.get('[data-testid="consent-record"]').trigger('click');
    await settle(1);
    const [consent] = app.wrapper.emitted('recorded')![0] as [Record<string, unknown>];
    expect(consent.textVersion).toBe('en-2026-12');
  });
});

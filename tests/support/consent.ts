import type { Page } from 'playwright-core';

/** Records a household's consent on the new-household screen, as a team member would. */
export async function recordConsent(page: Page, options: { purposes?: ('support' | 'followUp' | 'reporting')[]; recorder?: string } = {}): Promise<void> {
  for (const p of options.purposes ?? ['support']) await page.getByTestId(`consent-${p}`).check();
  await page.getByTestId('consent-given-by').fill('Nguyễn Văn Bình');
  if (options.recorder) await page.getByTestId('consent-recorder').fill(options.recorder);
  await page.getByTestId('consent-agreed').check();
  await page.getByTestId('consent-record').click();
}

/**
 * After the consent step: fills the new-household form (the head, Thôn Đông, 12 ngõ 4 Lê Lợi;
 * the head as a member with VNeID level 1, and Trần Thị Hoa) and saves it.
 */
export async function fillHouseholdWithTwoMembers(page: Page, options: { headName?: string; phone?: string } = {}): Promise<void> {
  await page.getByTestId('hh-headName').fill(options.headName ?? 'Nguyễn Văn Bình');
  await page.getByTestId('hh-neighborhood').fill('Thôn Đông');
  await page.getByTestId('hh-houseNumber').fill('12');
  await page.getByTestId('hh-lane').fill('ngõ 4, đường Lê Lợi');
  if (options.phone) await page.getByTestId('hh-phone').fill(options.phone);
  await page.getByTestId('add-member').click();
  await page.getByTestId('m0-birthYear').fill('1958');
  await page.getByTestId('m0-vneid-1').check();
  await page.getByTestId('add-member').click();
  await page.getByTestId('m1-fullName').fill('Trần Thị Hoa');
  await page.getByTestId('m1-birthYear').fill('1962');
  await page.getByTestId('save-household').click();
}

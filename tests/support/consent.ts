import type { Page } from 'playwright-core';

/** Records a household's consent on the new-household screen, as a team member would. */
export async function recordConsent(page: Page, options: { purposes?: ('support' | 'followUp' | 'reporting')[]; recorder?: string } = {}): Promise<void> {
  for (const p of options.purposes ?? ['support']) await page.getByTestId(`consent-${p}`).check();
  if (options.recorder) await page.getByTestId('consent-recorder').fill(options.recorder);
  await page.getByTestId('consent-agreed').check();
  await page.getByTestId('consent-record').click();
}

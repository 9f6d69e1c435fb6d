// Contracts: the producer sends a booked talent's contract and gets the single-use signing link;
// the talent opens it (signing in first), is refused without consent, signs; the producer
// countersigns and gets the executed copy; the compliance report is shown.
import { expect, test } from '@playwright/test';
import { seedBooking, isoDay, shot, signIn } from './seed';

test('contracts: sent, signed by the talent through the link, countersigned; compliance report', async ({ browser, request }) => {
  const s = await seedBooking(request, [isoDay(70)]);

  const page = await signIn(browser, s.org, 'Producer');
  await page.goto(`/productions/${s.productionId}/legal`);
  await expect(page.getByRole('heading', { name: `Contracts and compliance: ${s.title}`, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Compliance report' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Compliance findings' }).or(page.getByTestId('compliance-empty'))).toBeVisible();
  const row = page.getByRole('listitem', { name: `Contract ${s.talentName}, Lead` });
  await expect(row.getByText('draft', { exact: true })).toBeVisible();
  await row.getByRole('button', { name: 'Send for signature' }).click();
  await expect(row.getByText('sent', { exact: true })).toBeVisible();
  const link = (await row.getByTestId('signing-link').textContent()) ?? '';
  expect(link).toMatch(/\/sign\/[^/]+$/);
  await shot(page, 'contracts');

  // The talent opens the link signed out: sign-in first, then back on the signing page.
  const signPath = new URL(link).pathname;
  const talent = await signIn(browser, s.org, 'Talent', { talentId: s.talentId, viewport: { width: 390, height: 844 }, path: signPath });
  await expect(talent.getByRole('heading', { name: 'Sign your contract', level: 1 })).toBeVisible();
  await talent.getByLabel('Your full name').fill(s.talentName);
  await talent.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(talent.locator('#sign-consent-error')).toContainText('consent');
  await talent.getByLabel('I agree to sign this contract electronically.').check();
  await shot(talent, 'sign-contract');
  await talent.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(talent.getByRole('heading', { name: 'Contract signed', level: 1 })).toBeVisible();
  await talent.getByRole('link', { name: 'Back to my bookings' }).click();
  await expect(talent.getByTestId('my-contract')).toContainText('signed');

  // The talent's profile: a skill casting can then filter on.
  const skill = `stilts${s.talentId.slice(-6)}`;
  await talent.getByText('My profile', { exact: true }).click();
  await talent.getByLabel('Skills').fill(`${skill}, juggling`);
  await talent.getByLabel('Home base').fill('Los Angeles');
  await talent.getByRole('button', { name: 'Save profile' }).click();
  await expect(talent.getByText('Profile saved.')).toBeVisible();
  await talent.context().close();

  await page.reload();
  const signed = page.getByRole('listitem', { name: `Contract ${s.talentName}, Lead` });
  await expect(signed.getByRole('list', { name: 'Signatures' })).toContainText(s.talentName);
  await signed.getByRole('button', { name: 'Countersign' }).click();
  await expect(signed.getByText('countersigned', { exact: true })).toBeVisible();
  await expect(signed.getByRole('link', { name: 'Executed copy (PDF)' })).toHaveAttribute('href', /^data:application\/pdf;base64,/);

  // Talent search by the skill the talent added themselves.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Talent search' }).click();
  await page.getByLabel('Skills').fill(skill);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-total')).toHaveText('1 match');
  await expect(page.getByRole('listitem', { name: `Talent: ${s.talentName}` })).toContainText('Los Angeles');
  await page.context().close();
});

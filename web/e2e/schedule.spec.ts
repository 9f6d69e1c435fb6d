// Schedule: a producer adds a location and scenes, has the stripboard proposed (order, cost,
// optimal, lower bound), applies it into shoot days and publishes a call sheet; the booked talent
// confirms their call from the portal, and the producer sees who confirmed.
import { expect, test } from '@playwright/test';
import { isoDay, seedBooking, shot, signIn } from './seed';

test('schedule: stripboard proposed and applied, call sheet published and confirmed by the talent', async ({ browser, request }) => {
  const first = isoDay(60);
  const s = await seedBooking(request, [first, isoDay(61)]);

  const page = await signIn(browser, s.org, 'Producer');
  await page.goto(`/productions/${s.productionId}`);
  await page.getByRole('navigation', { name: 'Production' }).getByRole('link', { name: 'Schedule' }).click();
  await expect(page.getByRole('heading', { name: `Schedule: ${s.title}`, level: 1 })).toBeVisible();
  await expect(page.getByText('No shoot days: apply a stripboard.')).toBeVisible();

  await page.getByLabel('Location name').fill('Diner');
  await page.getByLabel('Address').fill('1 Main St, Los Angeles');
  await page.getByRole('button', { name: 'Add location' }).click();
  await expect(page.getByLabel('Location', { exact: true })).toContainText('Diner');

  // A scene without a number is refused next to the field.
  await page.getByRole('button', { name: 'Add scene' }).click();
  await expect(page.locator('#scene-number-error')).toBeVisible();
  await page.getByLabel('Scene number').fill('1');
  await page.getByRole('checkbox', { name: 'Lead' }).check();
  await page.getByRole('button', { name: 'Add scene' }).click();
  await expect(page.getByRole('list', { name: 'Scenes' })).toContainText('Sc. 1');
  await page.getByLabel('Scene number').fill('2');
  await page.getByRole('checkbox', { name: 'Lead' }).check();
  await page.getByRole('button', { name: 'Add scene' }).click();
  await expect(page.getByRole('list', { name: 'Scenes' })).toContainText('Sc. 2');

  await page.getByLabel('First shoot date').fill(first);
  await page.getByRole('button', { name: 'Propose order' }).click();
  const proposal = page.getByTestId('proposal');
  await expect(proposal.getByTestId('proposal-cost')).toContainText('$');
  await expect(proposal.getByTestId('proposal-optimal')).toHaveText('optimal');
  await expect(proposal.getByTestId('proposal-bound')).toContainText('$');
  await expect(page.getByRole('list', { name: 'Proposed order' }).getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: 'Apply into shoot days' }).click();
  await expect(page.getByText('2 shoot days scheduled.')).toBeVisible();
  const day = page.getByRole('listitem', { name: `Shoot day ${first}` });
  await expect(day).toBeVisible();
  await expect(day.getByRole('row', { name: `Call ${s.talentName}` })).toContainText('not yet');
  // Call times: a bad general call is refused next to its field, then the talent's call is set.
  await day.getByText('Call times', { exact: true }).click();
  await day.getByLabel('General call').fill('7 am');
  await day.getByRole('button', { name: 'Save call times' }).click();
  await expect(day.locator('[id$="-general-error"]')).toBeVisible();
  await day.getByLabel('General call').fill('07:00');
  await day.getByLabel(`Call for ${s.talentName}`).fill('06:30');
  await day.getByRole('button', { name: 'Save call times' }).click();
  await expect(day.getByRole('row', { name: `Call ${s.talentName}` })).toContainText('06:30');
  await day.getByRole('button', { name: 'Publish call sheet' }).click();
  await expect(day.getByText('published', { exact: true })).toBeVisible();

  // The talent confirms from the portal (on a phone).
  const talent = await signIn(browser, s.org, 'Talent', { talentId: s.talentId, viewport: { width: 390, height: 844 } });
  const call = talent.getByRole('listitem', { name: `Call ${first} ${s.title}` });
  await expect(call).toContainText('06:30');
  await expect(call.getByRole('link', { name: 'Call sheet (PDF)' })).toHaveAttribute('href', /^data:application\/pdf/);
  await call.getByRole('button', { name: 'Confirm my call' }).click();
  await expect(call.getByTestId('call-confirmed')).toBeVisible();
  await shot(talent, 'talent-calls');
  await talent.context().close();

  await page.reload();
  const reloaded = page.getByRole('listitem', { name: `Shoot day ${first}` });
  await expect(reloaded.getByTestId('confirmed-count')).toHaveText('1');
  await expect(reloaded.getByRole('row', { name: `Call ${s.talentName}` })).toContainText('✓');
  await shot(page, 'schedule');

  // The dashboard shows the next shoot day.
  await page.getByRole('navigation', { name: 'Production' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByTestId('next-shoot-day')).toContainText(first);
  // The lifecycle card: stage, its gate, budget against committed and actual.
  await expect(page.getByRole('heading', { name: /^Stage:/, level: 2 })).toBeVisible();
  await expect(page.getByTestId('budget-committed')).toContainText('$');
  await expect(page.getByTestId('budget-actual')).toContainText('$');
  await page.context().close();
});

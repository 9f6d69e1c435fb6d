// Pay: an accountant records and approves a booked talent's timecard, creates, approves and issues
// the pay run; the talent sees the stub (with its PDF) in their portal on a phone; another talent
// sees no stub and cannot read the run.
import { expect, test } from '@playwright/test';
import { devToken, gqlRaw, isoDay, registerTalent, seedBooking, shot, signIn } from './seed';

test('pay: timecard submitted and approved, pay run approved and issued, the stub in the talent portal', async ({ browser, request }) => {
  const day = isoDay(40);
  const s = await seedBooking(request, [day, isoDay(41)]);

  const page = await signIn(browser, s.org, 'Accountant');
  await page.goto(`/productions/${s.productionId}/pay`);
  await expect(page.getByRole('heading', { name: `Pay: ${s.title}`, level: 1 })).toBeVisible();
  await expect(page.getByText('No pay runs yet.')).toBeVisible();

  // A wrap the wage engine refuses is shown next to the field; then the day is submitted.
  await page.getByLabel('Work date').selectOption(day);
  await page.getByLabel('Wrap').fill('25:99');
  await page.getByRole('button', { name: 'Submit timecard' }).click();
  await expect(page.locator('#timecard-wrap-error')).toBeVisible();
  await page.getByLabel('Wrap').fill('19:00');
  await page.getByRole('button', { name: 'Submit timecard' }).click();
  const card = page.getByRole('row', { name: `Timecard ${s.talentName} ${day}` });
  await expect(card.getByText('submitted', { exact: true })).toBeVisible();
  await card.getByRole('button', { name: `Approve ${s.talentName}'s timecard for ${day}` }).click();
  await expect(card.getByText('approved', { exact: true })).toBeVisible();

  // A pay date before the period ends is refused next to it; then the run is created.
  await page.getByLabel('Period start').fill(day);
  await page.getByLabel('Period end').fill(isoDay(41));
  await page.getByLabel('Pay date').fill(isoDay(39));
  await page.getByRole('button', { name: 'Create pay run' }).click();
  await expect(page.locator('#payrun-paydate-error')).toContainText('before the period ends');
  await page.getByLabel('Pay date').fill(isoDay(45));
  await page.getByRole('button', { name: 'Create pay run' }).click();
  const run = page.getByRole('listitem', { name: `Pay run ${day} to ${isoDay(41)}` });
  await expect(run.getByText('draft', { exact: true })).toBeVisible();
  await expect(run.getByTestId('stub-gross')).toContainText('$');
  await run.getByRole('button', { name: 'Approve pay run' }).click();
  await expect(run.getByText('approved', { exact: true })).toBeVisible();
  await run.getByRole('button', { name: 'Issue pay run' }).click();
  await expect(run.getByText('issued', { exact: true })).toBeVisible();
  await expect(run.getByRole('link', { name: 'Download the stub (PDF)' })).toHaveAttribute('href', /^data:application\/pdf;base64,/);
  await expect(card.getByText('paid', { exact: true })).toBeVisible();
  await shot(page, 'pay');
  await page.context().close();

  // The talent's portal on a phone: the stub and its PDF.
  const talent = await signIn(browser, s.org, 'Talent', { talentId: s.talentId, viewport: { width: 390, height: 844 } });
  await expect(talent.getByRole('heading', { name: 'My bookings', level: 1 })).toBeVisible();
  const stubs = talent.getByRole('list', { name: 'My pay stubs' });
  await expect(stubs.getByRole('article')).toHaveCount(1);
  await expect(stubs.getByTestId('stub-net')).toContainText('$');
  const [download] = await Promise.all([talent.waitForEvent('download'), stubs.getByRole('link', { name: 'Download the stub (PDF)' }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const overflow = await talent.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(talent, 'talent-pay');
  await talent.context().close();

  // Another talent of the same organisation sees no stub, and the run itself is refused to them.
  const otherId = await registerTalent(request, s.producer, 'Other Person');
  const other = await signIn(browser, s.org, 'Talent', { talentId: otherId });
  await expect(other.getByText('No pay stubs yet')).toBeVisible();
  await other.context().close();
  const otherToken = await devToken(request, s.org, ['talent'], otherId);
  const runId = (await gqlRaw(request, await devToken(request, s.org, ['accounting']), `query($id: ID!) { production(id: $id) { bookings { engagement { timecards { payRunId } } } } }`, { id: s.productionId })) as {
    data: { production: { bookings: { engagement: { timecards: { payRunId: string }[] } }[] } };
  };
  const payRunId = runId.data.production.bookings[0]?.engagement.timecards[0]?.payRunId ?? '';
  expect(payRunId).not.toBe('');
  const refused = await gqlRaw(request, otherToken, `query($id: ID!) { payRun(id: $id) { stubs { pdfUrl } } }`, { id: payRunId });
  expect(refused.data?.payRun ?? null).toBeNull();
  expect(JSON.stringify(refused)).not.toContain('data:application/pdf');
});

// The casting board: a producer publishes a role, puts talent forward (by id and from talent
// search), shortlists, holds at ranks and books, while a second session sees holds, the promotion
// and the booking arrive through bookingEvents alone.
import { expect, test } from '@playwright/test';
import { isoDay, registerTalent, seedProduction, seedRole, shot, signIn, uid } from './seed';

test('casting board: submissions, shortlist, holds by rank and a booking, live on a second screen', async ({ browser, request }) => {
  const { org, producer, productionId } = await seedProduction(request, `Casting ${uid()}`);
  const roleId = await seedRole(request, producer, productionId, 'Barista', [isoDay(50)]);
  const family = `Quill${uid()}`;
  const first = `Ada ${family}`;
  const second = `Ben ${family}`;
  const firstId = await registerTalent(request, producer, first);
  await registerTalent(request, producer, second);

  const page = await signIn(browser, org, 'Producer');
  await page.goto(`/roles/${roleId}`);
  await expect(page.getByRole('heading', { name: 'Casting: Barista', level: 1 })).toBeVisible();
  await expect(page.getByText('Publish the role to take submissions.')).toBeVisible();
  await page.getByRole('button', { name: 'Publish to talent and agents' }).click();
  await expect(page.getByRole('heading', { name: 'Put a talent forward' })).toBeVisible();

  // An unknown talent is refused next to the field; then the first talent is put forward by id.
  await page.getByLabel('Talent id').fill('tal_nobody');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.locator('#submit-talent-error')).toBeVisible();
  await page.getByLabel('Talent id').fill(firstId);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByRole('listitem', { name: `Submission: ${first}` })).toBeVisible();

  // Talent search with a filter finds the second; submitted from the results.
  await page.getByRole('link', { name: 'search talent' }).click();
  await expect(page.getByRole('heading', { name: 'Talent search', level: 1 })).toBeVisible();
  await page.getByLabel('Words').fill(family);
  await page.getByLabel('Age from').fill('18');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-total')).toHaveText('2 matches');
  await page.getByLabel('Age to').fill('20');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('search-total')).toContainText('No talent matches');
  await page.getByLabel('Age to').fill('');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('button', { name: `Submit ${second} for the role` }).click();
  await expect(page.getByText('Submitted.')).toBeVisible();
  await shot(page, 'talent-search');
  await page.getByRole('link', { name: 'back to its casting board' }).click();

  // Shortlist the first at #1.
  const firstSub = page.getByRole('listitem', { name: `Submission: ${first}` });
  await expect(page.getByRole('listitem', { name: `Submission: ${second}` })).toBeVisible();
  await firstSub.getByLabel('Shortlist rank').selectOption('1');
  await firstSub.getByRole('button', { name: `Shortlist ${first}` }).click();
  await expect(firstSub.getByTestId('shortlist-rank')).toHaveText('select #1');

  // An audition session; the shortlisted talent is invited to its first free slot.
  await page.getByLabel('Date', { exact: true }).fill(isoDay(20));
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByText(`Inviting to the session of ${isoDay(20)}`)).toBeVisible();
  await firstSub.getByRole('button', { name: `Invite ${first} to audition` }).click();
  await expect(firstSub.getByRole('list', { name: `Auditions of ${first}` })).toContainText('audition');

  // A second producer session on the same board changes only through bookingEvents.
  const watcher = await signIn(browser, org, 'Producer');
  await watcher.goto(`/roles/${roleId}`);
  await expect(watcher.getByRole('heading', { name: 'Casting: Barista', level: 1 })).toBeVisible();
  await expect(watcher.getByText('Live', { exact: true })).toBeVisible();

  await firstSub.getByRole('button', { name: `Put ${first} on hold` }).click();
  await expect(page.getByRole('listitem', { name: `Hold: ${first}` })).toBeVisible();
  // Casting refuses a hold racing another write to the role ("changed meanwhile; retry"): a
  // person retries, and so does the test.
  await expect(async () => {
    await page.getByRole('listitem', { name: `Submission: ${second}` }).getByRole('button', { name: `Put ${second} on hold` }).click();
    await expect(page.getByRole('listitem', { name: `Hold: ${second}` })).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  for (const p of [page, watcher]) {
    await expect(p.getByRole('listitem', { name: `Hold: ${first}` }).getByTestId('hold-rank')).toHaveText('hold #1');
    await expect(p.getByRole('listitem', { name: `Hold: ${second}` }).getByTestId('hold-rank')).toHaveText('hold #2');
  }

  // Confirming the second hold while a first exists is refused, in its row.
  const secondHold = page.getByRole('listitem', { name: `Hold: ${second}` });
  await secondHold.getByRole('button', { name: `Confirm ${second} for Barista` }).click();
  await expect(secondHold.getByRole('alert')).toBeVisible();

  // Releasing the first promotes the second (live on the watcher), who is then booked.
  await page.getByRole('listitem', { name: `Hold: ${first}` }).getByRole('button', { name: `Release ${first} from Barista` }).click();
  await expect(watcher.getByRole('listitem', { name: `Hold: ${second}` }).getByTestId('hold-rank')).toHaveText('hold #1');
  await secondHold.getByRole('button', { name: `Confirm ${second} for Barista` }).click();
  await expect(watcher.getByRole('listitem', { name: `Hold: ${second}` }).getByText('booked', { exact: true })).toBeVisible();
  await shot(watcher, 'casting-board');
  await watcher.context().close();
  await page.context().close();
});

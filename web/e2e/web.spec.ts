// A producer and a talent use the app in a real browser against the running stack.
// Each main screen's screenshot goes to web/artifacts/screens/ (git-ignored).
import { expect, test, type Browser, type Page } from '@playwright/test';

const ORG = `web-${Date.now().toString(36)}`;
const TITLE = `Spring Spot ${Date.now().toString(36)}`;
const shot = (page: Page, name: string) => page.screenshot({ path: `artifacts/screens/${name}.png`, fullPage: true });

function isoDay(offset: number): string {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

async function signIn(browser: Browser, preset: 'Producer' | 'Talent', talentId?: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in to Slate' })).toBeVisible();
  await page.getByRole('button', { name: preset, exact: true }).click();
  await page.getByLabel('Organisation').fill(ORG);
  if (talentId) await page.getByLabel('Talent id').fill(talentId);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  return page;
}

let talentId = '';

test('a producer creates a production, casts and books a talent, and sees the engagement and contract appear live', async ({ browser }) => {
  const page = await signIn(browser, 'Producer');
  await expect(page.getByRole('heading', { name: 'Productions', level: 1 })).toBeVisible();

  // A userError is shown next to its field.
  await page.getByLabel('Title').press('Enter');
  await expect(page.locator('#production-title-error')).toContainText('must not be empty');
  await expect(page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'productions');

  await page.getByLabel('Title').fill(TITLE);
  await page.getByLabel('Client').fill('Acme Soda');
  await page.getByLabel('Title').press('Enter'); // keyboard submit
  await expect(page.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
  const dashboardUrl = page.url();

  // A second producer session watches the same dashboard: it changes only through bookingEvents.
  const watcher = await signIn(browser, 'Producer');
  await expect(watcher.getByRole('heading', { name: 'Productions', level: 1 })).toBeVisible();
  await watcher.goto(dashboardUrl);
  await expect(watcher.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();

  // Roles: a bad rate is refused next to its field, then the role is added.
  await page.getByLabel('Role name').fill('Lead');
  await page.getByLabel('Rate').fill('0');
  await page.getByLabel('Work dates').fill(`${isoDay(30)}, ${isoDay(31)}`);
  await page.getByRole('button', { name: 'Add role' }).click();
  await expect(page.locator('#role-amount-error')).toContainText('greater than zero');
  await page.getByLabel('Rate').fill('1200.00');
  await page.getByRole('button', { name: 'Add role' }).click();
  await expect(page.getByRole('heading', { name: 'Lead', level: 3 })).toBeVisible();

  // Register a talent (in-app navigation, no reload), then come back and hold them.
  await page.getByRole('link', { name: 'Register talent' }).click();
  await page.getByLabel('Name').fill('Ana Lima');
  await page.getByLabel('Email').fill(`ana+${ORG}@example.com`);
  await page.getByLabel('Date of birth').fill('1990-04-12');
  await page.getByRole('button', { name: 'Register talent' }).click();
  const idCell = page.getByTestId('talent-id');
  await expect(idCell).toBeVisible();
  talentId = (await idCell.textContent())?.trim() ?? '';
  expect(talentId).not.toBe('');
  // The permit form (legal, producer) starts from the talent just registered; an expired permit
  // is refused next to its date.
  await expect(page.getByLabel('Talent id of the minor')).toHaveValue(talentId);
  await page.getByLabel('Permit number').fill('EWP-1');
  await page.getByLabel('Expires on').fill('2001-01-01');
  await page.getByRole('button', { name: 'Record permit' }).click();
  await expect(page.locator('#permit-expires-error')).toContainText('expired');
  await shot(page, 'register-talent');
  await page.goBack();
  await expect(page.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();

  await expect(watcher.getByText('Live', { exact: true })).toBeVisible();
  await page.getByLabel('Talent id').fill(talentId);
  await page.getByRole('button', { name: 'Hold', exact: true }).click();
  const row = page.getByRole('listitem', { name: 'Ana Lima, Lead' });
  await expect(row.getByText('on hold')).toBeVisible();
  const watched = watcher.getByRole('listitem', { name: 'Ana Lima, Lead' });
  await expect(watched.getByText('on hold')).toBeVisible();

  // Holding a talent that does not exist is a userError next to the talent field. (Holding the
  // same talent again is now a retry that answers the same hold, not an error.)
  await page.getByLabel('Talent id').fill('tal_nobody_here');
  await page.getByRole('button', { name: 'Hold', exact: true }).click();
  await expect(page.locator('#hold-talent-error')).toContainText('unknown talent');

  // Confirm with the keyboard; the engagement (with its estimated cost) and the contract appear
  // without a reload, on this page and on the watcher's.
  await row.getByRole('button', { name: 'Confirm Ana Lima for Lead' }).focus();
  await page.keyboard.press('Enter');
  await expect(row.getByText('booked', { exact: true })).toBeVisible();
  for (const p of [page, watcher]) {
    const r = p.getByRole('listitem', { name: 'Ana Lima, Lead' });
    await expect(r.getByTestId('engagement')).toContainText('est. $', { timeout: 90_000 });
    await expect(r.getByTestId('contract')).toContainText(/draft|sent|signed/i, { timeout: 90_000 });
  }
  await expect(watcher.getByTestId('count-BOOKED')).toHaveText('1');
  await expect(page.getByTestId('committed')).toContainText('$');
  await shot(page, 'production-dashboard');
  await watcher.context().close();
  await page.context().close();
});

test('a talent signs in and sees their booking, on a phone', async ({ browser }) => {
  test.skip(!talentId, 'needs the booking of the first test');
  const page = await signIn(browser, 'Talent', talentId, { width: 390, height: 844 });
  await expect(page.getByRole('heading', { name: 'My bookings', level: 1 })).toBeVisible();
  const booking = page.getByRole('list', { name: 'My bookings' }).getByRole('listitem');
  await expect(booking).toHaveCount(1);
  await expect(booking).toContainText(TITLE);
  await expect(booking).toContainText('Lead');
  await expect(booking.getByText('booked', { exact: true })).toBeVisible();
  // Nothing overflows the phone's width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'talent-my-bookings');
  await page.context().close();
});

test('the sign-in page', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByRole('button', { name: 'Talent', exact: true }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // The server's own field errors are shown next to the field too.
  await expect(page.locator('#signin-talent-error')).toContainText('talent id');
  await shot(page, 'sign-in');
  await context.close();
});

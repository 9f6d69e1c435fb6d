// Data of a test's own, made through the same endpoints the app uses (the web server's /dev/token
// and /graphql), so a flow's screen test starts from a known state: fresh organisation, fresh ids.
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';

export const uid = (): string => Math.random().toString(36).slice(2, 10);
export const shot = (page: Page, name: string) => page.screenshot({ path: `artifacts/screens/${name}.png`, fullPage: true });

export function isoDay(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

export async function devToken(request: APIRequestContext, org: string, roles: string[], talentId?: string): Promise<string> {
  // Minting runs the slate CLI: tens of seconds on a loaded machine.
  const res = await request.post('/dev/token', { data: { org, sub: `e2e-${uid()}`, roles, talentId }, timeout: 100_000 });
  expect(res.ok(), await res.text()).toBeTruthy();
  return ((await res.json()) as { token: string }).token;
}

type Body = { data?: Record<string, unknown>; errors?: { message: string }[] };

export async function gqlRaw(request: APIRequestContext, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Body> {
  const res = await request.post('/graphql', { data: { query, variables }, headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Body;
}

/** The mutation's payload, failing the test on any error or userError. */
export async function mutate<T = Record<string, unknown>>(request: APIRequestContext, token: string, query: string, variables: Record<string, unknown>, key: string): Promise<T> {
  const body = await gqlRaw(request, token, query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  const payload = body.data?.[key] as { userErrors: unknown[] } & T;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

export interface Seeded {
  org: string;
  producer: string;
  productionId: string;
  title: string;
  roleId: string;
  talentId: string;
  talentName: string;
  bookingId: string;
  engagementId: string;
  contractId: string;
}

export async function registerTalent(request: APIRequestContext, token: string, name: string): Promise<string> {
  const p = await mutate<{ talent: { id: string } }>(
    request,
    token,
    `mutation($input: RegisterTalentInput!) { registerTalent(input: $input) { talent { id } userErrors { field message } } }`,
    { input: { name, email: `${uid()}@example.com`, dateOfBirth: '1990-04-02' } },
    'registerTalent',
  );
  return p.talent.id;
}

export async function seedProduction(request: APIRequestContext, title: string): Promise<{ org: string; producer: string; productionId: string }> {
  const org = `web-${uid()}`;
  const producer = await devToken(request, org, ['producer', 'casting']);
  const p = await mutate<{ production: { id: string } }>(
    request,
    producer,
    `mutation($input: CreateProductionInput!) { createProduction(input: $input) { production { id } userErrors { field message } } }`,
    { input: { title, client: 'Acme Soda', timezone: 'America/Los_Angeles' } },
    'createProduction',
  );
  return { org, producer, productionId: p.production.id };
}

export async function seedRole(request: APIRequestContext, producer: string, productionId: string, name: string, workDates: string[]): Promise<string> {
  const p = await mutate<{ role: { id: string } }>(
    request,
    producer,
    `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } userErrors { field message } } }`,
    { input: { productionId, name, description: `${name}, a speaking part`, rate: { amount: '1000.00', currency: 'USD', unit: 'DAY' }, workDates } },
    'createRole',
  );
  return p.role.id;
}

/** A production with one role and one talent booked on it, its engagement and contract opened. */
export async function seedBooking(request: APIRequestContext, workDates: string[]): Promise<Seeded> {
  const title = `Seed ${uid()}`;
  const { org, producer, productionId } = await seedProduction(request, title);
  const roleId = await seedRole(request, producer, productionId, 'Lead', workDates);
  const talentName = `Talent ${uid()}`;
  const talentId = await registerTalent(request, producer, talentName);
  const hold = await mutate<{ booking: { id: string } }>(
    request,
    producer,
    `mutation($input: HoldTalentInput!) { holdTalent(input: $input) { booking { id } userErrors { field message } } }`,
    { input: { roleId, talentId } },
    'holdTalent',
  );
  await mutate(request, producer, `mutation($input: ConfirmBookingInput!) { confirmBooking(input: $input) { booking { id } userErrors { field message } } }`, { input: { bookingId: hold.booking.id } }, 'confirmBooking');
  let engagementId = '';
  let contractId = '';
  await expect
    .poll(
      async () => {
        const body = await gqlRaw(request, producer, `query($id: ID!) { booking(id: $id) { engagement { id } contract { id } } }`, { id: hold.booking.id });
        const b = body.data?.booking as { engagement: { id: string } | null; contract: { id: string } | null } | null;
        engagementId = b?.engagement?.id ?? '';
        contractId = b?.contract?.id ?? '';
        return Boolean(engagementId && contractId);
      },
      { timeout: 90_000, intervals: [300, 500, 1000, 2000] },
    )
    .toBe(true);
  return { org, producer, productionId, title, roleId, talentId, talentName, bookingId: hold.booking.id, engagementId, contractId };
}

export type Preset = 'Producer' | 'Casting director' | 'Accountant' | 'Talent';

/** Signs in through the development sign-in page (a new browser context each time). */
export async function signIn(browser: Browser, org: string, preset: Preset, opts: { talentId?: string; viewport?: { width: number; height: number }; path?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(opts.path ?? '/');
  await expect(page.getByRole('heading', { name: 'Sign in to Slate' })).toBeVisible();
  await page.getByRole('button', { name: preset, exact: true }).click();
  await page.getByLabel('Organisation').fill(org);
  if (opts.talentId) await page.getByLabel('Talent id').fill(opts.talentId);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Slate' })).toBeHidden({ timeout: 100_000 });
  return page;
}

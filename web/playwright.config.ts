// Browser end-to-end tests against the running stack (make web-e2e starts it): the app on
// SLATE_WEB_URL (default http://127.0.0.1:3000) in headless Chromium from Debian's packages
// (CHROMIUM, default /usr/bin/chromium; Playwright's own browser downloads are not used).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'artifacts/test-results',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.SLATE_WEB_URL ?? 'http://127.0.0.1:3000',
    headless: true,
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    },
  },
});

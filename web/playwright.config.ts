// Browser end-to-end tests against the running stack (make web-e2e starts it): the app on
// SLATE_WEB_URL (default http://127.0.0.1:3000) in headless Chromium from Debian's packages
// (CHROMIUM, default /usr/bin/chromium; Playwright's own browser downloads are not used).
// A private stack (the env of deploy/local/isolated.sh: SLATE_GATEWAY_PORT not 4000) serves no
// app, so the tests start web/server.mjs for it on SLATE_WEB_PORT (default gateway port + 30),
// proxying to that stack's gateway.
import { defineConfig } from '@playwright/test';

const gatewayPort = Number(process.env.SLATE_GATEWAY_PORT ?? 4000);
const isolated = !process.env.SLATE_WEB_URL && gatewayPort !== 4000;
const webPort = Number(process.env.SLATE_WEB_PORT ?? gatewayPort + 30);
const baseURL = process.env.SLATE_WEB_URL ?? (isolated ? `http://127.0.0.1:${webPort}` : 'http://127.0.0.1:3000');

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
    baseURL,
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
  webServer: isolated
    ? {
        command: `"${process.execPath}" server.mjs`,
        url: `${baseURL}/healthz`,
        reuseExistingServer: true,
        timeout: 30_000,
        env: { SLATE_WEB_PORT: String(webPort), SLATE_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` },
      }
    : undefined,
});

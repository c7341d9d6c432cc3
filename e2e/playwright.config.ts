import { defineConfig, devices, type ReporterDescription } from '@playwright/test';

/**
 * End-to-end suite: real Chromium (Debian's, never downloaded) against the real server, which
 * global-setup starts on a free port with a fresh data directory and the demo seed.
 * Build the web app first: `npm run build -w web` (the root `npm run test:e2e` does both).
 */
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const reporter: ReporterDescription[] = [['list']];
if (process.env.PW_JSON) reporter.push(['json', { outputFile: process.env.PW_JSON }]);

const { defaultBrowserType: _webkit, ...iPhone13 } = devices['iPhone 13'];

export default defineConfig({
  testDir: './specs',
  globalSetup: './support/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter,
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    launchOptions: chromium,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'desktop',
      testIgnore: /mobile\..*spec\.ts/,
      use: { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' },
    },
    {
      name: 'mobile',
      testMatch: /mobile\..*spec\.ts/,
      use: { ...iPhone13, browserName: 'chromium', locale: 'zh-CN' },
    },
    {
      // The shopper's storefront /m on a phone: e2e/tests/m-*.spec.ts.
      name: 'phone',
      testDir: './tests',
      testMatch: /m-.*\.spec\.ts/,
      use: { ...iPhone13, browserName: 'chromium', locale: 'zh-CN' },
    },
  ],
});

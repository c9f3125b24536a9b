import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'
import type { E2eOptions } from './tests/e2e/fixtures.ts'

// Playwright cannot download its own browser here: we drive the system
// Chromium (apt-get install chromium), or the one named in the environment.
const chromium = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  throw new Error(
    `No Chromium found at ${chromium}. Install it (apt-get install -y chromium) ` +
      'or set PLAYWRIGHT_CHROMIUM_EXECUTABLE to a Chromium or Chrome binary.',
  )
}

const port = Number(process.env.E2E_PORT ?? 3210)
const baseURL = `http://127.0.0.1:${port}`
// Where tests/e2e/serve.ts shows the mail the app sent (see fixtures.ts `mailTo`).
const mailPort = Number(process.env.E2E_MAIL_PORT ?? 3211)

export default defineConfig<E2eOptions>({
  testDir: 'tests/e2e',
  testMatch: '**/*.test.ts',
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
  timeout: 30_000,
  use: {
    baseURL,
    mailboxURL: `http://127.0.0.1:${mailPort}/messages`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: '**/*.no-js.test.ts' },
    { name: 'no-javascript', testMatch: '**/*.no-js.test.ts', use: { javaScriptEnabled: false } },
  ],
  webServer: {
    // The production build, with a fresh demo band (see tests/e2e/serve.ts).
    command: 'node tests/e2e/serve.ts',
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: { E2E_PORT: String(port), E2E_MAIL_PORT: String(mailPort) },
  },
})

import { execFileSync } from 'node:child_process'
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

/**
 * Local ports nothing listens on, all different. Synchronous because the
 * config is: a short-lived child holds them open together, prints them and
 * lets go.
 */
function freePorts(count: number): number[] {
  const script = `
    const net = require('node:net')
    const servers = Array.from({ length: ${count} }, () => net.createServer())
    let listening = 0
    for (const server of servers) server.listen(0, '127.0.0.1', () => {
      if (++listening < servers.length) return
      console.log(JSON.stringify(servers.map((s) => s.address().port)))
      for (const s of servers) s.close()
    })`
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as number[]
}

// Free ports, so two runs on one machine do not meet. Playwright loads this
// file in the runner and again in each worker: the runner picks the ports
// once and sets them in its environment, which the web server and the
// workers inherit, so every copy of the config agrees. Set E2E_PORT /
// E2E_MAIL_PORT yourself to choose them.
if (!process.env.E2E_PORT || !process.env.E2E_MAIL_PORT) {
  const [appPort, mailboxPort] = freePorts(2)
  process.env.E2E_PORT ||= String(appPort)
  process.env.E2E_MAIL_PORT ||= String(mailboxPort)
}
const port = Number(process.env.E2E_PORT)
const baseURL = `http://127.0.0.1:${port}`
// Where tests/e2e/serve.ts shows the mail the app sent (see fixtures.ts `mailTo`).
const mailPort = Number(process.env.E2E_MAIL_PORT)

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
    { name: 'no-javascript', testMatch: '**/*.no-js.test.ts', testIgnore: '**/demo-account-changes.no-js.test.ts', use: { javaScriptEnabled: false } },
    // Changes demo accounts that the other tests sign in with: runs after them.
    {
      name: 'demo-account-changes',
      testMatch: '**/demo-account-changes.no-js.test.ts',
      use: { javaScriptEnabled: false },
      dependencies: ['chromium', 'no-javascript'],
    },
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

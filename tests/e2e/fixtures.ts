import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import AxeBuilder from '@axe-core/playwright'
import { test as base, type Browser, type BrowserContext, expect, type Page } from '@playwright/test'
import { extractLink, type ReceivedMail } from '../setup/smtp-server.ts'

/** The demo accounts (DESIGN.md), by role; all share the demo password. */
export const demoAccounts = {
  superadmin: { email: 'superadmin@example.org', displayName: 'Sam Superadmin' },
  admin: { email: 'admin@example.org', displayName: 'Alex Admin' },
  director: { email: 'director@example.org', displayName: 'Dana Director' },
  librarian: { email: 'librarian@example.org', displayName: 'Libby Librarian' },
  leader: { email: 'leader@example.org', displayName: 'Lee Leader' },
  musician: { email: 'musician@example.org', displayName: 'Max Musician' },
} as const
export type Role = keyof typeof demoAccounts
export const demoPassword = 'band-demo-2026'

export type Credentials = { email: string; password: string }

/** A message the app sent, as the in-process SMTP server received it. */
export type Mail = ReceivedMail & {
  /** The first link in the text whose path contains `path`, e.g. `mail.link('/invite/')`. */
  link(path: string): string
}

/** Set in playwright.config.ts `use`. */
export type E2eOptions = {
  /** tests/e2e/serve.ts answers `GET <mailboxURL>?to=<address>` with the mail to that address. */
  mailboxURL: string
}

type Fixtures = {
  /** Opens `path` (on `page`, default the test's page), expects `status` (default 200) and checks the page with axe. */
  visit: (path: string, options?: { status?: number; page?: Page }) => Promise<void>
  /** Checks the page as it is now with axe, e.g. after a click or a form post. */
  checkAccessibility: (page?: Page) => Promise<void>
  /**
   * Signs in through the form on /login, as a demo account (`login('librarian')`)
   * or with other credentials, and expects to land on `landsOn` (default
   * /portal). Every page on the way is checked with axe.
   */
  login: (who: Role | Credentials, options?: { page?: Page; landsOn?: string }) => Promise<void>
  /**
   * A page in a new browser context with this project's settings: a second
   * device (`newPage({ userAgent })` to tell it apart in a device list), or someone else.
   */
  newPage: (options?: { userAgent?: string }) => Promise<Page>
  /**
   * Waits (default up to 10 s) for mail to `address` and returns the newest
   * message. Tests give each address one mail, so the newest is the one.
   */
  mailTo: (address: string, options?: { timeoutMs?: number }) => Promise<Mail>
}

/** Checks a page with axe, once per distinct markup in a worker (see `createAxeChecker`). */
type AxeChecker = (page: Page, options: { javaScriptEnabled: boolean }) => Promise<void>

export const test = base.extend<Fixtures & E2eOptions, { axeChecker: AxeChecker }>({
  mailboxURL: ['http://127.0.0.1:3211/messages', { option: true }],
  axeChecker: [
    async ({ browser }, use) => {
      const checker = createAxeChecker(browser)
      await use(checker.check)
      await checker.close()
    },
    { scope: 'worker' },
  ],
  checkAccessibility: async ({ page, axeChecker, javaScriptEnabled }, use) => {
    await use((target = page) => axeChecker(target, { javaScriptEnabled }))
  },
  visit: async ({ page, checkAccessibility }, use) => {
    await use(async (path, options = {}) => {
      const target = options.page ?? page
      const response = await target.goto(path)
      expect(response?.status(), `status of ${path}`).toBe(options.status ?? 200)
      await checkAccessibility(target)
    })
  },
  login: async ({ page, visit, checkAccessibility }, use) => {
    await use(async (who, options = {}) => {
      const target = options.page ?? page
      const credentials = typeof who === 'string' ? { email: demoAccounts[who].email, password: demoPassword } : who
      await visit('/login', { page: target })
      await submitSignIn(target, credentials)
      await expectPath(target, options.landsOn ?? '/portal')
      await checkAccessibility(target)
    })
  },
  newPage: async ({ browser, baseURL, javaScriptEnabled }, use) => {
    const contexts: BrowserContext[] = []
    await use(async (options = {}) => {
      const context = await browser.newContext({ baseURL, javaScriptEnabled, ...options })
      contexts.push(context)
      return context.newPage()
    })
    await Promise.all(contexts.map((context) => context.close()))
  },
  mailTo: async ({ mailboxURL }, use) => {
    await use(async (address, { timeoutMs = 10_000 } = {}) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const response = await fetch(`${mailboxURL}?${new URLSearchParams({ to: address })}`)
        expect(response.status, `the mailbox at ${mailboxURL}`).toBe(200)
        const messages = (await response.json()) as ReceivedMail[]
        const newest = messages.at(-1)
        if (newest) return { ...newest, link: (path: string) => extractLink(newest.text, path) }
        if (Date.now() > deadline) throw new Error(`No mail to ${address} within ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    })
  },
})

/** Fills and sends the sign-in form on the page, which must show it; no expectation about where it leads. */
export async function submitSignIn(page: Page, { email, password }: Credentials) {
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Waits until the page's path (query and hash aside) is `path`. */
export async function expectPath(page: Page, path: string) {
  await expect(page).toHaveURL((url) => url.pathname === path)
}

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

// The axe-core that @axe-core/playwright runs, for the no-JavaScript checker tab.
const axeSource = readFileSync(
  createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright')).resolve('axe-core/axe.min.js'),
  'utf8',
)
type AxeInPage = {
  run(context: Document, options: { runOnly: { type: 'tag'; values: string[] } }): Promise<{
    violations: { id: string; help: string; nodes: { target: unknown[] }[] }[]
  }>
}

/**
 * Accessibility problems of the app that are known and reported, by path and
 * axe rule. Each is a bug to fix in the app; remove the entry with the fix.
 */
const knownViolations: { path: string; rule: string; why: string }[] = []

type Violation = { id: string; help: string; targets: string[] }

/**
 * axe (WCAG 2.1 A and AA) for the pages the tests visit. The same markup is
 * checked once per worker: signing in as six people shows the same sign-in
 * page six times, and checking it six times would only cost time.
 *
 * axe runs as a script in the page, which a no-JavaScript page cannot do. There
 * the page's HTML as the browser has it (what the server sent, since no script
 * ran) is loaded at the same URL in a second tab that runs axe but blocks the
 * app's own scripts. Taking the HTML rather than loading the URL again checks
 * exactly what the visitor sees: pages behind sign-in, and the answer to a
 * form post, which a fresh GET would not reproduce.
 */
function createAxeChecker(browser: Browser) {
  const checked = new Set<string>()
  let noJsChecker: Promise<Page> | undefined

  async function openNoJsChecker(): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: true })
    // Loaded with every page, rather than sent over for each check.
    await context.addInitScript({ content: axeSource })
    // A request may be gone before it is aborted, when the next check navigates away.
    await context.route('**/*.js', (route) => route.abort().catch(() => {}))
    return context.newPage()
  }

  async function check(page: Page, { javaScriptEnabled }: { javaScriptEnabled: boolean }) {
    const url = page.url()
    const html = await page.content()
    const path = new URL(url).pathname
    // Scripts and nonces differ on every response without changing what axe sees.
    const key = `${path}\n${html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '').replace(/ nonce="[^"]*"/g, '')}`
    if (checked.has(key)) return

    let violations: Violation[]
    if (javaScriptEnabled) {
      const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze()
      violations = results.violations.map(({ id, help, nodes }) => ({ id, help, targets: nodes.map((node) => node.target.join(' ')) }))
    } else {
      noJsChecker ??= openNoJsChecker()
      const checker = await noJsChecker
      await checker.route(
        (candidate) => withoutHash(candidate.href) === withoutHash(url),
        (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
        { times: 1 },
      )
      await checker.goto(url)
      violations = await checker.evaluate(async (tags) => {
        const { axe } = window as unknown as { axe: AxeInPage }
        const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } })
        return results.violations.map(({ id, help, nodes }) => ({ id, help, targets: nodes.map((node) => node.target.join(' ')) }))
      }, wcagTags)
    }

    const summary = violations
      .filter((violation) => !knownViolations.some((known) => known.path === path && known.rule === violation.id))
      .map((violation) => `${violation.id}: ${violation.help} (${violation.targets.join(', ')})`)
    expect(summary, `axe violations on ${url}`).toEqual([])
    checked.add(key)
  }

  return {
    check,
    close: async () => {
      if (noJsChecker) await (await noJsChecker).context().close()
    },
  }
}

function withoutHash(url: string): string {
  return url.split('#')[0] ?? url
}

export { expect }

/** Signs out from the header and checks the signed-out home page. */
export async function signOut(page: Page, checkAccessibility: (page?: Page) => Promise<void>) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expectPath(page, '/')
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible()
  await checkAccessibility(page)
}

import AxeBuilder from '@axe-core/playwright'
import { test as base, type Browser, expect, type Page } from '@playwright/test'

/**
 * `visit(path)` opens a page and checks it with axe (WCAG 2.1 A and AA): every
 * page the end-to-end suite visits is checked for accessibility. Call
 * `checkAccessibility()` after an in-page navigation.
 */
export const test = base.extend<{
  visit: (path: string, options?: { status?: number }) => Promise<void>
  checkAccessibility: () => Promise<void>
}>({
  checkAccessibility: async ({ page, browser, javaScriptEnabled }, use) => {
    await use(() => expectNoAxeViolations(page, javaScriptEnabled ? undefined : browser))
  },
  visit: async ({ page, browser, javaScriptEnabled }, use) => {
    await use(async (path, options = {}) => {
      const response = await page.goto(path)
      expect(response?.status(), `status of ${path}`).toBe(options.status ?? 200)
      await expectNoAxeViolations(page, javaScriptEnabled ? undefined : browser)
    })
  },
})

/**
 * axe runs as a script in the page, which a no-JavaScript page cannot do. There
 * the same URL is checked in a second tab that runs axe but blocks the app's
 * own scripts, so axe sees exactly the server's HTML, as the no-JS visitor does.
 */
async function expectNoAxeViolations(page: Page, browserForNoJs?: Browser) {
  if (browserForNoJs) {
    const context = await browserForNoJs.newContext({ javaScriptEnabled: true })
    try {
      const checker = await context.newPage()
      await checker.route('**/*.js', (route) => route.abort())
      await checker.goto(page.url())
      await runAxe(checker)
    } finally {
      await context.close()
    }
    return
  }
  await runAxe(page)
}

async function runAxe(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  )
  expect(summary, `axe violations on ${page.url()}`).toEqual([])
}

export { expect }

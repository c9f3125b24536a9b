import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type Page } from '@playwright/test'

/**
 * `visit(path)` opens a page and checks it with axe (WCAG 2.1 A and AA): every
 * page the end-to-end suite visits is checked for accessibility. Call
 * `checkAccessibility()` after an in-page navigation.
 */
export const test = base.extend<{
  visit: (path: string, options?: { status?: number }) => Promise<void>
  checkAccessibility: () => Promise<void>
}>({
  checkAccessibility: async ({ page }, use) => {
    await use(() => expectNoAxeViolations(page))
  },
  visit: async ({ page }, use) => {
    await use(async (path, options = {}) => {
      const response = await page.goto(path)
      expect(response?.status(), `status of ${path}`).toBe(options.status ?? 200)
      await expectNoAxeViolations(page)
    })
  },
})

async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  )
  expect(summary, `axe violations on ${page.url()}`).toEqual([])
}

export { expect }

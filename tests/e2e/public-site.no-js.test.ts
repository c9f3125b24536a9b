import { expect, test } from './fixtures.ts'

// The same visitor on a basic phone with JavaScript off: every page is
// complete HTML from the server, and links are plain navigations.
test('the public site works without JavaScript', async ({ page, visit, checkAccessibility }) => {
  await visit('/')
  await expect(page.getByRole('heading', { level: 1, name: 'Riverside Community Band' })).toBeVisible()
  // Public pages do not ask for hydration (docs/decisions/009): no script at all, not merely one left unrun.
  expect(await page.locator('script').count()).toBe(0)

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'About' }).click()
  await expect(page).toHaveURL(/\/about$/)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('About')
  await checkAccessibility()

  await page.getByRole('link', { name: 'Skip to content' }).focus()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#main$/)
})

test('the error page works without JavaScript', async ({ page, visit }) => {
  await visit('/no/such/page', { status: 404 })
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
})

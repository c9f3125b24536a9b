import { demoAccounts, demoPassword, expect, expectPath, submitSignIn, test } from './fixtures.ts'

test('the home page shows the demo band, its concerts and news', async ({ page, visit }) => {
  await visit('/')
  await expect(page.getByRole('heading', { level: 1, name: 'Riverside Community Band' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Upcoming concerts' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Latest news' })).toBeVisible()
  await expect(page.getByRole('banner')).toBeVisible()
  await expect(page.getByRole('contentinfo')).toBeVisible()
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible()
})

test('the skip link takes keyboard users to the content', async ({ page, visit }) => {
  await visit('/')
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(page.locator('main#main')).toBeFocused()
})

test('the main navigation leads to CMS pages and the members area, behind sign-in', async ({ page, visit, checkAccessibility }) => {
  await visit('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'About' }).click()
  await expect(page).toHaveURL(/\/about$/)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('About')
  await checkAccessibility()

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click()
  await expectPath(page, '/login')
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  await checkAccessibility()
})

// On a client-side navigation the loader is called at the data URL
// (/portal.data); the way back after signing in must be the page itself.
test('with JavaScript, signing in after being sent to /login goes on to the page asked for', async ({ page, visit }) => {
  await visit('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click()
  await expectPath(page, '/login')
  await submitSignIn(page, { email: demoAccounts.musician.email, password: demoPassword })
  await expectPath(page, '/portal')
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Max' })).toBeVisible()
})

test('anonymous visitors asking for a members-only page are sent to sign in', async ({ page, visit }) => {
  for (const path of ['/portal', '/library', '/admin', '/admin/members', '/settings/security']) {
    await visit(path)
    await expectPath(page, '/login')
    expect(new URL(page.url()).searchParams.get('redirectTo'), `where ${path} sends back to`).toBe(path)
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  }
})

// The admin account may see all three areas. The admin plays in no section, so the portal says so kindly.
for (const [path, heading, says] of [
  ['/portal', 'Hello, Alex', 'not linked to a player on the band’s roster'],
  ['/library', 'Music library', 'Add a piece'],
  ['/admin', 'Administration', 'Coming soon.'],
] as const) {
  test(`${path} has its own layout`, async ({ page, login, visit }) => {
    await login('admin')
    await visit(path)
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
    await expect(page.getByRole('main')).toHaveCount(1)
    await expect(page.getByRole('banner').getByText(demoAccounts.admin.displayName)).toBeVisible()
    await expect(page.getByText(says)).toBeVisible()
  })
}

test('an unknown address shows the 404 page without a stack trace', async ({ page, visit }) => {
  await visit('/this/page/does-not-exist', { status: 404 })
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
  await expect(page.locator('body')).not.toContainText(/\bat \w+ \(/)
  await page.getByRole('link', { name: 'Go to the home page' }).click()
  await expect(page).toHaveURL(/\/$/)
})

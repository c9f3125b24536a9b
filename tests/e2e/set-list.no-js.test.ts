import { expect, test } from './fixtures.ts'

// Done-when of the members-and-events issue: director@example.org edits a set
// list with JavaScript off (finds a piece, adds it, moves it up) and sees it
// on the event page, where members read it.
test('a director edits a set list without JavaScript', async ({ page, login, visit, checkAccessibility }) => {
  await login('director')
  await visit('/portal/events?kind=concert')
  await page.getByRole('main').getByRole('listitem').first().getByRole('link').first().click()
  const eventUrl = page.url()
  await expect(page.getByRole('navigation', { name: 'Manage' })).toBeVisible()
  await page.getByRole('navigation', { name: 'Manage' }).getByRole('link', { name: 'Set list' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Set list' })).toBeVisible()
  await checkAccessibility()
  const before = await page.getByRole('button', { name: /^Save note: / }).count()

  await page.getByLabel('Title or composer').fill('march')
  await page.getByRole('button', { name: 'Find', exact: true }).click()
  const add = page.getByRole('list', { name: 'Matching pieces' }).getByRole('button', { name: /^Add: / }).first()
  const title = ((await add.getAttribute('aria-label')) ?? '').replace(/^Add: /, '')
  expect(title).not.toBe('')
  await add.click()
  await expect(page.getByRole('status').filter({ hasText: `${title} is on the set list, at number ${before + 1}.` })).toBeVisible()
  await checkAccessibility()

  await page.getByRole('button', { name: `Move up: ${title}` }).click()
  await expect(page.getByRole('status').filter({ hasText: `${title} is now number ${before}.` })).toBeVisible()

  await page.goto(eventUrl)
  const setList = page.locator('section[aria-labelledby="set-list"] ol > li')
  await expect(setList).toHaveCount(before + 1)
  await expect(setList.nth(before - 1)).toContainText(title)
  await checkAccessibility()
})

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

// Every page a director schedules with, and a refused form, checked with axe.
test('the scheduling pages work and pass axe without JavaScript', async ({ page, login, visit, checkAccessibility }) => {
  // Ten pages through axe on two shared cores.
  test.setTimeout(90_000)
  await login('director')
  await visit('/portal/events')
  await page.getByRole('link', { name: 'New event' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'New event' })).toBeVisible()
  await checkAccessibility()
  await page.getByLabel('Title', { exact: true }).fill('Extra rehearsal')
  await page.getByLabel('Date', { exact: true }).fill('2027-03-28')
  await page.getByLabel('Starts').fill('01:30')
  await page.getByLabel('Ends').fill('03:00')
  await page.getByRole('button', { name: 'Add to the schedule' }).click()
  await expect(page.getByText('01:30 on Sunday 28 March 2027 does not exist')).toBeVisible()
  await expect(page.getByLabel('Starts')).toHaveAttribute('aria-invalid', 'true')
  await checkAccessibility()

  await visit('/portal/events/series/new')
  await visit('/portal/venues')
  await page.getByRole('link', { name: 'New venue' }).click()
  await checkAccessibility()
  await visit('/portal/venues')
  await page.getByRole('main').getByRole('listitem').first().getByRole('link').click()
  await expect(page.getByRole('heading', { level: 2, name: 'Delete this venue' })).toBeVisible()
  await checkAccessibility()

  await visit('/portal/events?kind=rehearsal')
  await page.getByRole('main').getByRole('listitem').first().getByRole('link').first().click()
  const manage = page.getByRole('navigation', { name: 'Manage' })
  await manage.getByRole('link', { name: 'Series' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Dates skipped' })).toBeVisible()
  await checkAccessibility()
  await page.goBack()
  await manage.getByRole('link', { name: 'Edit' }).click()
  await expect(page.getByText('This date is part of a weekly series')).toBeVisible()
  await checkAccessibility()
  await page.goBack()
  await manage.getByRole('link', { name: 'Cancel event' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Cancel this event?' })).toBeVisible()
  await checkAccessibility()
})

import { expect, test } from './fixtures.ts'

// Calendar feeds with JavaScript off (members-and-events issue, item 10): a
// member makes their link, replaces it and turns it off, each change behind
// a confirmation step, all plain form posts. The calendar link is the
// musician's alone: no other test reads or changes it.

test('a musician makes a calendar link, replaces it and turns it off, with a confirmation each time', async ({ page, login, visit, checkAccessibility, request }) => {
  await login('musician')
  await visit('/portal')
  await page.getByRole('navigation', { name: 'Members’ portal' }).getByRole('link', { name: 'Calendar' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Calendar' })).toBeVisible()
  await checkAccessibility()

  await page.getByRole('button', { name: 'Create my calendar link' }).click()
  await expect(page.getByRole('status')).toHaveText('Your calendar link is ready.')
  const address = page.getByLabel('Address to subscribe to')
  const first = await address.inputValue()
  expect(first).toMatch(/\/calendar\/[A-Za-z0-9_-]{43}\.ics$/)
  await expect(page.getByRole('link', { name: 'Open in my calendar app' })).toHaveAttribute('href', first.replace(/^https?:/, 'webcal:'))
  await checkAccessibility()
  const feed = await request.get(new URL(first).pathname)
  expect(feed.status()).toBe(200)
  expect(feed.headers()['content-type']).toBe('text/calendar; charset=utf-8')

  // "Make a new link" only asks; the old address still works until confirmed.
  await page.getByRole('link', { name: 'Make a new link' }).click()
  await expect(page.getByRole('heading', { name: 'Make a new link?' })).toBeVisible()
  await checkAccessibility()
  await page.getByRole('link', { name: 'Keep my link' }).click()
  await expect(address).toHaveValue(first)
  await page.getByRole('link', { name: 'Make a new link' }).click()
  await page.getByRole('button', { name: 'Make a new link' }).click()
  await expect(page.getByRole('status')).toHaveText('Your new calendar link is ready. The old one no longer works.')
  const second = await address.inputValue()
  expect(second).not.toBe(first)
  expect((await request.get(new URL(first).pathname)).status()).toBe(404)

  await page.getByRole('link', { name: 'Turn off' }).click()
  await page.getByRole('button', { name: 'Turn off my calendar link' }).click()
  await expect(page.getByRole('status')).toHaveText('Your calendar link is turned off. Calendar apps can no longer read it.')
  await expect(page.getByRole('button', { name: 'Create my calendar link' })).toBeVisible()
  expect((await request.get(new URL(second).pathname)).status()).toBe(404)
})

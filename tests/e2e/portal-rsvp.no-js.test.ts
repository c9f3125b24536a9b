import type { Locator, Page } from '@playwright/test'
import { expect, expectPath, test } from './fixtures.ts'

// RSVP and dates away with JavaScript off, as a member on a basic phone
// (members-and-events issue, "Done when"): the musician taps "Not going" on
// the next rehearsal from /portal and sees it confirmed; enters dates away
// and sees the events in them marked "Away".
//
// Both tests change the musician's own answers, so they run in order; other
// files only sign the musician in.
test.describe.configure({ mode: 'serial' })

/** The /portal entries that still take an answer (not cancelled, not closed). */
function answerable(page: Page): Locator {
  return page.getByRole('main').getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Not going', exact: true }) })
}

test('the musician taps “Not going” on the next rehearsal and sees it confirmed', async ({ page, login, visit, checkAccessibility }) => {
  await login('musician')
  await visit('/portal')
  await expect(page.getByRole('heading', { level: 1, name: 'Hello, Max' })).toBeVisible()
  const rehearsal = answerable(page).filter({ has: page.getByRole('heading', { level: 3, name: 'Rehearsal', exact: true }) }).first()
  const eventPath = await rehearsal.getByRole('link', { name: 'Rehearsal', exact: true }).getAttribute('href')
  expect(eventPath).toMatch(/^\/portal\/events\/[0-9a-f-]{36}$/)
  for (const name of ['Going', 'Not going', 'Maybe']) await expect(rehearsal.getByRole('button', { name, exact: true })).toBeVisible()

  await rehearsal.getByRole('button', { name: 'Not going', exact: true }).click()
  await expectPath(page, '/portal')
  await expect(page.getByRole('status')).toHaveText(/^You answered Not going for Rehearsal, \w+day, /)
  const again = page.getByRole('main').getByRole('listitem').filter({ has: page.locator(`a[href="${eventPath}"]`) })
  await expect(again.getByRole('button', { name: 'Not going', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await expect(again.getByRole('button', { name: 'Going', exact: true })).toHaveAttribute('aria-pressed', 'false')
  await expect(again.getByText('Your answer: Not going')).toBeVisible()
  await checkAccessibility()

  // The event page says the same, and takes a note with a changed answer.
  await visit(eventPath ?? '')
  await expect(page.getByText('Your answer: Not going')).toBeVisible()
  await page.getByLabel('Note (optional)').fill('Back next week')
  await page.getByRole('button', { name: 'Maybe', exact: true }).click()
  await expect(page.getByRole('status')).toHaveText(/^You answered Maybe for Rehearsal, \w+day, /)
  await expect(page.getByText('Your answer: Maybe')).toBeVisible()
  await expect(page.getByText('“Back next week”')).toBeVisible()
  await checkAccessibility()
})

test('the musician enters dates away and sees the events in them marked Away', async ({ page, login, visit, checkAccessibility }) => {
  await login('musician')
  await visit('/portal/events')
  const timeZone = /in the band’s time \(([^)]+)\)/.exec((await page.getByRole('main').textContent()) ?? '')?.[1] ?? 'UTC'

  // An event on /portal the musician has not answered yet: its date, in the band's zone, is the range.
  await visit('/portal')
  const open = answerable(page).filter({ hasText: 'No answer yet' }).first()
  const link = open.getByRole('heading', { level: 3 }).getByRole('link')
  const [title, eventPath, startsAt] = await Promise.all([link.textContent(), link.getAttribute('href'), open.locator('time').getAttribute('datetime')])
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(startsAt ?? ''))

  await page.getByRole('link', { name: 'Dates you are away' }).click()
  await expectPath(page, '/portal/availability')
  await checkAccessibility()
  // A range the wrong way round is refused, with the message at its field.
  await page.getByLabel('First day away').fill(day)
  await page.getByLabel('Last day away').fill('2000-01-01')
  await page.getByRole('button', { name: 'Save dates away' }).click()
  await expect(page.getByLabel('Last day away')).toHaveAccessibleDescription(/The last day is before the first day/)
  await checkAccessibility()

  await page.getByLabel('First day away').fill(day)
  await page.getByLabel('Last day away').fill(day)
  await page.getByLabel('Reason (optional)').fill('Family visit')
  await page.getByRole('button', { name: 'Save dates away' }).click()
  await expectPath(page, '/portal/availability')
  await expect(page.getByRole('status')).toContainText('Your dates away are saved')
  const range = page.getByRole('main').getByRole('listitem').filter({ hasText: 'Family visit' })
  await expect(range.getByRole('listitem').filter({ has: page.locator(`a[href="${eventPath}"]`) })).toContainText('Away')
  await checkAccessibility()

  await visit('/portal')
  const marked = page.getByRole('main').getByRole('listitem').filter({ has: page.locator(`a[href="${eventPath}"]`) })
  await expect(marked.getByText('Away (not going)')).toBeVisible()
  await visit(eventPath ?? '')
  await expect(page.getByRole('heading', { level: 1, name: title ?? '' })).toBeVisible()
  await expect(page.getByText('Away (not going)')).toBeVisible()
})

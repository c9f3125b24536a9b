import { expect, test } from './fixtures.ts'

// Members-and-events issue, "Done when", with JavaScript off: leader@example.org
// marks attendance for Clarinets and is refused the Flutes (403);
// director@example.org sees the coverage grid with the missing parts.

test('a section leader takes attendance for Clarinets and is refused the Flutes', async ({ page, login, visit, checkAccessibility, newPage }) => {
  await login('leader')
  await page.getByRole('navigation', { name: 'Members’ portal' }).getByRole('link', { name: 'Attendance' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Attendance' })).toBeVisible()
  await checkAccessibility()

  // The most recent rehearsal that has already happened (today's counts).
  const recent = page.getByRole('region', { name: 'Take attendance' }).getByRole('link', { name: /Rehearsal/ })
  await recent.first().click()
  await expect(page).toHaveURL(/\/portal\/events\/[0-9a-f-]{36}\/attendance$/)
  await expect(page.getByRole('heading', { level: 2, name: /Clarinets/ })).toBeVisible()
  await expect(page.getByRole('heading', { level: 2, name: /Flutes/ })).toHaveCount(0)
  await checkAccessibility()

  const max = page.getByRole('group', { name: 'Max Musician' })
  await max.getByRole('radio', { name: 'Late' }).check()
  const lee = page.getByRole('group', { name: 'Lee Leader' })
  await lee.getByRole('radio', { name: 'Present' }).check()
  await page.getByRole('button', { name: 'Save attendance' }).click()
  await expect(page.getByText(/^Attendance saved for \d+ members?: /)).toBeVisible()
  await expect(page.getByRole('group', { name: 'Max Musician' }).getByRole('radio', { name: 'Late' })).toBeChecked()
  await expect(page.getByRole('group', { name: 'Max Musician' })).toContainText('marked late')
  const sheet = page.url()

  // The Flutes' id, as a director's section picker offers it.
  const director = await newPage()
  await login('director', { page: director })
  await director.goto(sheet)
  const flutes = await director.getByLabel('Section').locator('option', { hasText: 'Flutes' }).getAttribute('value')
  expect(flutes).toMatch(/^[0-9a-f-]{36}$/)

  await visit(`${new URL(sheet).pathname}?section=${flutes}`, { status: 403 })
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await visit(`/portal/attendance?section=${flutes}`, { status: 403 })
})

test('a director sees the coverage grid with the parts nobody is going to play', async ({ page, login, checkAccessibility }) => {
  await login('director')
  await page.getByRole('navigation', { name: 'Members’ portal' }).getByRole('link', { name: 'Coverage' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Coverage' })).toBeVisible()
  await checkAccessibility()

  // An event whose set list has parts without a player (concerts far ahead have few answers yet).
  const uncovered = page.getByRole('listitem').filter({ hasText: /parts? uncovered/ }).first()
  await uncovered.getByRole('link').first().click()
  await expect(page).toHaveURL(/\/portal\/events\/[0-9a-f-]{36}\/coverage$/)
  await expect(page.getByText(/\d+ parts? needs? a player\./)).toBeVisible()
  await expect(page.getByRole('list', { name: /^Missing parts in / }).first().getByText(/: nobody$/).first()).toBeVisible()
  await expect(page.getByRole('table', { name: 'Section totals' })).toBeVisible()
  await expect(page.getByRole('table', { name: /^Clarinets/ })).toBeVisible()
  await checkAccessibility()

  // The folded list of every part opens without JavaScript.
  await page.getByText(/^All \d+ parts and who plays them$/).first().click()
  await expect(page.getByRole('table', { name: /^Parts of / }).first()).toBeVisible()
})

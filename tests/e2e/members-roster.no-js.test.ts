import { randomBytes } from 'node:crypto'
import { expect, expectPath, test } from './fixtures.ts'

// The roster with JavaScript off (members-and-events issue, item 1): an admin
// finds a member, records a status change, and imports a CSV file through the
// preview; a section leader sees their own section. Every page is checked with axe.

test('an admin finds a member and records a status change from a date, with a note', async ({ page, login, visit, checkAccessibility }) => {
  await login('admin')
  await visit('/admin/members')
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible()
  await page.getByRole('search', { name: 'Find members' }).getByLabel('Name').fill('Rahman')
  await page.getByRole('button', { name: 'Show', exact: true }).click()
  await expect(page.getByRole('heading', { name: '1 member matches' })).toBeVisible()
  await checkAccessibility()

  await page.getByRole('link', { name: 'Aisha Rahman' }).click()
  await expect(page.getByRole('heading', { level: 1, name: /Aisha Rahman/ })).toBeVisible()
  await checkAccessibility()
  const status = page.getByRole('region', { name: 'Status' })
  await status.getByLabel('New status').selectOption({ label: 'On leave' })
  await status.getByLabel('From').fill('2026-11-20')
  await status.getByLabel('Note (optional)').fill('Travelling for work until January')
  await status.getByRole('button', { name: 'Record status change' }).click()
  await expect(page.getByRole('status')).toContainText('Status change recorded.')
  await expect(page.getByRole('region', { name: 'Status' }).getByRole('listitem').first()).toContainText('Travelling for work until January')
  await checkAccessibility()
})

test('an admin imports a CSV file: a preview first, then every row at once', async ({ page, login, visit, checkAccessibility }) => {
  const suffix = randomBytes(4).toString('hex')
  await login('admin')
  await visit('/admin/members/import')
  const csv = `\uFEFFfirst_name;last_name;email;instrument;chair\nIvy;Import${suffix};ivy-${suffix}@example.net;Flute;6\nIgor;Import${suffix};igor-${suffix}@example.net;Tuba;\n`
  await page.getByLabel('CSV file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByRole('button', { name: 'Check the file' }).click()
  await expect(page.getByRole('heading', { name: 'Preview of roster.csv' })).toBeVisible()
  await expect(page.getByText('2 new')).toBeVisible()
  await checkAccessibility()

  await page.getByRole('button', { name: 'Import 2 members' }).click()
  await expectPath(page, '/admin/members')
  await expect(page.getByRole('status')).toContainText('Imported 2 new member(s) and updated 0.')
  await visit(`/admin/members?q=Import${suffix}`)
  await expect(page.getByRole('heading', { name: '2 members match' })).toBeVisible()
})

test('a section leader sees the members of their own section, read only', async ({ page, login, visit }) => {
  await login('leader')
  await visit('/admin/members')
  await expect(page.getByText('The members of your section')).toBeVisible()
  await expect(page.getByRole('link', { name: 'Max Musician' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Hannah Whitfield' })).toHaveCount(0)
  await page.getByRole('link', { name: 'Max Musician' }).click()
  await expect(page.getByRole('heading', { level: 1, name: /Max Musician/ })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Save profile' })).toHaveCount(0)
})

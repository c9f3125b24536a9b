import { expect, test } from './fixtures.ts'

// Profiles and the directory on a basic phone with JavaScript off (issue 8,
// items 2 and 3): the musician saves an emergency contact from /portal/profile;
// their section leader sees it in the directory, the director does not.

test.describe.configure({ mode: 'serial' })

// Unique per run, so a second run against the same server finds its own.
const contact = { name: `Jordan Quill ${Date.now().toString(36)}`, phone: '07700 900456' }

test('a musician edits their profile and emergency contact with a plain form', async ({ page, login, checkAccessibility }) => {
  await login('musician')
  await page.getByRole('navigation', { name: 'Members’ portal' }).getByRole('link', { name: 'My profile' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'My profile' })).toBeVisible()
  await checkAccessibility()
  await expect(page.getByText('Clarinet in B♭ · main instrument · Clarinets · chair 2')).toBeVisible()

  // A mistake first: the message sits at the field, nothing is saved. (The
  // demo band may already hold a contact for Max: the phone is cleared.)
  await page.getByLabel('Pronouns').fill('he/him')
  await page.getByRole('group', { name: 'Emergency contact 1' }).getByLabel('Name').fill(contact.name)
  await page.getByRole('group', { name: 'Emergency contact 1' }).getByLabel('Phone').fill('')
  await page.getByRole('button', { name: 'Save profile' }).click()
  await expect(page.getByText('Enter a phone number for emergency contact 1')).toBeVisible()
  await expect(page.getByText('one answer needs a change')).toBeVisible()
  await checkAccessibility()

  await page.getByRole('group', { name: 'Emergency contact 1' }).getByLabel('Phone').fill(contact.phone)
  await page.getByRole('group', { name: 'Emergency contact 1' }).getByLabel('Relationship').fill('partner')
  await page.getByLabel('List me in the member directory').check()
  await page.getByRole('button', { name: 'Save profile' }).click()
  await expect(page.getByText('Your profile is saved.')).toBeVisible()
  await expect(page.getByRole('group', { name: 'Emergency contact 1' }).getByLabel('Name')).toHaveValue(contact.name)
  await expect(page.getByLabel('Pronouns')).toHaveValue('he/him')
})

test('the Clarinets leader sees that emergency contact in the directory; the director does not', async ({ page, login, newPage, visit }) => {
  await login('leader')
  await visit('/portal/directory')
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: /Clarinets/ }).click()
  await expect(page).toHaveURL(/#section-clarinets$/)
  const card = page.getByRole('listitem').filter({ hasText: 'Max Musician' })
  await expect(card.getByText(`${contact.name} (partner):`)).toBeVisible()
  await expect(card.getByRole('link', { name: contact.phone })).toHaveAttribute('href', 'tel:07700900456')

  const director = await newPage()
  await login('director', { page: director })
  await visit('/portal/directory?q=musician', { page: director })
  await expect(director.getByText('Max Musician')).toBeVisible()
  await expect(director.getByText(contact.name)).toHaveCount(0)
  await expect(director.getByText('Emergency contacts', { exact: true })).toHaveCount(0)
})

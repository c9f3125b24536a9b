import { randomBytes } from 'node:crypto'
import { demoAccounts, demoPassword, expect, expectPath, signOut, submitSignIn, test } from './fixtures.ts'

// Identity with JavaScript off, as a member on a basic phone: every step is a
// plain form post and a full page from the server (issue 3, "Done when").
//
// The tests run in parallel on one server. The six demo accounts only sign in
// here; the tests that change them (the librarian's password, the leader's
// two-step sign-in) are in demo-account-changes.no-js.test.ts, which runs
// after every other browser test. Other accounts a test needs it invites
// itself, with a random address.

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1'

test('a musician asking for a members-only page signs in and goes on to it; admin pages are refused', async ({ page, visit, checkAccessibility }) => {
  await visit('/settings/security')
  await expectPath(page, '/login')
  await submitSignIn(page, { email: demoAccounts.musician.email, password: demoPassword })
  await expectPath(page, '/settings/security')
  await expect(page.getByRole('heading', { level: 1, name: 'Security settings' })).toBeVisible()
  await checkAccessibility()

  for (const path of ['/admin', '/admin/members']) {
    await visit(path, { status: 403 })
    await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible()
  }
})

test('the security pages: an overview that leads to a page for each change, errors tied to their fields, and a lost phone signed out', async ({
  page,
  login,
  visit,
  checkAccessibility,
  newPage,
}) => {
  // Changes nothing on the shared musician account but one session of its own.
  const phone = await newPage({ userAgent: IPHONE })
  await login('musician', { page: phone })
  await login('musician')
  await visit('/settings/security')
  await expect(page.getByRole('heading', { level: 1, name: 'Security settings' })).toBeVisible()

  const pages = [
    ['Change password', '/settings/security/password', 'Change your password'],
    ['Change email address', '/settings/security/email', 'Change your email address'],
    ['Set up two-step sign-in', '/settings/security/two-step', 'Two-step sign-in'],
    ['See your devices', '/settings/security/devices', 'Your devices'],
  ] as const
  for (const [link, path, heading] of pages) {
    await test.step(path, async () => {
      await page.getByRole('link', { name: link }).click()
      await expectPath(page, path)
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
      await checkAccessibility()
      await page.getByRole('link', { name: 'Back to security' }).click()
      await expectPath(page, '/settings/security')
    })
  }

  // A wrong current password comes back as that field's error, read out with it; nothing typed is sent back.
  await visit('/settings/security/password')
  await page.getByLabel('Current password', { exact: true }).fill('not my password at all')
  await page.getByLabel('New password', { exact: true }).fill('a long and quite new password')
  await page.getByLabel('New password again', { exact: true }).fill('a long and quite new password')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByLabel('Current password', { exact: true })).toHaveAccessibleDescription('That is not your current password.')
  await expect(page.getByLabel('Current password', { exact: true })).toHaveValue('')
  await checkAccessibility()

  await visit('/settings/security/devices')
  await expect(page.getByRole('list', { name: 'Devices signed in' })).toContainText('Safari on iOS')
  await page.getByRole('button', { name: 'Sign out Safari on iOS' }).click()
  await expectPath(page, '/settings/security/devices')
  await expect(page.getByRole('status')).toContainText('That device is signed out.')
  await expect(page.getByRole('button', { name: 'Sign out Safari on iOS' })).toHaveCount(0)
  await checkAccessibility()
  await phone.goto('/portal')
  await expectPath(phone, '/login')
})

test('an invited member accepts from the email, chooses a password and later signs in with it', async ({
  page,
  login,
  visit,
  checkAccessibility,
  newPage,
  mailTo,
}) => {
  const suffix = randomBytes(4).toString('hex')
  const invitee = { name: `Ivy Invitee ${suffix}`, email: `invitee-${suffix}@example.org`, password: `copper ${suffix} lantern meadow` }

  await login('admin')
  await visit('/admin/members/accounts')
  const invite = page.getByRole('region', { name: 'Invite someone' })
  await invite.getByLabel('Name', { exact: true }).fill(invitee.name)
  await invite.getByLabel('Email address', { exact: true }).fill(invitee.email)
  await invite.getByLabel('Role', { exact: true }).selectOption({ label: 'Musician' })
  await invite.getByRole('button', { name: 'Send invitation' }).click()
  await expect(page.getByRole('status')).toContainText(`Invitation sent to ${invitee.email}`)
  await checkAccessibility()

  const link = (await mailTo(invitee.email)).link('/invite/')
  const guest = await newPage()
  await visit(link, { page: guest })
  await expect(guest.getByRole('heading', { level: 1, name: `Welcome, ${invitee.name}` })).toBeVisible()
  await guest.getByLabel('Password', { exact: true }).fill(invitee.password)
  await guest.getByLabel('Password again', { exact: true }).fill(invitee.password)
  await guest.getByRole('button', { name: 'Create my account' }).click()
  await expectPath(guest, '/portal')
  await expect(guest.getByRole('banner').getByText(invitee.name)).toBeVisible()
  await checkAccessibility(guest)

  await signOut(guest, checkAccessibility)
  await visit(link, { page: guest })
  await expect(guest.getByRole('heading', { level: 1, name: 'This invitation no longer works' })).toBeVisible()

  await login({ email: invitee.email, password: invitee.password }, { page: guest })
  await expect(guest.getByRole('banner').getByText(invitee.name)).toBeVisible()
})

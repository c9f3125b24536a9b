import { randomBytes } from 'node:crypto'
import type { Page } from '@playwright/test'
import { generateTotpCode } from '#app/modules/identity/totp.server.ts'
import { demoAccounts, demoPassword, expect, expectPath, type Role, submitSignIn, test } from './fixtures.ts'

// Identity with JavaScript off, as a member on a basic phone: every step is a
// plain form post and a full page from the server (issue 3, "Done when").
//
// The tests run in parallel on one server. The six demo accounts only sign in,
// except in the group at the end: it runs in order, after every demo account
// has signed in, and changes the librarian's password and the leader's MFA.
// Other accounts a test needs it invites itself, with a random address.

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

test.describe('demo accounts that tests change', () => {
  // In order, in one worker: the first test signs in with every demo account
  // before the others change two of them.
  test.describe.configure({ mode: 'default' })

  test('each demo account signs in, lands in the portal with their name, and signs out', async ({ page, login, checkAccessibility }) => {
    test.setTimeout(60_000)
    for (const role of Object.keys(demoAccounts) as Role[]) {
      await test.step(role, async () => {
        await login(role)
        await expect(page.getByRole('banner').getByText(demoAccounts[role].displayName)).toBeVisible()
        await signOut(page, checkAccessibility)
      })
    }
  })

  test('a forgotten password is reset through the emailed link, which ends the other sessions', async ({
    page,
    login,
    visit,
    checkAccessibility,
    newPage,
    mailTo,
  }) => {
    const { email, displayName } = demoAccounts.librarian
    const newPassword = `viola ${randomBytes(4).toString('hex')} harbour quilt`

    // Signed in on one device, the librarian asks for a new password on another.
    await login('librarian')
    const other = await newPage()
    await visit('/forgot-password', { page: other })
    await other.getByLabel('Email address', { exact: true }).fill(email)
    await other.getByRole('button', { name: 'Send the link' }).click()
    await expect(other.getByRole('status')).toContainText('If that address belongs to an account')
    await checkAccessibility(other)

    const link = (await mailTo(email)).link('/reset-password')
    await visit(link, { page: other })
    await other.getByLabel('New password', { exact: true }).fill(newPassword)
    await other.getByLabel('New password again', { exact: true }).fill(newPassword)
    await other.getByRole('button', { name: 'Set the new password' }).click()
    await expectPath(other, '/login')
    await expect(other.getByRole('status')).toContainText('Your password is changed')
    await checkAccessibility(other)

    await submitSignIn(other, { email, password: demoPassword })
    await expect(other.getByRole('alert')).toContainText('That email address and password do not match')
    await checkAccessibility(other)
    await submitSignIn(other, { email, password: newPassword })
    await expectPath(other, '/portal')
    await expect(other.getByRole('banner').getByText(displayName)).toBeVisible()
    await checkAccessibility(other)

    // The first device's session ended with the reset: its next request is anonymous.
    await visit('/portal')
    await expectPath(page, '/login')
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()

    // The link worked once.
    await visit(link, { page: other })
    await expect(other.getByRole('heading', { level: 1, name: 'This link no longer works' })).toBeVisible()
  })

  test('two-step sign-in: enrol, a code works once, a recovery code works once', async ({ page, login, visit, checkAccessibility }) => {
    // Up to two waits for the next 30-second TOTP step.
    test.setTimeout(120_000)
    const { displayName } = demoAccounts.leader
    // The password is right; the page asks for the second step.
    const passwordStep = async () => {
      await login('leader', { landsOn: '/login/two-factor' })
      await expect(page.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible()
    }

    await login('leader')
    await visit('/settings/security')
    await page.getByRole('link', { name: 'Set up two-step sign-in' }).click()
    await expectPath(page, '/settings/security/two-step')
    await page.getByLabel('Current password', { exact: true }).fill(demoPassword)
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click()
    await expectPath(page, '/settings/security/two-step')
    await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible()
    await expect(page.getByRole('status')).toContainText('Scan the QR code')
    await checkAccessibility()

    const manualKey = (await page.getByText(/^Key:/).locator('code').textContent()) ?? ''
    const enrolledAt = new Date()
    await page.getByLabel('Code from the app', { exact: true }).fill(generateTotpCode(manualKey, enrolledAt))
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click()
    await expect(page.getByRole('main').getByRole('status')).toContainText('Two-step sign-in is on')
    const recoveryCodes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents()
    expect(recoveryCodes).toHaveLength(10)
    await checkAccessibility()
    await page.getByRole('link', { name: 'I have saved my codes' }).click()
    await expectPath(page, '/settings/security')
    await expect(page.getByRole('main')).toContainText('You have 10 unused recovery codes')
    await signOut(page, checkAccessibility)

    // The enrolment used up this step's code: the next sign-in needs the next step's.
    await passwordStep()
    await waitForNextTotpStep(enrolledAt)
    const codeAt = new Date()
    const code = generateTotpCode(manualKey, codeAt)
    await enterCode(page, code)
    await expectPath(page, '/portal')
    await expect(page.getByRole('banner').getByText(displayName)).toBeVisible()
    await checkAccessibility()
    await signOut(page, checkAccessibility)

    // The same code again is refused; a recovery code gets in instead.
    await passwordStep()
    await enterCode(page, code)
    await expect(page.getByRole('alert')).toContainText('That code is not valid, or it was already used')
    await checkAccessibility()
    await enterCode(page, recoveryCodes[0] ?? '')
    await expectPath(page, '/portal')
    await checkAccessibility()
    await signOut(page, checkAccessibility)

    // That recovery code is spent; a code from a later step still works.
    await passwordStep()
    await enterCode(page, recoveryCodes[0] ?? '')
    await expect(page.getByRole('alert')).toContainText('That code is not valid, or it was already used')
    await checkAccessibility()
    await waitForNextTotpStep(codeAt)
    await enterCode(page, generateTotpCode(manualKey))
    await expectPath(page, '/portal')
    await checkAccessibility()

    // Put the leader back as the seed made them: turning it off asks for the password and a code.
    await visit('/settings/security')
    await page.getByRole('link', { name: 'Turn off two-step sign-in' }).click()
    await expectPath(page, '/settings/security/two-step')
    await page.getByLabel('Current password', { exact: true }).fill(demoPassword)
    await page.getByLabel('Code from your authenticator app').fill(recoveryCodes[1] ?? '')
    await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click()
    await expectPath(page, '/settings/security')
    await expect(page.getByRole('status')).toContainText('Two-step sign-in is off')
    await checkAccessibility()
  })
})

/** Signs out with the button in the page header; lands on the home page, signed out. */
async function signOut(page: Page, checkAccessibility: (page?: Page) => Promise<void>) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expectPath(page, '/')
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' })).toBeVisible()
  await checkAccessibility(page)
}

async function enterCode(page: Page, code: string) {
  await page.getByLabel('Code', { exact: true }).fill(code)
  await page.getByRole('button', { name: 'Continue' }).click()
}

/** Waits until the 30-second TOTP step after the one `since` fell in has begun. */
async function waitForNextTotpStep(since: Date) {
  const stepMs = 30_000
  const nextStepStarts = (Math.floor(since.getTime() / stepMs) + 1) * stepMs
  const wait = nextStepStarts - Date.now()
  // A little extra so the server, on the same clock, is surely in the new step too.
  if (wait > -250) await new Promise((resolve) => setTimeout(resolve, wait + 250))
}

import { randomBytes } from 'node:crypto'
import type { Page } from '@playwright/test'
import { generateTotpCode } from '#app/modules/identity/totp.server.ts'
import { demoAccounts, demoPassword, expect, expectPath, type Role, signOut, submitSignIn, test } from './fixtures.ts'

// The tests that change demo accounts: the librarian's password and the
// leader's two-step sign-in. Playwright runs this file after every other
// browser test (the "demo-account-changes" project depends on the others),
// since those sign in with the same accounts at the same time.

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

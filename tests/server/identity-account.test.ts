import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '#db/client.server.ts'
import { verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { generateTotpCode } from '#app/modules/identity/totp.server.ts'
import { BrowserSession, DEMO_PASSWORD, htmlToText, type Page } from '#tests/setup/browser-session.ts'
import { auditRowsSince, openServerDatabase, rowsLeaking } from '#tests/setup/server-database.ts'
import { extractLink, startTestSmtpServer, type TestSmtpServer } from '#tests/setup/smtp-server.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// A member's own account under /settings/security (devices, password, email,
// turning two-step sign-in off), one page per form, on a site served over HTTPS behind a
// TLS-terminating proxy (PUBLIC_URL, TRUST_PROXY=1), so the production cookie
// and header rules apply.

const PUBLIC_URL = 'https://band.example.org'
const SESSION_COOKIE = '__Host-band_session'
const GENERIC_ERROR = 'That email address and password do not match an account we know.'
const WRONG_CURRENT = 'That is not your current password.'
const NEW_PASSWORD = 'lantern harbour cello autumn'
const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Mobile Safari/537.36'
const LAPTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0'

let smtp: TestSmtpServer
let server: TestServer
let database: DatabaseHandle

beforeAll(async () => {
  smtp = await startTestSmtpServer()
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', SMTP_URL: smtp.url, PUBLIC_URL, TRUST_PROXY: '1' } })
  database = await openServerDatabase(server)
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
  await smtp?.stop()
})

// What the proxy in front adds to every request it passes on. A real proxy
// also passes `Host: band.example.org`; fetch cannot set Host, so the port is
// named here, or the router would take the test server's port for the site's.
const PROXY_HEADERS = { 'x-forwarded-proto': 'https', 'x-forwarded-host': `${new URL(PUBLIC_URL).host}:443`, 'x-forwarded-for': '203.0.113.50' }
const newBrowser = (userAgent = LAPTOP) =>
  new BrowserSession(server.url, { origin: PUBLIC_URL, sessionCookie: SESSION_COOKIE, userAgent, headers: PROXY_HEADERS })
async function signedIn(email: string, options: { password?: string; userAgent?: string } = {}) {
  const browser = newBrowser(options.userAgent)
  await browser.signIn(email, options.password)
  return browser
}
const OVERVIEW = '/settings/security'
const PASSWORD = '/settings/security/password'
const EMAIL = '/settings/security/email'
const TWO_STEP = '/settings/security/two-step'
const RECOVERY_CODES = '/settings/security/recovery-codes'
const DEVICES = '/settings/security/devices'

/** A form that worked: a redirect to `to`, where the page shows `message` in its toast. */
async function expectToast(browser: BrowserSession, answer: Page, to: string, message: string) {
  expect(answer.status, answer.errors.join(' ')).toBe(302)
  expect(answer.location).toBe(to)
  const page = await browser.follow(answer)
  expect(page.status).toBe(200)
  expect(page.toast).toBe(message)
}

/** Turns two-step sign-in on through its page; returns the manual key. */
async function turnOnTwoStep(browser: BrowserSession): Promise<string> {
  const started = await browser.follow(await browser.post(TWO_STEP, { intent: 'start', currentPassword: DEMO_PASSWORD }))
  const key = htmlToText(/Key: <code[^>]*>([^<]+)<\/code>/.exec(started.html)?.[1] ?? '')
  expect(key).not.toBe('')
  expect((await browser.post(TWO_STEP, { intent: 'confirm', code: generateTotpCode(key) })).status).toBe(200)
  return key
}

/** The other devices listed on /settings/security/devices: what each is called and its session id. */
function otherDevices(page: Page): { device: string; sessionId: string }[] {
  return [...page.html.matchAll(/name="sessionId" value="([0-9a-f-]{36})"[\s\S]*?<span class="sr-only">([\s\S]*?)<\/span>/g)].map((match) => ({
    sessionId: match[1] ?? '',
    device: htmlToText(match[2] ?? ''),
  }))
}

describe('on HTTPS (PUBLIC_URL)', () => {
  it('sets a __Host- session cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
    const browser = newBrowser()
    const answer = await browser.login('musician@example.org')
    expect(answer.status).toBe(302)
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? ''
    const attributes = cookie.split(';').slice(1).map((part) => part.trim().split('=')[0]?.toLowerCase())
    expect(attributes).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite', 'path']))
    expect(attributes).not.toContain('domain')
    expect(cookie).toMatch(/; Path=\/(;|$)/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    // The plain name is not used at all.
    expect(browser.cookie('band_session')).toBeUndefined()
    const portal = await browser.get('/portal')
    expect(portal.status).toBe(200)
    expect(portal.headers.get('strict-transport-security')).toMatch(/max-age=\d{8,}/)
  })

  it('checks Origin against PUBLIC_URL, not the address the request came to', async () => {
    const browser = newBrowser()
    const page = await browser.post('/login', { email: 'musician@example.org', password: DEMO_PASSWORD }, { origin: new URL(server.url).origin })
    expect(page.status).toBe(403)
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined()
  })

  it('uses the __Host- cookie for the two-step sign-in in progress too', async () => {
    const browser = await signedIn('librarian@example.org')
    await turnOnTwoStep(browser)
    const next = newBrowser()
    const answer = await next.login('librarian@example.org')
    expect(answer.location).toBe('/login/two-factor')
    const pending = answer.headers.getSetCookie().find((line) => line.startsWith('__Host-band_2fa=')) ?? ''
    expect(pending).toMatch(/; Secure/)
    expect(pending).toMatch(/; HttpOnly/)
  })
})

describe('devices signed in', () => {
  it('lists each device, signs one out, then every other one', async () => {
    const phone = await signedIn('leader@example.org', { userAgent: PHONE })
    const tablet = await signedIn('leader@example.org', { userAgent: PHONE })
    const laptop = await signedIn('leader@example.org', { userAgent: LAPTOP })
    expect((await laptop.get(OVERVIEW)).text).toContain('You are signed in on 3 devices')
    const page = await laptop.get(DEVICES)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Firefox on Windows This device')
    // The client's address as the proxy reported it.
    expect(page.text).toContain('from 203.0.113.50')
    const others = otherDevices(page)
    expect(others.map((other) => other.device)).toEqual(['Chrome on Android', 'Chrome on Android'])

    const [first] = others
    const one = await laptop.post(DEVICES, { intent: 'sign-out-device', sessionId: first?.sessionId ?? '' })
    await expectToast(laptop, one, DEVICES, 'That device is signed out.')
    // Newest first: the tablet signed in after the phone.
    expect(await tablet.isSignedIn()).toBe(false)
    expect(await phone.isSignedIn()).toBe(true)
    expect(await laptop.isSignedIn()).toBe(true)

    const rest = await laptop.post(DEVICES, { intent: 'sign-out-others' })
    await expectToast(laptop, rest, DEVICES, 'One other device was signed out.')
    expect(await phone.isSignedIn()).toBe(false)
    expect(await laptop.isSignedIn()).toBe(true)
  })

  it('cannot sign out someone else’s session', async () => {
    const directorHere = await signedIn('director@example.org')
    const directorThere = await signedIn('director@example.org', { userAgent: PHONE })
    const victim = otherDevices(await directorHere.get(DEVICES))[0]?.sessionId ?? ''
    expect(victim).toMatch(/^[0-9a-f-]{36}$/)
    const musician = await signedIn('musician@example.org')
    const refused = await musician.post(DEVICES, { intent: 'sign-out-device', sessionId: victim })
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('That session had already ended.')
    expect(await directorThere.isSignedIn()).toBe(true)
  })

  it('will not end the current session from the device list (that is Sign out)', async () => {
    const browser = await signedIn('leader@example.org')
    // The current session's id is not on the page; a made-up one changes nothing either.
    const page = await browser.post(DEVICES, { intent: 'sign-out-device', sessionId: '00000000-0000-4000-8000-000000000000' })
    expect(page.status).toBe(400)
    expect(page.text).toContain('That session had already ended.')
    expect(await browser.isSignedIn()).toBe(true)
  })
})

describe('changing the password', () => {
  it('asks for the current password and a good new one; other devices are signed out; the member is told', async () => {
    const other = await signedIn('leader@example.org', { userAgent: PHONE })
    const browser = await signedIn('leader@example.org')
    const wrong = await browser.post(PASSWORD, { currentPassword: 'not-the-current-one', newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })
    expect(wrong.status).toBe(400)
    expect(wrong.errors).toContain(WRONG_CURRENT)
    // No password typed comes back in the page.
    expect(wrong.html).not.toContain('not-the-current-one')
    expect(wrong.html).not.toContain(NEW_PASSWORD)
    const mismatch = await browser.post(PASSWORD, { currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}!` })
    expect(mismatch.status).toBe(400)
    expect(mismatch.errors).toContain('The two new passwords are not the same')
    const common = await browser.post(PASSWORD, { currentPassword: DEMO_PASSWORD, newPassword: 'password1234', confirmPassword: 'password1234' })
    expect(common.status).toBe(400)
    expect(common.errors).toContain('This password is on a list of common passwords. Please choose another.')
    const personal = await browser.post(PASSWORD, { currentPassword: DEMO_PASSWORD, newPassword: 'lee leader plays clarinet', confirmPassword: 'lee leader plays clarinet' })
    expect(personal.status).toBe(400)
    expect(personal.errors).toContain('Please do not use your name or email address in your password.')
    expect(await other.isSignedIn()).toBe(true)

    const since = smtp.messages.length
    const changed = await browser.post(PASSWORD, { currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })
    await expectToast(browser, changed, OVERVIEW, 'Your password is changed. Every other device was signed out.')
    expect(await other.isSignedIn()).toBe(false)
    expect(await browser.isSignedIn()).toBe(true)
    expect((await smtp.waitForMail('leader@example.org', { since })).subject).toContain('your password was changed')

    expect((await newBrowser().login('leader@example.org', DEMO_PASSWORD)).errors).toEqual([GENERIC_ERROR])
    await signedIn('leader@example.org', { password: NEW_PASSWORD })
  })
})

describe('changing the email address', () => {
  it('asks for the current password, refuses a taken address, confirms through a link to the new one, and tells the old address', async () => {
    const browser = await signedIn('director@example.org')
    expect((await browser.get(EMAIL)).text).toContain('You sign in with director@example.org')
    const wrong = await browser.post(EMAIL, { newEmail: 'dana@example.net', currentPassword: 'not-the-current-one' })
    expect(wrong.status).toBe(400)
    expect(wrong.errors).toContain(WRONG_CURRENT)
    expect(wrong.html).not.toContain('not-the-current-one')
    const taken = await browser.post(EMAIL, { newEmail: 'Admin@Example.org', currentPassword: DEMO_PASSWORD })
    expect(taken.status).toBe(400)
    expect(taken.errors).toContain('Another account already uses that email address.')

    const since = smtp.messages.length
    const asked = await browser.post(EMAIL, { newEmail: 'dana@example.net', currentPassword: DEMO_PASSWORD })
    await expectToast(browser, asked, OVERVIEW, 'We sent a link to dana@example.net. Your sign-in address changes when you open it (within 24 hours).')
    // Finding 15: nothing changes until the new address confirms; the old one is told at once.
    expect((await browser.get(OVERVIEW)).text).toContain('You sign in with director@example.org')
    expect((await smtp.waitForMail('director@example.org', { since })).text).toContain('dana@example.net')
    const link = new URL(extractLink((await smtp.waitForMail('dana@example.net', { since })).text, '/settings/security/email/confirm'))
    const confirmPath = `${link.pathname}${link.search}`
    // Someone else signed in cannot use the link.
    const other = await signedIn('admin@example.org')
    expect((await other.get(confirmPath)).text).toContain('This link no longer works')
    expect((await other.post(confirmPath, { token: link.searchParams.get('token') ?? '' })).status).toBe(400)

    const page = await browser.get(confirmPath)
    expect(page.text).toContain('From now on you will sign in with dana@example.net')
    const confirmed = await browser.post(confirmPath, { token: link.searchParams.get('token') ?? '' })
    await expectToast(browser, confirmed, OVERVIEW, 'Your email address is now dana@example.net.')
    expect((await browser.get(OVERVIEW)).text).toContain('You sign in with dana@example.net')
    // The link works once.
    expect((await browser.post(confirmPath, { token: link.searchParams.get('token') ?? '' })).status).toBe(400)

    expect((await newBrowser().login('director@example.org')).errors).toEqual([GENERIC_ERROR])
    await signedIn('dana@example.net')
  })
})

describe('turning two-step sign-in off', () => {
  it('asks for the current password and a current code (finding 7), then signs in with a password alone again', async () => {
    const browser = await signedIn('musician@example.org')
    const key = await turnOnTwoStep(browser)
    // The code of the next 30-second step: the current one was just used to turn it on.
    const nextCode = () => generateTotpCode(key, new Date(Date.now() + 30_000))

    // With two-step sign-in on, a new email address needs a code too.
    const emailWithoutCode = await browser.post(EMAIL, { newEmail: 'max.elsewhere@example.net', currentPassword: DEMO_PASSWORD })
    expect(emailWithoutCode.status).toBe(400)
    expect(emailWithoutCode.errors).toContain('Enter the code from your authenticator app, or one of your recovery codes.')

    const refused = await browser.post(TWO_STEP, { intent: 'turn-off', currentPassword: 'not-the-current-one', code: nextCode() })
    expect(refused.status).toBe(400)
    expect(refused.errors).toContain(WRONG_CURRENT)
    // The password alone no longer turns it off, nor does a wrong code.
    const passwordOnly = await browser.post(TWO_STEP, { intent: 'turn-off', currentPassword: DEMO_PASSWORD })
    expect(passwordOnly.status).toBe(400)
    expect(passwordOnly.errors).toContain('Enter the code from your authenticator app, or one of your recovery codes.')
    const notTheCode = nextCode() === '000000' ? '111111' : '000000'
    const wrongCode = await browser.post(TWO_STEP, { intent: 'turn-off', currentPassword: DEMO_PASSWORD, code: notTheCode })
    expect(wrongCode.errors).toContain('That code is not valid, or it was already used.')
    expect((await newBrowser().login('musician@example.org')).location).toBe('/login/two-factor')

    const removed = await browser.post(TWO_STEP, { intent: 'turn-off', currentPassword: DEMO_PASSWORD, code: nextCode() })
    await expectToast(browser, removed, OVERVIEW, 'Two-step sign-in is off.')
    // Without two-step sign-in there are no recovery codes to make.
    const noCodes = await browser.post(RECOVERY_CODES, { currentPassword: DEMO_PASSWORD })
    expect(noCodes.status).toBe(400)
    expect(noCodes.errors).toContain('Two-step sign-in is off, so there are no recovery codes to replace.')
    // Notices go out after the answer, so "turned on" may still arrive late: look for "off" among them all.
    await expect.poll(() => smtp.messages.filter((mail) => mail.to === 'musician@example.org').map((mail) => mail.subject)).toContain(
      'Your band account: two-step sign-in was turned off',
    )
    expect((await newBrowser().login('musician@example.org')).location).toBe('/portal')
  })
})

// On both databases: the test server hands over its own PGlite handle.
describe('the audit log', () => {
  it('holds the member’s own changes, no password, and an unbroken chain', async () => {
    const rows = await auditRowsSince(database)
    const actions = new Set(rows.map((row) => row.action))
    for (const action of ['auth.session.revoked', 'auth.session.revoked_others', 'auth.password.changed', 'auth.email.changed', 'auth.mfa.enrolled', 'auth.mfa.removed']) {
      expect(actions).toContain(action)
    }
    expect(rowsLeaking(rows, [DEMO_PASSWORD, NEW_PASSWORD, 'not-the-current-one', 'lee leader plays clarinet'])).toEqual([])
    expect(await verifyAuditChain(database.db, { chainKey: server.runtime.auditKey })).toMatchObject({ ok: true })
  })
})

describe('proving it is you on the security pages (finding 7)', () => {
  it('is throttled and audited like signing in', async () => {
    const browser = await signedIn('admin@example.org')
    let refused: Page | undefined
    let attempts = 0
    while (attempts < 10 && !refused) {
      attempts++
      const page = await browser.post('/settings/security/password', {
        currentPassword: `wrong-guess-${attempts}`,
        newPassword: 'copper lantern meadow 2026',
        confirmPassword: 'copper lantern meadow 2026',
      })
      if (page.status === 429) refused = page
    }
    expect(attempts).toBe(6)
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused?.errors.join(' ')).toMatch(/Too many attempts/)
    const user = await database.db.selectFrom('users').select('id').where('email', '=', 'admin@example.org').executeTakeFirstOrThrow()
    const failures = await database.db.selectFrom('audit_log').select(['changes']).where('action', '=', 'auth.reauth.failed').where('entity_id', '=', user.id).execute()
    expect(failures).toHaveLength(5)
    expect(JSON.stringify(failures[0]?.changes)).toContain('wrong password')
    expect(JSON.stringify(failures)).not.toContain('wrong-guess')
  })
})


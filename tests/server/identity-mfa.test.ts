import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '#db/client.server.ts'
import { verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { generateTotpCode } from '#app/modules/identity/totp.server.ts'
import { BrowserSession, DEMO_PASSWORD, htmlToText, type Page } from '#tests/setup/browser-session.ts'
import { auditRowsSince, openServerDatabase, rowsLeaking } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Two-step sign-in over HTTP: enrol at /settings/security/two-step, then sign
// in with a code (once), with a recovery code (once), new recovery codes, and
// the limiter on guessing.

const EMAIL = 'musician@example.org'
const CODE_REFUSED = 'That code is not valid, or it was already used. Please try the current code.'

let server: TestServer
let database: DatabaseHandle
let manualKey = ''
/** Signed in (password only) before enrolling, and still signed in after. */
let enrolled: BrowserSession
let recoveryCodes: string[] = []
const usedCodes: string[] = []
// Every recovery code handed out, replaced ones included: none may reach the audit log.
const allRecoveryCodes: string[] = []

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  database = await openServerDatabase(server)
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
})

const newBrowser = () => new BrowserSession(server.url)
const OVERVIEW = '/settings/security'
const TWO_STEP = '/settings/security/two-step'
const RECOVERY_CODES = '/settings/security/recovery-codes'

const manualKeyOn = (page: Page) => htmlToText(/Key: <code[^>]*>([^<]+)<\/code>/.exec(page.html)?.[1] ?? '')

/** The recovery codes a page shows (once, after turning it on or asking for new ones). */
function recoveryCodesOn(page: Page): string[] {
  const list = /<ul[^>]*aria-label="Recovery codes"[^>]*>([\s\S]*?)<\/ul>/.exec(page.html)?.[1] ?? ''
  return [...list.matchAll(/<li>([^<]+)<\/li>/g)].map((match) => match[1] ?? '')
}

/** A code for the next 30-second step: the current one was used up by the step before. */
function nextCode(): string {
  return generateTotpCode(manualKey, new Date(Date.now() + 30_000))
}

/** Password first: answers with the step the server asks for next. */
async function passwordStep(): Promise<{ browser: BrowserSession; answer: Page }> {
  const browser = newBrowser()
  const answer = await browser.login(EMAIL)
  return { browser, answer }
}

describe('turning two-step sign-in on', () => {
  it('asks for the current password first', async () => {
    const browser = newBrowser()
    await browser.signIn(EMAIL)
    const page = await browser.post(TWO_STEP, { intent: 'start', currentPassword: 'not-my-password-at-all' })
    expect(page.status).toBe(400)
    expect(page.errors).toContain('That is not your current password.')
    expect(page.html).not.toContain('Key: <code')
    expect(page.html).not.toContain('not-my-password-at-all')
  })

  it('shows a QR code and the manual key, and a wrong code does not turn it on', async () => {
    const browser = newBrowser()
    await browser.signIn(EMAIL)
    enrolled = browser
    expect((await browser.get(OVERVIEW)).text).toContain('Two-step sign-in is off')
    // The password step redirects to the page that shows the waiting enrolment.
    const answer = await browser.post(TWO_STEP, { intent: 'start', currentPassword: DEMO_PASSWORD })
    expect(answer.status).toBe(302)
    expect(answer.location).toBe(TWO_STEP)
    const started = await browser.follow(answer)
    expect(started.status).toBe(200)
    expect(started.toast).toBe('Scan the QR code, then enter the code your app shows.')
    manualKey = manualKeyOn(started)
    // 160 bits in base32, grouped in fours.
    expect(manualKey.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{32}$/)
    expect(started.html).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+" alt="QR code for your authenticator app"/)

    // The unfinished enrolment survives a reload (no JavaScript: a plain GET).
    const reloaded = await browser.get(TWO_STEP)
    expect(manualKeyOn(reloaded)).toBe(manualKey)
    expect((await browser.get(OVERVIEW)).text).toContain('Finish setting up')

    const wrongCode = await browser.post(TWO_STEP, { intent: 'confirm', code: wrongCodeFor(manualKey) })
    expect(wrongCode.status).toBe(400)
    expect(wrongCode.errors).toContain('That code did not match. Check the time on your phone and enter the newest code.')
    expect(wrongCode.errors).not.toContain('Two-step sign-in is on.')
    // A wrong code keeps the QR code on the page.
    expect(manualKeyOn(wrongCode)).toBe(manualKey)

    // The codes are in this answer and nowhere else, so it is not a redirect.
    const confirmed = await browser.post(TWO_STEP, { intent: 'confirm', code: generateTotpCode(manualKey, new Date()) })
    expect(confirmed.status).toBe(200)
    expect(confirmed.text).toContain('Two-step sign-in is on.')
    recoveryCodes = recoveryCodesOn(confirmed)
    allRecoveryCodes.push(...recoveryCodes)
    expect(recoveryCodes).toHaveLength(10)
    expect(new Set(recoveryCodes).size).toBe(10)
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/)

    // Shown once: the settings pages afterwards only count them.
    const after = await browser.get(OVERVIEW)
    expect(after.text).toContain('You have 10 unused recovery codes')
    for (const page of [after, await browser.get(TWO_STEP), await browser.get(RECOVERY_CODES)]) {
      expect(page.status).toBe(200)
      for (const code of recoveryCodes) expect(page.html).not.toContain(code)
      expect(page.html).not.toContain(manualKey)
    }
  })

  it('makes new recovery codes (password first), shown once; the old ones stop working', async () => {
    const browser = enrolled
    const refused = await browser.post(RECOVERY_CODES, { currentPassword: 'not-my-password-at-all' })
    expect(refused.status).toBe(400)
    expect(refused.errors).toContain('That is not your current password.')
    expect(recoveryCodesOn(refused)).toEqual([])

    const replaced = await browser.post(RECOVERY_CODES, { currentPassword: DEMO_PASSWORD })
    expect(replaced.status).toBe(200)
    expect(replaced.text).toContain('New recovery codes are below; the old ones no longer work.')
    const fresh = recoveryCodesOn(replaced)
    expect(fresh).toHaveLength(10)
    expect(fresh.filter((code) => recoveryCodes.includes(code))).toEqual([])
    const again = await browser.get(RECOVERY_CODES)
    expect(again.text).toContain('You have 10 unused recovery codes')
    for (const code of fresh) expect(again.html).not.toContain(code)

    const { browser: signingIn } = await passwordStep()
    const old = await signingIn.post('/login/two-factor', { code: recoveryCodes[0] ?? '' })
    expect(old.status).toBe(400)
    expect(old.errors).toContain(CODE_REFUSED)
    recoveryCodes = fresh
    allRecoveryCodes.push(...fresh)
  })
})

describe('signing in with two steps', () => {
  it('asks for the code after the password, and the password alone signs nobody in', async () => {
    const { browser, answer } = await passwordStep()
    expect(answer.status).toBe(302)
    expect(answer.location).toBe('/login/two-factor')
    expect(browser.cookie('band_session')).toBeUndefined()
    expect(browser.cookie('band_2fa')).toBeDefined()
    expect(await browser.isSignedIn()).toBe(false)
    const form = await browser.get('/login/two-factor')
    expect(form.status).toBe(200)
    expect(form.text).toContain('Enter the 6-digit code from your authenticator app')
  })

  it('signs in with the code, and the same code is refused the next time', async () => {
    const code = nextCode()
    usedCodes.push(code)
    const first = await passwordStep()
    const accepted = await first.browser.post('/login/two-factor', { code })
    expect(accepted.status).toBe(302)
    expect(accepted.location).toBe('/portal')
    expect(first.browser.cookie('band_2fa')).toBeUndefined()
    expect(await first.browser.isSignedIn()).toBe(true)
    expect((await first.browser.post('/logout', {})).status).toBe(302)

    const second = await passwordStep()
    expect(second.answer.location).toBe('/login/two-factor')
    const replayed = await second.browser.post('/login/two-factor', { code })
    expect(replayed.status).toBe(400)
    expect(replayed.errors).toContain(CODE_REFUSED)
    expect(second.browser.cookie('band_session')).toBeUndefined()
    expect(await second.browser.isSignedIn()).toBe(false)
  })

  it('takes a recovery code once, then never again', async () => {
    const [recovery = '', spare = ''] = recoveryCodes
    const first = await passwordStep()
    // Typed by hand: upper case, no dashes.
    const accepted = await first.browser.post('/login/two-factor', { code: recovery.replace(/-/g, '').toUpperCase() })
    expect(accepted.status).toBe(302)
    expect(accepted.location).toBe('/portal')
    expect(await first.browser.isSignedIn()).toBe(true)
    expect((await first.browser.get(OVERVIEW)).text).toContain('You have 9 unused recovery codes')
    await first.browser.post('/logout', {})

    const second = await passwordStep()
    const reused = await second.browser.post('/login/two-factor', { code: recovery })
    expect(reused.status).toBe(400)
    expect(reused.errors).toContain(CODE_REFUSED)
    expect(await second.browser.isSignedIn()).toBe(false)
    // Another, unused code still works in the same sign-in.
    const other = await second.browser.post('/login/two-factor', { code: spare })
    expect(other.status).toBe(302)
    expect(await second.browser.isSignedIn()).toBe(true)
  })

  it('refuses the code form without a password step first', async () => {
    const browser = newBrowser()
    const page = await browser.post('/login/two-factor', { code: nextCode() })
    expect(page.status).toBe(302)
    expect(page.location).toBe('/login')
    expect(browser.cookie('band_session')).toBeUndefined()
  })

  it('limits guessing: wrong codes get 429 with Retry-After within 10 attempts, and then even a right one waits', async () => {
    const { browser } = await passwordStep()
    const wrong = wrongCodeFor(manualKey)
    let refused: Page | undefined
    let attempts = 0
    while (attempts < 10 && !refused) {
      attempts++
      const page = await browser.post('/login/two-factor', { code: wrong })
      if (page.status === 429) refused = page
      else expect(page.status).toBe(400)
    }
    expect(refused, 'no 429 within 10 attempts').toBeDefined()
    expect(Number(refused?.headers.get('retry-after')), 'Retry-After').toBeGreaterThan(0)
    expect(refused?.errors.join(' ')).toMatch(/Too many attempts\. Please wait (a minute|\d+ minutes) and try again\./)
    expect(refused?.text).toMatch(/^Two-step sign-in/)

    const right = await browser.post('/login/two-factor', { code: nextCode() })
    expect(right.status).toBe(429)
    expect(await browser.isSignedIn()).toBe(false)
  })
})

describe('when the band requires two-step sign-in for admins', () => {
  it('sends an admin without it to /settings/security until it is on; members are not affected', async () => {
    const setRequired = (value: boolean) =>
      database.db.updateTable('settings').set({ value: JSON.stringify(value) }).where('key', '=', 'security.require_mfa_for_admins').execute()
    await setRequired(true)
    try {
      const admin = newBrowser()
      await admin.signIn('admin@example.org')
      for (const path of ['/admin', '/portal', '/admin/members']) {
        const page = await admin.get(path)
        expect(page.status, path).toBe(302)
        expect(page.location).toBe('/settings/security?setup-mfa')
      }
      const posted = await admin.post('/admin/members/accounts', { intent: 'revoke-sessions', userId: '00000000-0000-4000-8000-000000000000' })
      expect(posted.status).toBe(302)
      expect(posted.location).toBe('/settings/security?setup-mfa')
      const settings = await admin.get('/settings/security?setup-mfa')
      expect(settings.status).toBe(200)
      expect(settings.text).toContain('Your role needs two-step sign-in.')
      // Every page under /settings/security stays open to them.
      for (const path of ['/settings/security/password', '/settings/security/email', TWO_STEP, RECOVERY_CODES, '/settings/security/devices']) {
        expect((await admin.get(path)).status, path).toBe(200)
      }

      const musician = newBrowser()
      await musician.signIn('leader@example.org')
      expect((await musician.get('/portal')).status).toBe(200)

      const started = await admin.follow(await admin.post(TWO_STEP, { intent: 'start', currentPassword: DEMO_PASSWORD }))
      expect(started.url).toBe(TWO_STEP)
      const key = manualKeyOn(started)
      expect((await admin.post(TWO_STEP, { intent: 'confirm', code: generateTotpCode(key) })).status).toBe(200)
      expect((await admin.get('/admin')).status).toBe(200)
    } finally {
      await setRequired(false)
    }
  })
})

// On both databases: the test server hands over its own PGlite handle.
describe('the audit log', () => {
  it('holds the enrolment and the two-step sign-ins, no key or code, and an unbroken chain', async () => {
    const rows = await auditRowsSince(database)
    const actions = new Set(rows.map((row) => row.action))
    for (const action of ['auth.mfa.enrolled', 'auth.mfa.recovery_codes_replaced', 'auth.mfa.failed', 'auth.login.succeeded', 'auth.logout']) {
      expect(actions).toContain(action)
    }
    const methods = rows.filter((row) => row.action === 'auth.login.succeeded').map((row) => row.changes)
    expect(methods.some((changes) => changes.includes('password+totp'))).toBe(true)
    expect(methods.some((changes) => changes.includes('password+recovery-code'))).toBe(true)
    const secrets = [DEMO_PASSWORD, 'not-my-password-at-all', manualKey, manualKey.replace(/\s/g, ''), ...allRecoveryCodes, ...allRecoveryCodes.map((code) => code.replace(/-/g, ''))]
    expect(rowsLeaking(rows, secrets)).toEqual([])
    // Six digits could turn up inside an id by chance; as a JSON value they must not.
    expect(rowsLeaking(rows, usedCodes.map((code) => `"${code}"`))).toEqual([])
    expect(await verifyAuditChain(database.db, { chainKey: server.runtime.auditKey })).toMatchObject({ ok: true })
  })
})

/** A 6-digit code that is wrong for every step the server accepts now (and for the next minute). */
function wrongCodeFor(key: string): string {
  const valid = new Set([-60, -30, 0, 30, 60, 90].map((offset) => generateTotpCode(key, new Date(Date.now() + offset * 1000))))
  for (let candidate = 123_456; ; candidate++) {
    const code = String(candidate).padStart(6, '0')
    if (!valid.has(code)) return code
  }
}

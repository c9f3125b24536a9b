import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecoveryCodes } from '#app/modules/identity/recovery-codes.server.ts'
import { confirmTotpEnrolment, generateTotpCode, startTotpEnrolment } from '#app/modules/identity/totp.server.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Finding 13: the cookie between the password and the second step works once.
// Before, it stayed good for five minutes after the second step succeeded,
// and a replay of it opened a second session with another code.

let server: TestServer
let recoveryCodes: string[]
let manualKey: string
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  // The librarian turns two-step sign-in on, straight through the services the settings pages use.
  const { db, sessionSecret } = server.runtime
  const user = await db.selectFrom('users').select('id').where('email', '=', 'librarian@example.org').executeTakeFirstOrThrow()
  const enrolment = await startTotpEnrolment(db, { userId: user.id, accountName: 'librarian@example.org', issuer: 'Band', appSecret: sessionSecret })
  manualKey = enrolment.manualKey
  // Confirmed with the code of the step before, so the current step is still free for signing in.
  const earlier = new Date(Date.now() - 30_000)
  expect(await confirmTotpEnrolment(db, { userId: user.id, code: generateTotpCode(manualKey, earlier), appSecret: sessionSecret, now: earlier })).toBe(true)
  recoveryCodes = await createRecoveryCodes(db, user.id)
}, 120_000)
afterAll(() => server?.stop())

describe('the pending two-step cookie', () => {
  it('opens one session, once: a replay after the second step is sent back to sign in', async () => {
    const browser = new BrowserSession(server.url)
    const afterPassword = await browser.login('librarian@example.org')
    expect(afterPassword.location).toBe('/login/two-factor')
    const pending = browser.cookie('band_2fa')
    expect(pending).toBeTruthy()

    const signedIn = await browser.post('/login/two-factor', { code: generateTotpCode(manualKey) })
    expect(signedIn.location).toBe('/portal')
    expect(browser.cookie('band_session')).toBeTruthy()

    // An attacker who copied the pending cookie replays it with another valid code.
    const attacker = new BrowserSession(server.url)
    attacker.setCookie('band_2fa', pending ?? '')
    expect((await attacker.get('/login/two-factor')).location).toBe('/login')
    const replay = await attacker.post('/login/two-factor', { code: recoveryCodes[0] ?? '' })
    expect(replay.location).toBe('/login')
    expect(attacker.cookie('band_session')).toBeUndefined()
  })

  it('checks at most five of 40 codes sent at once (finding 4: taken before checked)', async () => {
    const browser = new BrowserSession(server.url)
    expect((await browser.login('librarian@example.org')).location).toBe('/login/two-factor')
    const { db } = server.runtime
    const user = await db.selectFrom('users').select('id').where('email', '=', 'librarian@example.org').executeTakeFirstOrThrow()
    const countFailures = async () =>
      (await db.selectFrom('audit_log').select('id').where('action', '=', 'auth.mfa.failed').where('entity_id', '=', user.id).execute()).length
    const before = await countFailures()
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => browser.post('/login/two-factor', { code: String(100000 + i) })))
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(5)
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(35)
    expect((await countFailures()) - before).toBeLessThanOrEqual(5)
  })
})

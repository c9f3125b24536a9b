import type { DatabaseHandle } from '#db/client.server.ts'
import { DEMO_ACCOUNTS } from '#db/seed/demo-accounts.server.ts'
import { verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { hashPassword, verifyPassword } from '#app/modules/identity/passwords.server.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession, DEMO_PASSWORD, type Page } from '#tests/setup/browser-session.ts'
import { auditRowsSince, openServerDatabase, rowsLeaking } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Sign-in over HTTP against the production build: every demo account, the one
// generic error, same-site redirects only, the per-account lock-out and the
// dummy hash that keeps unknown emails as slow as known ones.

const GENERIC_ERROR = 'That email address and password do not match an account we know.'

let server: TestServer
let database: DatabaseHandle
beforeAll(async () => {
  // TRUST_PROXY lets each test be its own client IP (X-Forwarded-For), so
  // per-IP counters of one test never decide another.
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', TRUST_PROXY: '1' } })
  database = await openServerDatabase(server)
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
})

const browser = (ip: string) => new BrowserSession(server.url, { ip })

describe('signing in with a password', () => {
  it.each(DEMO_ACCOUNTS.map((account) => [account.email, account.displayName]))('works for %s', async (email, displayName) => {
    const visitor = browser('203.0.113.1')
    const answer = await visitor.login(email)
    expect(answer.status).toBe(302)
    expect(answer.location).toBe('/portal')
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('band_session='))
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/; Path=\//)

    const portal = await visitor.get('/portal')
    expect(portal.status).toBe(200)
    expect(portal.html).toContain(displayName)
  })

  it('treats the email address case-insensitively', async () => {
    const visitor = browser('203.0.113.2')
    expect((await visitor.login('  Musician@EXAMPLE.org ')).location).toBe('/portal')
    expect(await visitor.isSignedIn()).toBe(true)
  })

  it('gives a new session id at every sign-in, holding only a random token', async () => {
    const first = browser('203.0.113.3')
    const second = browser('203.0.113.3')
    await first.signIn('musician@example.org')
    await second.signIn('musician@example.org')
    const tokenOf = (session: BrowserSession) => {
      const [payload = ''] = (session.cookie('band_session') ?? '').split('.')
      return JSON.parse(Buffer.from(decodeURIComponent(payload), 'base64').toString('utf8')) as unknown
    }
    const [a, b] = [tokenOf(first), tokenOf(second)]
    // 32 random bytes, base64url: at least 128 bits, and nothing but the token.
    expect(a).toMatch(/^[\w-]{43}$/)
    expect(b).toMatch(/^[\w-]{43}$/)
    expect(a).not.toBe(b)
  })

  it('answers a wrong password and an unknown email with the same message and status, and changes nothing', async () => {
    const visitor = browser('203.0.113.4')
    const wrongPassword = await visitor.login('musician@example.org', 'not-the-password-at-all')
    const unknownEmail = await visitor.login('nobody-here@example.org', 'not-the-password-at-all')
    for (const page of [wrongPassword, unknownEmail]) {
      expect(page.status).toBe(400)
      expect(page.errors).toEqual([GENERIC_ERROR])
      expect(page.headers.getSetCookie()).toEqual([])
      // The password is never sent back into the form.
      expect(page.html).not.toContain('not-the-password-at-all')
    }
    expect(wrongPassword.text.replace('musician@example.org', '')).toBe(unknownEmail.text.replace('nobody-here@example.org', ''))
    expect(await visitor.isSignedIn()).toBe(false)
    // The account itself is untouched: the right password still works.
    await visitor.signIn('musician@example.org')
  })

  it('asks again for a missing or malformed email without a 500', async () => {
    const visitor = browser('203.0.113.5')
    const empty = await visitor.post('/login', {})
    expect(empty.status).toBe(400)
    expect(empty.errors).toEqual(expect.arrayContaining(['Enter your email address', 'Enter your password']))
    const malformed = await visitor.login('not an email', 'whatever')
    expect(malformed.status).toBe(400)
    expect(malformed.errors).toContain('Enter a valid email address')
  })
})

describe('where sign-in leads', () => {
  it('sends an anonymous visitor to sign in and back to the page they asked for', async () => {
    const visitor = browser('203.0.113.10')
    const refused = await visitor.get('/settings/security?tab=sessions')
    expect(refused.status).toBe(302)
    expect(refused.location).toBe('/login?redirectTo=%2Fsettings%2Fsecurity%3Ftab%3Dsessions')

    const form = await visitor.get(refused.location ?? '')
    expect(form.status).toBe(200)
    expect(form.html).toContain('name="redirectTo" value="/settings/security?tab=sessions"')

    const signedIn = await visitor.login('musician@example.org', DEMO_PASSWORD, '/settings/security?tab=sessions')
    expect(signedIn.status).toBe(302)
    expect(signedIn.location).toBe('/settings/security?tab=sessions')
    expect((await visitor.get(signedIn.location ?? '')).status).toBe(200)
  })

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', 'evil.example'])(
    'ignores redirectTo=%j and goes to /portal',
    async (target) => {
      const visitor = browser('203.0.113.11')
      const form = await visitor.get(`/login?${new URLSearchParams({ redirectTo: target })}`)
      expect(form.status).toBe(200)
      expect(form.html).toContain('name="redirectTo" value="/portal"')
      const answer = await visitor.login('musician@example.org', DEMO_PASSWORD, target)
      expect(answer.status).toBe(302)
      expect(answer.location).toBe('/portal')
    },
  )

  it('sends a signed-in user away from the sign-in form', async () => {
    const visitor = browser('203.0.113.12')
    await visitor.signIn('director@example.org')
    const form = await visitor.get('/login')
    expect(form.status).toBe(302)
    expect(form.location).toBe('/portal')
  })
})

describe('timing', () => {
  it('takes about as long for an unknown email as for a known one with a wrong password', async () => {
    const visitor = browser('203.0.113.20')
    const timed = async (email: string) => {
      const started = performance.now()
      const page = await visitor.login(email, 'a-wrong-password-for-timing')
      const elapsed = performance.now() - started
      expect(page.status).toBe(400)
      return elapsed
    }
    // What one argon2 check costs here and now (the server runs in this process).
    const sample = await hashPassword('a password to time the check with')
    const checkOnce = async () => {
      const started = performance.now()
      await verifyPassword('not it', sample)
      return performance.now() - started
    }
    // Warm up both paths; the first unknown email also makes the dummy hash.
    await checkOnce()
    await timed('warm-up@example.net')
    await timed(DEMO_ACCOUNTS[0]?.email ?? '')
    // Pairs measured back to back, with one argon2 check beside each, so load
    // from elsewhere hits all three alike. Two or three wrong passwords per
    // account: none of them comes near its lock-out.
    const known: number[] = []
    const unknown: number[] = []
    const argon2: number[] = []
    for (let i = 0; i < 12; i++) {
      const account = DEMO_ACCOUNTS[i % DEMO_ACCOUNTS.length]?.email ?? ''
      if (i % 2 === 0) {
        known.push(await timed(account))
        unknown.push(await timed(`nobody-${i}@example.net`))
      } else {
        unknown.push(await timed(`nobody-${i}@example.net`))
        known.push(await timed(account))
      }
      argon2.push(await checkOnce())
    }
    const summary = `unknown ${median(unknown).toFixed(1)} ms, known ${median(known).toFixed(1)} ms, one argon2 check ${median(argon2).toFixed(1)} ms`
    const ratio = median(unknown) / median(known)
    expect(ratio, summary).toBeGreaterThan(0.5)
    expect(ratio, summary).toBeLessThan(2)
    // Sharper: the two differ by much less than one argon2 check. Without the
    // dummy hash, an unknown email is faster by about one whole check.
    const difference = median(known.map((ms, i) => ms - (unknown[i] ?? 0)))
    expect(Math.abs(difference), summary).toBeLessThan(median(argon2) / 2)
    // Each account signs in again, which also clears the failures just counted.
    for (const account of DEMO_ACCOUNTS) await visitor.signIn(account.email).then(() => visitor.clearCookies())
  })
})

describe('repeated failures for one account', () => {
  it('lock that account (429 with Retry-After and a readable page) within 10 attempts, not the other accounts', async () => {
    const attacker = browser('198.51.100.7')
    let refused: Page | undefined
    let attempts = 0
    while (attempts < 10 && !refused) {
      attempts++
      const page = await attacker.login('leader@example.org', `guess-number-${attempts}`)
      if (page.status === 429) refused = page
      else expect(page.status).toBe(400)
    }
    expect(refused, 'no 429 within 10 attempts').toBeDefined()
    // Five wrong passwords are allowed; the sixth attempt is refused.
    expect(attempts).toBe(6)
    expect(Number(refused?.headers.get('retry-after')), 'Retry-After').toBeGreaterThan(0)
    expect(refused?.errors.join(' ')).toMatch(/Too many attempts\. Please wait (a minute|\d+ minutes) and try again\./)
    // Still the sign-in page, with its form, for a person to read.
    expect(refused?.html).toMatch(/<h1[^>]*>Sign in<\/h1>/)
    expect(refused?.html).toContain('name="email"')

    // The same IP may still sign in to another account: the lock is per account and client.
    const colleague = browser('198.51.100.7')
    expect((await colleague.login('librarian@example.org')).location).toBe('/portal')

    // From the guessing client, even the right password now waits, and no session starts.
    const sameClient = browser('198.51.100.7')
    const blocked = await sameClient.login('leader@example.org', DEMO_PASSWORD)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after')), 'Retry-After').toBeGreaterThan(0)
    // One burst never locks anyone out for more than an hour.
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(60 * 60)
    expect(sameClient.cookie('band_session')).toBeUndefined()

    // Finding 5: the owner is not locked out by someone else's guessing —
    // neither from another network…
    const elsewhere = browser('192.0.2.99')
    expect((await elsewhere.login('leader@example.org', DEMO_PASSWORD)).location).toBe('/portal')
    // …nor on a device that signed in to the account before, even behind the guesser's IP.
    const knownDevice = browser('198.51.100.7')
    const device = elsewhere.cookie('band_device')
    expect(device, 'a device cookie after signing in').toBeTruthy()
    knownDevice.setCookie('band_device', device ?? '')
    expect((await knownDevice.login('leader@example.org', DEMO_PASSWORD)).location).toBe('/portal')
  })

  it('counts a burst of concurrent guesses before checking them: 60 at once check at most 5 (finding 4)', async () => {
    const attacker = browser('198.51.100.60')
    const before = await auditRowsSince(database)
    const lastId = before.at(-1)?.id ?? 0
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => attacker.login('director@example.org', `burst-guess-${i}`)))
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(5)
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(55)
    // The audit log agrees: at most five passwords were compared.
    const rows = (await auditRowsSince(database, lastId)).filter((row) => row.changes.includes('director@example.org'))
    expect(rows.filter((row) => row.action === 'auth.login.failed').length).toBeLessThanOrEqual(5)
    // And the director still signs in from their own network.
    expect((await browser('192.0.2.60').login('director@example.org')).location).toBe('/portal')
  })
})

describe('the audit log', () => {
  it('holds the sign-ins and failures, no password, and an unbroken chain', async () => {
    const rows = await auditRowsSince(database)
    const actions = rows.map((row) => row.action)
    expect(actions.filter((action) => action === 'auth.login.succeeded').length).toBeGreaterThanOrEqual(DEMO_ACCOUNTS.length)
    expect(actions).toContain('auth.login.failed')
    expect(actions).toContain('auth.login.throttled')
    const failures = rows.filter((row) => row.action === 'auth.login.failed').map((row) => row.changes)
    expect(failures.some((changes) => changes.includes('unknown email'))).toBe(true)
    expect(failures.some((changes) => changes.includes('wrong password'))).toBe(true)
    expect(rowsLeaking(rows, [DEMO_PASSWORD, 'not-the-password-at-all', 'a-wrong-password-for-timing', 'guess-number-1'])).toEqual([])
    expect(await verifyAuditChain(database.db, { chainKey: server.runtime.auditKey })).toMatchObject({ ok: true })
  })
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

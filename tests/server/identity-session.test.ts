import { randomBytes } from 'node:crypto'
import { createCookie } from 'react-router'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '#db/client.server.ts'
import { verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { BrowserSession, DEMO_PASSWORD } from '#tests/setup/browser-session.ts'
import { auditRowsSince, openServerDatabase, rowsLeaking } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Sessions, sign-out, cookies an attacker made up, CSRF and who may open what,
// over HTTP against the production build.

const SESSION_SECRET = 'identity-session-test-secret-0123456789abcdef'
const ANONYMOUS_TO_PORTAL = '/login?redirectTo=%2Fportal'

let server: TestServer
let database: DatabaseHandle
beforeAll(async () => {
  // A known secret, so the test can sign cookies the way an attacker who guessed a token would.
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', SESSION_SECRET } })
  database = await openServerDatabase(server)
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
})

const newBrowser = () => new BrowserSession(server.url)
async function signedIn(email: string) {
  const browser = newBrowser()
  await browser.signIn(email)
  return browser
}

describe('signing out', () => {
  it('POST /logout deletes the session: the old cookie replayed afterwards is anonymous', async () => {
    const browser = await signedIn('musician@example.org')
    const stolen = browser.cookie('band_session') ?? ''
    expect(await browser.isSignedIn()).toBe(true)

    const out = await browser.post('/logout', {})
    expect(out.status).toBe(302)
    expect(out.location).toBe('/')
    expect(browser.cookie('band_session')).toBeUndefined()

    const replay = newBrowser()
    replay.setCookie('band_session', stolen)
    const portal = await replay.get('/portal')
    expect(portal.status).toBe(302)
    expect(portal.location).toBe(ANONYMOUS_TO_PORTAL)
  })

  it('GET /logout changes nothing', async () => {
    const browser = await signedIn('musician@example.org')
    const answer = await browser.get('/logout')
    expect(answer.status).toBe(302)
    expect(answer.location).toBe('/')
    expect(answer.headers.getSetCookie()).toEqual([])
    expect(await browser.isSignedIn()).toBe(true)
  })

  it('refuses POST /logout from another site, and the session goes on', async () => {
    const browser = await signedIn('musician@example.org')
    expect((await browser.post('/logout', {}, { origin: null })).status).toBe(403)
    expect((await browser.post('/logout', {}, { origin: 'https://evil.example' })).status).toBe(403)
    expect(await browser.isSignedIn()).toBe(true)
  })

  it('ends only this device: another signed-in device of the same member stays signed in', async () => {
    const phone = await signedIn('musician@example.org')
    const laptop = await signedIn('musician@example.org')
    await phone.post('/logout', {})
    expect(await phone.isSignedIn()).toBe(false)
    expect(await laptop.isSignedIn()).toBe(true)
  })
})

describe('cookies the app did not make', () => {
  const signed = createCookie('band_session', { secrets: [SESSION_SECRET], path: '/', httpOnly: true, sameSite: 'lax' })
  const valueOf = async (content: unknown) => ((await signed.serialize(content)).split(';', 1)[0] ?? '').slice('band_session='.length)

  const cases: [string, () => Promise<string>][] = [
    ['garbage', async () => 'garbage'],
    ['garbage with bad escapes', async () => '%E0%A4%A.%%%'],
    ['an empty value', async () => '""'],
    ['a forged token with a valid signature', async () => valueOf(randomBytes(32).toString('base64url'))],
    ['a signed value that is not a token', async () => valueOf({ userId: '00000000-0000-0000-0000-000000000000' })],
    ['a signed token of the wrong shape', async () => valueOf("' or 1=1 --")],
    ['an overlong value', async () => 'A'.repeat(7_000)],
    [
      'a real session with a tampered signature',
      async () => {
        const real = (await signedIn('musician@example.org')).cookie('band_session') ?? ''
        const at = real.lastIndexOf('.') + 1
        return `${real.slice(0, at)}${real[at] === 'A' ? 'B' : 'A'}${real.slice(at + 1)}`
      },
    ],
    [
      'a real session token signed with another secret',
      async () => {
        const real = (await signedIn('musician@example.org')).cookie('band_session') ?? ''
        const other = createCookie('band_session', { secrets: ['an-attackers-secret-0123456789abcdef'] })
        const token: unknown = await signed.parse(`band_session=${real}`)
        return ((await other.serialize(token)).split(';', 1)[0] ?? '').slice('band_session='.length)
      },
    ],
  ]

  it.each(cases)('treats %s as anonymous, never a 500', async (_name, make) => {
    const browser = newBrowser()
    browser.setCookie('band_session', await make())
    const home = await browser.get('/')
    expect(home.status).toBe(200)
    const portal = await browser.get('/portal')
    expect(portal.status).toBe(302)
    expect(portal.location).toBe(ANONYMOUS_TO_PORTAL)
    expect((await browser.get('/admin')).status).toBe(302)
    expect((await browser.get('/login')).status).toBe(200)
    // Signing out and signing in still work with the bad cookie in place.
    expect((await browser.post('/logout', {})).status).toBe(302)
    browser.setCookie('band_session', await make())
    expect((await browser.login('musician@example.org')).location).toBe('/portal')
    expect(await browser.isSignedIn()).toBe(true)
  })

  it('answers a Cookie header too large to read with 431, not 500', async () => {
    const browser = newBrowser()
    browser.setCookie('band_session', 'A'.repeat(40_000))
    expect((await browser.get('/portal')).status).toBe(431)
  })

  it('treats a forged two-step cookie as no sign-in in progress', async () => {
    const browser = newBrowser()
    browser.setCookie('band_2fa', Buffer.from(JSON.stringify({ userId: 'x', expiresAt: Date.now() + 60_000 })).toString('base64'))
    const page = await browser.get('/login/two-factor')
    expect(page.status).toBe(302)
    expect(page.location).toBe('/login')
    const post = await browser.post('/login/two-factor', { code: '123456' })
    expect(post.status).toBe(302)
    expect(post.location).toBe('/login')
  })
})

describe('cross-site requests (CSRF)', () => {
  it('refuses a POST without Origin with a clear 403 page', async () => {
    const page = await newBrowser().post('/login', { email: 'musician@example.org', password: DEMO_PASSWORD }, { origin: null })
    expect(page.status).toBe(403)
    expect(page.text).toContain('Request refused')
    expect(page.text).toContain('sent from another site')
    expect(page.headers.getSetCookie()).toEqual([])
  })

  it.each(['https://evil.example', 'null', `${'http://127.0.0.1'}:1`])('refuses a POST with Origin: %s', async (origin) => {
    const page = await newBrowser().post('/login', { email: 'musician@example.org', password: DEMO_PASSWORD }, { origin })
    expect(page.status).toBe(403)
    expect(page.text).toContain('Request refused')
    expect(page.headers.getSetCookie()).toEqual([])
  })

  it('refuses a cross-site Referer when there is no Origin, and accepts our own', async () => {
    const form = { email: 'musician@example.org', password: DEMO_PASSWORD }
    const evil = await newBrowser().post('/login', form, { origin: null, headers: { referer: 'https://evil.example/login' } })
    expect(evil.status).toBe(403)
    const own = await newBrowser().post('/login', form, { origin: null, headers: { referer: `${server.url}/login` } })
    expect(own.status).toBe(302)
  })

  it('lets a POST with the right Origin through', async () => {
    const browser = newBrowser()
    expect((await browser.login('musician@example.org', 'wrong-password-here')).status).toBe(400)
    expect((await browser.login('musician@example.org')).status).toBe(302)
  })

  it('refuses a signed-in cross-site POST to a protected form, changing nothing', async () => {
    const admin = await signedIn('admin@example.org')
    const page = await admin.post('/admin/members/accounts', { intent: 'invite', email: 'csrf@example.net', displayName: 'Cross Site', role: 'musician' }, { origin: 'https://evil.example' })
    expect(page.status).toBe(403)
    expect((await admin.get('/admin/members/accounts')).html).not.toContain('csrf@example.net')
  })
})

describe('who may open what', () => {
  it('refuses the musician /admin with a 403 page', async () => {
    const page = await (await signedIn('musician@example.org')).get('/admin')
    expect(page.status).toBe(403)
    expect(page.text).toContain('Not allowed')
    expect(page.text).toContain('does not have access')
  })

  it('sends an anonymous visitor from /admin to sign in', async () => {
    const page = await newBrowser().get('/admin')
    expect(page.status).toBe(302)
    expect(page.location).toBe('/login?redirectTo=%2Fadmin')
  })

  it('opens adding a piece to the librarian and refuses it to the musician', async () => {
    expect((await (await signedIn('librarian@example.org')).get('/library/pieces/new')).status).toBe(200)
    const refused = await (await signedIn('musician@example.org')).get('/library/pieces/new')
    expect(refused.status).toBe(403)
    expect(refused.text).toContain('Not allowed')
  })

  it('refuses the musician the admin forms too (a POST is checked like a page)', async () => {
    const musician = await signedIn('musician@example.org')
    const page = await musician.post('/admin/members/accounts', { intent: 'invite', email: 'sneaky@example.net', displayName: 'Sneaky', role: 'admin' })
    expect(page.status).toBe(403)
    const anonymous = await newBrowser().post('/admin/members/accounts', { intent: 'revoke-everyone' })
    expect(anonymous.status).toBe(302)
    expect(anonymous.location).toBe('/login?redirectTo=%2Fadmin%2Fmembers%2Faccounts')
  })

  it('opens /admin to the director (reports) but refuses them "sign out everyone"', async () => {
    const director = await signedIn('director@example.org')
    expect((await director.get('/admin')).status).toBe(200)
    const page = await director.post('/admin/members/accounts', { intent: 'revoke-everyone', confirm: 'on' })
    expect(page.status).toBe(403)
    expect(await director.isSignedIn()).toBe(true)
  })

  it('refuses "sign out everyone" to an admin: only a super admin may', async () => {
    const admin = await signedIn('admin@example.org')
    const page = await admin.post('/admin/members/accounts', { intent: 'revoke-everyone', confirm: 'on' })
    expect(page.status).toBe(403)
    expect(await admin.isSignedIn()).toBe(true)
  })

  it('lets the super admin sign out everyone else, keeping their own session', async () => {
    const others = [await signedIn('admin@example.org'), await signedIn('musician@example.org')]
    const superAdmin = await signedIn('superadmin@example.org')
    const answer = await superAdmin.post('/admin/members/accounts', { intent: 'revoke-everyone', confirm: 'on' })
    expect(answer.status).toBe(302)
    expect((await superAdmin.follow(answer)).toast).toMatch(/Everyone else is signed out \(\d+ sessions\)/)
    for (const other of others) expect(await other.isSignedIn()).toBe(false)
    expect(await superAdmin.isSignedIn()).toBe(true)
  })
})

// On both databases: the test server hands over its own PGlite handle.
describe('error pages inside the frame', () => {
  it('draws a refused area’s 403 and an area’s 404 with the band, the user and their areas', async () => {
    const musician = await signedIn('musician@example.org')
    for (const [path, status, words] of [
      ['/admin/outbox', 403, 'Not allowed'],
      ['/library/pieces/new', 403, 'Not allowed'],
      ['/portal/no-such-page', 404, 'Page not found'],
      ['/settings/no-such-page', 404, 'Page not found'],
    ] as const) {
      const page = await musician.get(path)
      expect(page.status, path).toBe(status)
      expect(page.html, path).toContain('Riverside Community Band')
      expect(page.html, path).toMatch(/Signed in as <strong[^>]*>Max Musician<\/strong>/)
      expect(page.html, path).toContain('aria-label="Your areas"')
      expect(page.text, path).toContain(words)
    }
  })
})

describe('session lifetimes', () => {
  it('are shorter for admin roles: 12 hours idle and 7 days in all, against 14 days and 90 for members', async () => {
    await signedIn('admin@example.org')
    await signedIn('musician@example.org')
    const newest = async (email: string) =>
      database.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.created_at', 'sessions.idle_expires_at', 'sessions.absolute_expires_at'])
        .where('users.email', '=', email)
        .orderBy('sessions.created_at', 'desc')
        .executeTakeFirstOrThrow()
    const hours = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 3_600_000)
    const admin = await newest('admin@example.org')
    expect(hours(admin.created_at, admin.idle_expires_at)).toBe(12)
    expect(hours(admin.created_at, admin.absolute_expires_at)).toBe(7 * 24)
    const musician = await newest('musician@example.org')
    expect(hours(musician.created_at, musician.idle_expires_at)).toBe(14 * 24)
    expect(hours(musician.created_at, musician.absolute_expires_at)).toBe(90 * 24)
  })
})

describe('the audit log', () => {
  it('holds sign-ins, sign-outs and the mass sign-out, no password, and an unbroken chain', async () => {
    const rows = await auditRowsSince(database)
    const actions = new Set(rows.map((row) => row.action))
    for (const action of ['auth.login.succeeded', 'auth.login.failed', 'auth.logout', 'auth.session.revoked_everyone']) expect(actions).toContain(action)
    expect(rowsLeaking(rows, [DEMO_PASSWORD, SESSION_SECRET, 'wrong-password-here'])).toEqual([])
    expect(await verifyAuditChain(database.db, { chainKey: server.runtime.auditKey })).toMatchObject({ ok: true })
  })
})

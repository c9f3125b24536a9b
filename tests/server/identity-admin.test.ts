import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '#db/client.server.ts'
import { verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { BrowserSession, DEMO_PASSWORD, htmlToText, type Page } from '#tests/setup/browser-session.ts'
import { auditRowsSince, openServerDatabase, rowsLeaking } from '#tests/setup/server-database.ts'
import { extractLink, startTestSmtpServer, type TestSmtpServer } from '#tests/setup/smtp-server.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// What admins do to other people's accounts at /admin/members/accounts, seen from the
// member's side: every change that ends access ends the sessions at once.

const GENERIC_ERROR = 'That email address and password do not match an account we know.'
const MUSICIAN = 'musician@example.org'

let smtp: TestSmtpServer
let server: TestServer
let database: DatabaseHandle
let admin: BrowserSession
let musicianId = ''
let adminId = ''

beforeAll(async () => {
  smtp = await startTestSmtpServer()
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', SMTP_URL: smtp.url } })
  database = await openServerDatabase(server)
  admin = new BrowserSession(server.url)
  await admin.signIn('admin@example.org')
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
  await smtp?.stop()
})

const newBrowser = () => new BrowserSession(server.url)
async function signedIn(email: string) {
  const browser = newBrowser()
  await browser.signIn(email)
  return browser
}

/** One account's entry on /admin/members/accounts: its user id (from its forms), its status line and its roles. */
function accountOn(page: Page, email: string): { id: string; text: string; roles: string } {
  const item = page.html.split('<li ').find((chunk) => chunk.includes(`>${email}<`)) ?? ''
  return {
    id: /name="userId" value="([0-9a-f-]{36})"/.exec(item)?.[1] ?? '',
    text: htmlToText(/<p[^>]*>([\s\S]*?)<\/p>/.exec(item)?.[1] ?? ''),
    roles: htmlToText(/Roles:([\s\S]*?)<\/p>/.exec(item)?.[1] ?? ''),
  }
}

const act = (fields: Record<string, string>) => admin.post('/admin/members/accounts', fields)

/** An action that worked: a redirect back to the list (`to`), where the page shows `message` in its toast. */
async function expectToast(answer: Page, message: string | RegExp, to = '/admin/members/accounts') {
  expect(answer.status, answer.errors.join(' ')).toBe(302)
  expect(answer.location).toBe(to)
  const page = await admin.follow(answer)
  expect(page.status).toBe(200)
  if (typeof message === 'string') expect(page.toast).toBe(message)
  else expect(page.toast).toMatch(message)
}

describe('the members page', () => {
  it('lists the accounts with what admins can do to them', async () => {
    const page = await admin.get('/admin/members/accounts')
    expect(page.status).toBe(200)
    const musician = accountOn(page, MUSICIAN)
    musicianId = musician.id
    expect(musicianId).toMatch(/^[0-9a-f-]{36}$/)
    expect(musician.text).toMatch(/ · active · /)
    expect(musician.roles).toBe('Musician')
    // No buttons against yourself: the own id is found through another admin's page.
    adminId = accountOn(await (await signedIn('superadmin@example.org')).get('/admin/members/accounts'), 'admin@example.org').id
    expect(adminId).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('disabling an account', () => {
  it('ends the member’s session at once and refuses their password; enabling lets them back in', async () => {
    const musician = await signedIn(MUSICIAN)
    const disabled = await act({ intent: 'set-status', userId: musicianId, status: 'disabled' })
    await expectToast(disabled, 'The account is now disabled.')
    expect(accountOn(await admin.get('/admin/members/accounts'), MUSICIAN).text).toMatch(/ · disabled · /)

    expect(await musician.isSignedIn()).toBe(false)
    const refused = await newBrowser().login(MUSICIAN)
    expect(refused.status).toBe(400)
    expect(refused.errors).toEqual([GENERIC_ERROR])

    // From a later page of the list, the redirect goes back to that page.
    const enabled = await admin.post(`/admin/members/accounts?${new URLSearchParams({ after: 'Lee Leader' })}`, { intent: 'set-status', userId: musicianId, status: 'active' })
    await expectToast(enabled, 'The account is now active.', '/admin/members/accounts?after=Lee+Leader')
    await signedIn(MUSICIAN)
  })

  it('refuses an admin changing their own status', async () => {
    const page = await act({ intent: 'set-status', userId: adminId, status: 'disabled' })
    expect(page.status).toBe(400)
    expect(page.text).toContain('You cannot change the status of your own account.')
    expect(await admin.isSignedIn()).toBe(true)
  })

  it('is for those with user.manage only: a director is refused', async () => {
    const director = await signedIn('director@example.org')
    const page = await director.post('/admin/members/accounts', { intent: 'set-status', userId: musicianId, status: 'disabled' })
    expect(page.status).toBe(403)
    await signedIn(MUSICIAN)
  })
})

describe('accounts above the admin', () => {
  // Policy: acting on an admin-level account needs what giving that role
  // needs (role.assign.admin), or an admin could lock out the super admin.
  it('an admin cannot disable or force a password reset on the super admin', async () => {
    const superAdmin = await signedIn('superadmin@example.org')
    const superAdminId = accountOn(await admin.get('/admin/members/accounts'), 'superadmin@example.org').id
    expect(superAdminId).toMatch(/^[0-9a-f-]{36}$/)
    const disabled = await act({ intent: 'set-status', userId: superAdminId, status: 'disabled' })
    const forced = await act({ intent: 'force-reset', userId: superAdminId })
    // (No test after this one signs in as the super admin.)
    expect(disabled.status).toBe(403)
    expect(forced.status).toBe(403)
    expect(disabled.errors).toEqual(['Only a super admin can do that to an admin account.'])
    expect(await superAdmin.isSignedIn()).toBe(true)
  })

  it('a locked account is signed out and refused like a disabled one', async () => {
    const musician = await signedIn(MUSICIAN)
    await expectToast(await act({ intent: 'set-status', userId: musicianId, status: 'locked' }), 'The account is now locked.')
    expect(await musician.isSignedIn()).toBe(false)
    expect((await newBrowser().login(MUSICIAN)).errors).toEqual([GENERIC_ERROR])
    await expectToast(await act({ intent: 'set-status', userId: musicianId, status: 'active' }), 'The account is now active.')
    await signedIn(MUSICIAN)
  })
})

describe('signing a member out everywhere', () => {
  it('ends every session of that member, and only theirs', async () => {
    const phone = await signedIn(MUSICIAN)
    const laptop = await signedIn(MUSICIAN)
    const bystander = await signedIn('leader@example.org')
    const page = await act({ intent: 'revoke-sessions', userId: musicianId })
    await expectToast(page, /^[1-9]\d* session\(s\) ended\.$/)
    expect(await phone.isSignedIn()).toBe(false)
    expect(await laptop.isSignedIn()).toBe(false)
    expect(await bystander.isSignedIn()).toBe(true)
    // They may sign in again straight away.
    await signedIn(MUSICIAN)
  })

  it('answers an unknown account with 404, not a 500', async () => {
    const page = await act({ intent: 'revoke-sessions', userId: '00000000-0000-4000-8000-000000000000' })
    expect(page.status).toBe(404)
    expect(page.text).toContain('There is no such account.')
    const malformed = await act({ intent: 'revoke-sessions', userId: 'not-a-uuid' })
    expect(malformed.status).toBe(400)
  })
})

describe('changing roles', () => {
  it('giving the musician the librarian role ends their sessions; signed in again, adding to the library opens', async () => {
    const musician = await signedIn(MUSICIAN)
    expect((await musician.get('/library/pieces/new')).status).toBe(403)

    const page = await act({ intent: 'grant-role', userId: musicianId, role: 'librarian', sectionId: '' })
    await expectToast(page, 'Roles updated. They were signed out, so the change applies at once.')
    expect(accountOn(await admin.get('/admin/members/accounts'), MUSICIAN).roles.split(', ').sort()).toEqual(['Librarian', 'Musician'])

    expect(await musician.isSignedIn()).toBe(false)
    const again = await signedIn(MUSICIAN)
    expect((await again.get('/library/pieces/new')).status).toBe(200)
  })

  it('taking the role away ends the sessions again and closes adding to the library', async () => {
    const musician = await signedIn(MUSICIAN)
    const page = await act({ intent: 'revoke-role', userId: musicianId, role: 'librarian', sectionId: '' })
    await expectToast(page, 'Roles updated. They were signed out, so the change applies at once.')
    expect(await musician.isSignedIn()).toBe(false)
    expect((await (await signedIn(MUSICIAN)).get('/library/pieces/new')).status).toBe(403)
  })

  it('refuses an admin giving the super admin role (only super admins may)', async () => {
    const page = await act({ intent: 'grant-role', userId: musicianId, role: 'super_admin', sectionId: '' })
    expect(page.status).toBe(403)
    expect(page.text).toContain('You cannot give or take that role.')
    expect(accountOn(await admin.get('/admin/members/accounts'), MUSICIAN).roles).toBe('Musician')
  })
})

describe('forcing a password reset', () => {
  it('ends the sessions, and sign-in then asks for a new password', async () => {
    const musician = await signedIn(MUSICIAN)
    const page = await act({ intent: 'force-reset', userId: musicianId })
    await expectToast(page, 'They are signed out and must choose a new password before signing in.')
    expect(accountOn(await admin.get('/admin/members/accounts'), MUSICIAN).text).toContain('must choose a new password')

    expect(await musician.isSignedIn()).toBe(false)
    const browser = newBrowser()
    const login = await browser.login(MUSICIAN)
    expect(login.status).toBe(400)
    expect(login.errors.join(' ')).toContain('An administrator asked you to choose a new password')
    expect(browser.cookie('band_session')).toBeUndefined()
    // A wrong password still gets only the generic answer: the notice is for the owner alone.
    const wrong = await newBrowser().login(MUSICIAN, 'somebody-guessing-here')
    expect(wrong.errors).toEqual([GENERIC_ERROR])
  })

  it('is lifted by choosing a new password through "Forgot your password?"', async () => {
    const browser = newBrowser()
    const since = smtp.messages.length
    expect((await browser.post('/forgot-password', { email: MUSICIAN })).status).toBe(302)
    const link = new URL(extractLink((await smtp.waitForMail(MUSICIAN, { since })).text, '/reset-password'))
    const token = link.searchParams.get('token') ?? ''
    const done = await browser.post('/reset-password', { token, newPassword: 'quiet river bassoon evening', confirmPassword: 'quiet river bassoon evening' })
    expect(done.location).toBe('/login')
    await browser.signIn(MUSICIAN, 'quiet river bassoon evening')
    expect(accountOn(await admin.get('/admin/members/accounts'), MUSICIAN).text).not.toContain('must choose a new password')
  })
})

// On both databases: the test server hands over its own PGlite handle.
describe('the audit log', () => {
  it('holds every admin action on the account, no password, and an unbroken chain', async () => {
    const rows = await auditRowsSince(database)
    const onMusician = rows.filter((row) => row.entityId === musicianId).map((row) => row.action)
    for (const action of ['auth.account.status_changed', 'auth.session.revoked_by_admin', 'auth.role.granted', 'auth.role.revoked', 'auth.password_reset.forced']) {
      expect(onMusician).toContain(action)
    }
    const statusChanges = rows.filter((row) => row.action === 'auth.account.status_changed' && row.entityId === musicianId)
    expect(statusChanges.map((row) => row.changes)).toEqual([
      expect.stringContaining('"after":{"status":"disabled"}'),
      expect.stringContaining('"after":{"status":"active"}'),
      expect.stringContaining('"after":{"status":"locked"}'),
      expect.stringContaining('"after":{"status":"active"}'),
    ])
    expect(rowsLeaking(rows, [DEMO_PASSWORD, 'somebody-guessing-here', 'quiet river bassoon evening'])).toEqual([])
    expect(await verifyAuditChain(database.db, { chainKey: server.runtime.auditKey })).toMatchObject({ ok: true })
  })
})

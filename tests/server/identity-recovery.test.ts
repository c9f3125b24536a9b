import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '#db/client.server.ts'
import { verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { BrowserSession, DEMO_PASSWORD, htmlToText, type Page } from '#tests/setup/browser-session.ts'
import { auditRowsSince, openServerDatabase, rowsLeaking } from '#tests/setup/server-database.ts'
import { extractLink, startTestSmtpServer, type TestSmtpServer } from '#tests/setup/smtp-server.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// The one-time links, end to end over HTTP and real SMTP: forgot → mail →
// reset (every session ends), and invite → mail → accept → sign in.

const GENERIC_ERROR = 'That email address and password do not match an account we know.'
const NEW_PASSWORD = 'violet tuba marching at dawn'
const INVITEE_PASSWORD = 'seven oboes under a blue moon'
const TOO_SHORT = 'Use at least 12 characters. A few words in a row work well.'
const TOO_COMMON = 'This password is on a list of common passwords. Please choose another.'

let smtp: TestSmtpServer
let server: TestServer
let database: DatabaseHandle
// Everything secret this file typed or received: none of it may reach the audit log.
const secrets: string[] = [DEMO_PASSWORD, NEW_PASSWORD, INVITEE_PASSWORD]

beforeAll(async () => {
  smtp = await startTestSmtpServer()
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', SMTP_URL: smtp.url } })
  database = await openServerDatabase(server)
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
  await smtp?.stop()
})

const newBrowser = () => new BrowserSession(server.url)
async function signedIn(email: string, password = DEMO_PASSWORD) {
  const browser = newBrowser()
  await browser.signIn(email, password)
  return browser
}
/** A mailed link's path, after checking it points at the site's configured address (PUBLIC_URL, or localhost on the embedded default). */
const pathOf = (link: string) => {
  const url = new URL(link)
  expect(url.origin).toBe(new URL(server.runtime.config.siteUrl).origin)
  return `${url.pathname}${url.search}`
}

describe('forgotten password', () => {
  let resetLink = ''

  it('answers a known and an unknown address alike, and mails only the known one a link', async () => {
    const since = smtp.messages.length
    const [stranger, member] = [newBrowser(), newBrowser()]
    const unknown = await stranger.post('/forgot-password', { email: 'no-account-here@example.net' })
    const known = await member.post('/forgot-password', { email: 'musician@example.org' })
    expect(known.status).toBe(302)
    expect(known.location).toBe('/login')
    expect(unknown.status).toBe(known.status)
    expect(unknown.location).toBe(known.location)
    const knownToast = (await member.follow(known)).toast
    expect(knownToast).toContain('If that address belongs to an account, we have sent it a link')
    expect((await stranger.follow(unknown)).toast).toBe(knownToast)

    const mail = await smtp.waitForMail('musician@example.org', { since })
    resetLink = extractLink(mail.text, '/reset-password')
    const token = new URL(resetLink).searchParams.get('token') ?? ''
    expect(token.length).toBeGreaterThanOrEqual(43)
    secrets.push(token)
    expect(smtp.messages.slice(since).some((message) => message.recipients.includes('no-account-here@example.net'))).toBe(false)
  })

  it('sets a new password with the link, ends every session, and works only once', async () => {
    const phone = await signedIn('musician@example.org')
    const laptop = await signedIn('musician@example.org')
    const oldCookie = phone.cookie('band_session') ?? ''

    const browser = newBrowser()
    const form = await browser.get(pathOf(resetLink))
    expect(form.status).toBe(200)
    expect(form.text).toContain('Choose a new password')

    const token = new URL(resetLink).searchParams.get('token') ?? ''
    const tooShort = await browser.post('/reset-password', { token, newPassword: 'short', confirmPassword: 'short' })
    expect(tooShort.status).toBe(400)
    expect(tooShort.errors).toContain(TOO_SHORT)
    const common = await browser.post('/reset-password', { token, newPassword: 'password1234', confirmPassword: 'password1234' })
    expect(common.status).toBe(400)
    expect(common.errors).toContain(TOO_COMMON)
    const mismatch = await browser.post('/reset-password', { token, newPassword: NEW_PASSWORD, confirmPassword: `${NEW_PASSWORD}!` })
    expect(mismatch.status).toBe(400)
    expect(mismatch.errors).toContain('The two passwords are not the same')
    // None of the refusals used the link up, or changed anything.
    expect(await phone.isSignedIn()).toBe(true)

    const noticesFrom = smtp.messages.length
    const done = await browser.post('/reset-password', { token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })
    expect(done.status).toBe(302)
    expect(done.location).toBe('/login')
    expect((await browser.follow(done)).toast).toContain('Your password is changed and you were signed out everywhere')

    // Every earlier session is gone, and an old cookie replayed is anonymous.
    expect(await phone.isSignedIn()).toBe(false)
    expect(await laptop.isSignedIn()).toBe(false)
    const replay = newBrowser()
    replay.setCookie('band_session', oldCookie)
    expect(await replay.isSignedIn()).toBe(false)

    // The member is told.
    const notice = await smtp.waitForMail('musician@example.org', { since: noticesFrom })
    expect(notice.text).toContain('reset')

    // The link a second time: it no longer works, by GET or by POST.
    const again = await newBrowser().get(pathOf(resetLink))
    expect(again.status).toBe(200)
    expect(again.text).toContain('This link no longer works')
    const reused = await newBrowser().post('/reset-password', { token, newPassword: 'another fine password', confirmPassword: 'another fine password' })
    expect(reused.status).toBe(400)
    expect(reused.errors).toContain('This link has expired or was already used. Ask for a new one.')

    // The new password signs in; the old one does not.
    const oldPassword = await newBrowser().login('musician@example.org', DEMO_PASSWORD)
    expect(oldPassword.status).toBe(400)
    expect(oldPassword.errors).toEqual([GENERIC_ERROR])
    await signedIn('musician@example.org', NEW_PASSWORD)
  })

  it('limits asking: the fourth request for one address within the hour gets 429 with Retry-After', async () => {
    const email = 'someone-unknown@example.net'
    for (let i = 0; i < 3; i++) expect((await newBrowser().post('/forgot-password', { email })).status).toBe(302)
    const refused = await newBrowser().post('/forgot-password', { email })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after')), 'Retry-After').toBeGreaterThan(0)
    expect(refused.errors.join(' ')).toMatch(/Too many attempts\. Please wait (a minute|\d+ minutes) and try again\./)
  })

  it('answers a made-up token with the same "no longer works" page, never a 500', async () => {
    for (const token of ['made-up', 'x'.repeat(43), '%00', '']) {
      const page = await newBrowser().get(`/reset-password?${new URLSearchParams({ token })}`)
      expect(page.status).toBe(200)
      expect(page.text).toContain('This link no longer works')
    }
    const posted = await newBrowser().post('/reset-password', { token: 'made-up', newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })
    expect(posted.status).toBe(400)
    expect(posted.errors).toContain('This link has expired or was already used. Ask for a new one.')
  })
})

describe('invitations', () => {
  let inviteLink = ''
  const invitee = { email: 'olive.oboist@example.net', name: 'Olive Oboist' }

  it('an admin invites someone, who gets a link by mail', async () => {
    const admin = await signedIn('admin@example.org')
    const since = smtp.messages.length
    const sent = await admin.post('/admin/members/accounts', { intent: 'invite', email: invitee.email, displayName: invitee.name, role: 'musician', sectionId: '' })
    expect(sent.status).toBe(302)
    expect(sent.location).toBe('/admin/members/accounts')
    expect((await admin.follow(sent)).toast).toBe(`Invitation sent to ${invitee.email}. The link works for 7 days.`)
    const mail = await smtp.waitForMail(invitee.email, { since })
    inviteLink = extractLink(mail.text, '/invite/')
    secrets.push(new URL(inviteLink).pathname.split('/').pop() ?? '')
  })

  it('the invitee chooses a password (a weak one is refused) and is signed in; the link then no longer works', async () => {
    const browser = newBrowser()
    const form = await browser.get(pathOf(inviteLink))
    expect(form.status).toBe(200)
    expect(form.text).toContain(`Welcome, ${invitee.name}`)
    expect(form.text).toContain(invitee.email)

    const tooShort = await browser.post(pathOf(inviteLink), { newPassword: 'short', confirmPassword: 'short' })
    expect(tooShort.status).toBe(400)
    expect(tooShort.errors).toContain(TOO_SHORT)
    const common = await browser.post(pathOf(inviteLink), { newPassword: 'password1234', confirmPassword: 'password1234' })
    expect(common.status).toBe(400)
    expect(common.errors).toContain(TOO_COMMON)
    expect(browser.cookie('band_session')).toBeUndefined()

    const accepted = await browser.post(pathOf(inviteLink), { newPassword: INVITEE_PASSWORD, confirmPassword: INVITEE_PASSWORD })
    expect(accepted.status).toBe(302)
    expect(accepted.location).toBe('/portal')
    const portal = await browser.get('/portal')
    expect(portal.status).toBe(200)
    expect(portal.html).toContain(invitee.name)
    // A musician, as invited: no library, no admin.
    expect((await browser.get('/admin')).status).toBe(403)

    const again = await newBrowser().get(pathOf(inviteLink))
    expect(again.status).toBe(200)
    expect(again.text).toContain('This invitation no longer works')
    const reused = await newBrowser().post(pathOf(inviteLink), { newPassword: 'a different long password', confirmPassword: 'a different long password' })
    expect(reused.status).toBe(400)
    expect(reused.text).toContain('This invitation no longer works')
    expect(reused.headers.getSetCookie()).toEqual([])
  })

  it('the new member signs in with that password', async () => {
    const browser = await signedIn(invitee.email, INVITEE_PASSWORD)
    expect((await browser.get('/portal')).html).toContain(invitee.name)
  })

  it('refuses an invitation to an address that has an account, and roles the inviter may not give', async () => {
    const admin = await signedIn('admin@example.org')
    const taken = await admin.post('/admin/members/accounts', { intent: 'invite', email: 'Musician@Example.org', displayName: 'Again', role: 'musician', sectionId: '' })
    expect(taken.status).toBe(400)
    expect(taken.errors).toContain('Someone already has an account with that email address.')
    // The refused form keeps what was typed.
    expect(taken.html).toMatch(/value="Again"/)
    const noSection = await admin.post('/admin/members/accounts', { intent: 'invite', email: 'lead.less@example.net', displayName: 'Lead Less', role: 'section_leader', sectionId: '' })
    expect(noSection.status).toBe(400)
    expect(noSection.text).toContain('Choose the section this person leads.')

    const director = await signedIn('director@example.org')
    const tooHigh = await director.post('/admin/members/accounts', { intent: 'invite', email: 'would.be.admin@example.net', displayName: 'Would Be', role: 'admin', sectionId: '' })
    expect(tooHigh.status).toBe(400)
    expect(tooHigh.text).toContain('You cannot give that role.')
  })

  it('invites a section leader for one section', async () => {
    const admin = await signedIn('admin@example.org')
    const members = await admin.get('/admin/members/accounts')
    const clarinets = /<option value="([0-9a-f-]{36})">Clarinets<\/option>/.exec(members.html)?.[1]
    expect(clarinets).toBeDefined()
    const since = smtp.messages.length
    const email = 'cora.clarinet@example.net'
    const sent = await admin.post('/admin/members/accounts', { intent: 'invite', email, displayName: 'Cora Clarinet', role: 'section_leader', sectionId: clarinets ?? '' })
    expect(sent.status).toBe(302)
    const link = extractLink((await smtp.waitForMail(email, { since })).text, '/invite/')
    secrets.push(new URL(link).pathname.split('/').pop() ?? '')
    const accepted = await newBrowser().post(pathOf(link), { newPassword: INVITEE_PASSWORD, confirmPassword: INVITEE_PASSWORD })
    expect(accepted.location).toBe('/portal')
    const roles = rolesOf((await admin.get('/admin/members/accounts')).html, email).split(', ').sort()
    expect(roles).toEqual(['Musician', 'Section leader (Clarinets)'])
  })

  it('says clearly when an invitation has expired', async () => {
    const admin = await signedIn('admin@example.org')
    const since = smtp.messages.length
    const email = 'late.comer@example.net'
    await admin.post('/admin/members/accounts', { intent: 'invite', email, displayName: 'Late Comer', role: 'musician', sectionId: '' })
    const link = extractLink((await smtp.waitForMail(email, { since })).text, '/invite/')
    secrets.push(new URL(link).pathname.split('/').pop() ?? '')
    await database.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('email', '=', email)
      .execute()
    const page = await newBrowser().get(pathOf(link))
    expect(page.status).toBe(200)
    expect(page.text).toContain('This invitation no longer works')
    expect(page.text).toContain('seven days')
    const posted = await newBrowser().post(pathOf(link), { newPassword: INVITEE_PASSWORD, confirmPassword: INVITEE_PASSWORD })
    expect(posted.status).toBe(400)
    expect(posted.text).toContain('This invitation no longer works')
    expect((await newBrowser().login(email, INVITEE_PASSWORD)).status).toBe(400)
  })
})

describe('guessing invitation links', () => {
  it('is limited per IP: wrong links get 429 with Retry-After (20 per hour, earlier misses included)', async () => {
    const admin = await signedIn('admin@example.org')
    const since = smtp.messages.length
    await admin.post('/admin/members/accounts', { intent: 'invite', email: 'patient.person@example.net', displayName: 'Patient Person', role: 'musician', sectionId: '' })
    const validLink = extractLink((await smtp.waitForMail('patient.person@example.net', { since })).text, '/invite/')
    secrets.push(new URL(validLink).pathname.split('/').pop() ?? '')

    const browser = newBrowser()
    let refused: Page | undefined
    let attempts = 0
    while (attempts < 21 && !refused) {
      attempts++
      const page = await browser.post(`/invite/guess-${attempts}-${'x'.repeat(30)}`, { newPassword: INVITEE_PASSWORD, confirmPassword: INVITEE_PASSWORD })
      if (page.status === 429) refused = page
      else expect(page.status).toBe(400)
    }
    expect(refused, 'no 429 within 21 attempts').toBeDefined()
    // Every attempt counts, not only misses: the five or six this file made before share the 20.
    expect(attempts).toBeGreaterThanOrEqual(14)
    expect(Number(refused?.headers.get('retry-after')), 'Retry-After').toBeGreaterThan(0)

    // From that IP, even a real link now waits, and the page says why.
    const real = await newBrowser().post(pathOf(validLink), { newPassword: INVITEE_PASSWORD, confirmPassword: INVITEE_PASSWORD })
    expect(real.status).toBe(429)
    expect(real.errors.join(' ')).toMatch(/Too many attempts\. Please wait (a minute|\d+ minutes) and try again\./)
    expect(real.headers.getSetCookie()).toEqual([])
  })
})

// On both databases: the test server hands over its own PGlite handle.
describe('the audit log', () => {
  it('holds the reset and the invitations, no password or token, and an unbroken chain', async () => {
    const rows = await auditRowsSince(database)
    const actions = new Set(rows.map((row) => row.action))
    for (const action of ['auth.password_reset.requested', 'auth.password_reset.completed', 'auth.invitation.sent', 'auth.invitation.accepted', 'auth.login.succeeded']) {
      expect(actions).toContain(action)
    }
    expect(secrets.filter(Boolean).length).toBeGreaterThanOrEqual(6)
    expect(rowsLeaking(rows, secrets)).toEqual([])
    expect(await verifyAuditChain(database.db, { chainKey: server.runtime.auditKey })).toMatchObject({ ok: true })
  })
})

/** The roles of one account on /admin/members/accounts, as text. */
function rolesOf(html: string, email: string): string {
  const item = html.split('<li ').find((chunk) => chunk.includes(`>${email}<`)) ?? ''
  return htmlToText(/Roles:([\s\S]*?)<\/p>/.exec(item)?.[1] ?? '')
}

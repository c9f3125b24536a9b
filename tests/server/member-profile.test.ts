import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEmergencyContacts } from '#app/modules/members/emergency-contacts.server.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { auditRowsSince } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// A member's own profile (issue 8, item 2): /portal/profile edits names,
// contact details, sealed emergency contacts and directory choices, without
// JavaScript; it shows instruments, chair, status and joined date read-only.

let server: TestServer
let musician: BrowserSession
let musicianMemberId: string
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', MEMBER_DATA_KEY: randomBytes(32).toString('hex') } })
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
  const user = await server.runtime.db.selectFrom('users').select('member_id').where('email', '=', 'musician@example.org').executeTakeFirstOrThrow()
  musicianMemberId = user.member_id ?? ''
}, 120_000)
afterAll(() => server?.stop())

const memberRow = (id: string) =>
  server.runtime.db
    .selectFrom('members')
    .select(['preferred_name', 'pronouns', 'email', 'phone', 'directory_listed', 'directory_show_email', 'directory_show_phone', 'emergency_contacts_sealed'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()

const lastAuditId = async () =>
  (await server.runtime.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0

const FULL_FORM = {
  preferredName: 'Maxi',
  pronouns: 'they/them',
  email: 'maxi.plays@example.net',
  phone: '07700 900123',
  contact1Name: 'Jordan Quill',
  contact1Relationship: 'partner',
  contact1Phone: '07700 900456',
  contact2Name: 'Robin Quill',
  contact2Relationship: '',
  contact2Phone: '+44 20 7946 0321',
  directoryListed: 'on',
  directoryShowEmail: 'on',
}

describe('my profile', () => {
  it('shows what the band keeps read-only, with a way to the sign-in settings', async () => {
    const page = await musician.get('/portal/profile')
    expect(page.status).toBe(200)
    expect(page.html).toMatch(/<h1[^>]*>My profile<\/h1>/)
    expect(page.text).toContain('You sign in as musician@example.org')
    expect(page.html).toContain('href="/settings/security"')
    expect(page.text).toMatch(/Clarinet in B♭ · main instrument · Clarinets · chair 2/)
    expect(page.text).toMatch(/Status Active/)
    expect(page.text).toMatch(/Joined \d{1,2} [A-Z][a-z]+ \d{4}/)
    // The contact e-mail is the member's, not a field for the sign-in address.
    expect(page.html).toMatch(/name="email"[^>]*value="musician@example.org"|value="musician@example.org"[^>]*name="email"/)
    expect(page.html).toContain('Portal')
    expect(page.html).toMatch(/href="\/portal\/profile"[^>]*>My profile|>My profile</)
  })

  it('saves everything in one form, seals the emergency contacts and audits without their values', async () => {
    const since = await lastAuditId()
    const saved = await musician.post('/portal/profile', FULL_FORM)
    expect(saved.status, saved.errors.join(' ')).toBe(302)
    expect(saved.location).toBe('/portal/profile')
    const page = await musician.follow(saved)
    expect(page.toast).toBe('Your profile is saved.')
    expect(page.headers.get('cache-control')).toContain('no-store')
    for (const value of ['Maxi', 'they/them', 'maxi.plays@example.net', '07700 900123', 'Jordan Quill', 'partner', '07700 900456', 'Robin Quill', '+44 20 7946 0321']) {
      expect(page.html, value).toContain(`value="${value}"`)
    }

    const row = await memberRow(musicianMemberId)
    expect(row).toMatchObject({
      preferred_name: 'Maxi',
      pronouns: 'they/them',
      email: 'maxi.plays@example.net',
      phone: '07700 900123',
      directory_listed: true,
      directory_show_email: true,
      directory_show_phone: false,
    })
    // At rest: no name, relationship or number of a contact in the column.
    for (const plain of ['Jordan', 'Quill', 'partner', '900456', '7946']) expect(row.emergency_contacts_sealed).not.toContain(plain)
    expect(openEmergencyContacts(row.emergency_contacts_sealed, server.runtime.memberDataKeys, musicianMemberId)).toEqual([
      { name: 'Jordan Quill', relationship: 'partner', phone: '07700 900456' },
      { name: 'Robin Quill', relationship: null, phone: '+44 20 7946 0321' },
    ])

    const audit = (await auditRowsSince(server.runtime.database, since)).filter((entry) => entry.action === 'profile.update')
    expect(audit).toHaveLength(1)
    expect(audit[0]?.entityId).toBe(musicianMemberId)
    expect(audit[0]?.changes).toContain('"preferred_name":"Maxi"')
    expect(audit[0]?.changes).toContain('"emergencyContacts":"changed (now 2)"')
    for (const plain of ['Jordan', 'Quill', 'partner', '900456', '7946', 'k1.']) expect(audit[0]?.row, plain).not.toContain(plain)
  })

  it('keeps the sealed value when the contacts did not change, and clears it when they are removed', async () => {
    await musician.post('/portal/profile', FULL_FORM)
    const before = (await memberRow(musicianMemberId)).emergency_contacts_sealed
    const since = await lastAuditId()
    expect((await musician.post('/portal/profile', { ...FULL_FORM, pronouns: 'she/they' })).status).toBe(302)
    const unchanged = await memberRow(musicianMemberId)
    expect(unchanged.emergency_contacts_sealed).toBe(before)
    const audit = (await auditRowsSince(server.runtime.database, since)).filter((entry) => entry.action === 'profile.update')
    expect(audit[0]?.changes).not.toContain('emergencyContacts')

    const cleared = { ...FULL_FORM, contact1Name: '', contact1Relationship: '', contact1Phone: '', contact2Name: '', contact2Phone: '', directoryListed: '', directoryShowEmail: '' }
    expect((await musician.post('/portal/profile', cleared)).status).toBe(302)
    expect(await memberRow(musicianMemberId)).toMatchObject({ emergency_contacts_sealed: null, directory_listed: false, directory_show_email: false })
  })

  it('answers bad input with a message at each field and saves nothing', async () => {
    await musician.post('/portal/profile', FULL_FORM)
    const before = await memberRow(musicianMemberId)
    const refused = await musician.post('/portal/profile', {
      ...FULL_FORM,
      preferredName: 'x'.repeat(61),
      email: 'not-an-address',
      phone: 'call me maybe',
      contact1Name: 'Only A Name',
      contact1Relationship: '',
      contact1Phone: '',
      contact2Name: '',
      contact2Relationship: 'sister',
      contact2Phone: '07700 900999',
      directoryShowEmail: '',
      directoryShowPhone: 'on',
    })
    expect(refused.status).toBe(400)
    const errorOf = (field: string) => new RegExp(`id="profile-${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="profile-${field}"`)
    for (const field of ['preferredName', 'email', 'phone', 'contact1Phone', 'contact2Name']) expect(refused.html, field).toMatch(errorOf(field))
    expect(refused.errors).toEqual(
      expect.arrayContaining([
        'Preferred name can be at most 60 characters',
        'Enter a valid e-mail address, e.g. sam@example.org',
        'Phone: use digits, spaces and an optional + at the start, e.g. 07700 900123',
        'Enter a phone number for emergency contact 1',
        'Enter the name of emergency contact 2',
      ]),
    )
    // What was typed stays in the form.
    expect(refused.html).toContain('value="Only A Name"')
    expect(await memberRow(musicianMemberId)).toEqual(before)

    // Another member's address (members' e-mails are unique, whatever the case).
    const taken = await musician.post('/portal/profile', { ...FULL_FORM, email: 'LEADER@example.org' })
    expect(taken.status).toBe(400)
    expect(taken.errors).toEqual(['Nothing was saved yet: one answer needs a change, marked below.', 'Another member of the band already uses this e-mail address. Enter your own.'])
    expect(await memberRow(musicianMemberId)).toEqual(before)

    // Showing a phone the member has not given is refused at that choice.
    const noPhone = await musician.post('/portal/profile', { ...FULL_FORM, phone: '', directoryShowPhone: 'on' })
    expect(noPhone.status).toBe(400)
    expect(noPhone.errors).toContain('Add a phone number above to show it in the directory')
  })

  it('says so, instead of failing, when the stored contacts were altered or sealed with a lost key', async () => {
    await musician.post('/portal/profile', FULL_FORM)
    const { emergency_contacts_sealed: sealed } = await memberRow(musicianMemberId)
    const parts = (sealed ?? '').split('.')
    const altered = [...parts.slice(0, 4), `${parts[4]?.startsWith('A') ? 'B' : 'A'}${parts[4]?.slice(1) ?? ''}`].join('.')
    await server.runtime.db.updateTable('members').set({ emergency_contacts_sealed: altered }).where('id', '=', musicianMemberId).execute()
    const page = await musician.get('/portal/profile')
    expect(page.status).toBe(200)
    expect(page.text).toContain('Your saved emergency contacts could not be read')
    expect(page.html).toMatch(/name="contact1Name"(?![^>]*value=)/)
    const leader = new BrowserSession(server.url)
    await leader.signIn('leader@example.org')
    const directory = await leader.get('/portal/directory?q=musician')
    expect(directory.status).toBe(200)
    expect(directory.text).toContain('These could not be read')
    // Entering them again replaces the broken value.
    expect((await musician.post('/portal/profile', FULL_FORM)).status).toBe(302)
    expect(openEmergencyContacts((await memberRow(musicianMemberId)).emergency_contacts_sealed, server.runtime.memberDataKeys, musicianMemberId)).toHaveLength(2)
  })

  it('only ever changes the signed-in member: another member’s id in the form is ignored', async () => {
    const other = await server.runtime.db
      .selectFrom('members')
      .select('id')
      .where('email', 'like', '%@example.net')
      .orderBy('last_name')
      .executeTakeFirstOrThrow()
    const before = await memberRow(other.id)
    const answer = await musician.post('/portal/profile', { ...FULL_FORM, preferredName: 'Hijack', memberId: other.id, id: other.id, member_id: other.id })
    expect(answer.status).toBe(302)
    expect(await memberRow(other.id)).toEqual(before)
    expect((await memberRow(musicianMemberId)).preferred_name).toBe('Hijack')
  })

  it('explains to an account without a member record that there is no profile, and saves nothing for it', async () => {
    const admin = new BrowserSession(server.url)
    await admin.signIn('admin@example.org')
    const page = await admin.get('/portal/profile')
    expect(page.status).toBe(200)
    expect(page.text).toContain('No member profile for this account')
    expect(page.html).not.toContain('name="contact1Name"')
    const since = await lastAuditId()
    const refused = await admin.post('/portal/profile', FULL_FORM)
    expect(refused.status).toBe(400)
    expect(refused.errors.join(' ')).toContain('Your account is not linked to a member of the band')
    expect((await auditRowsSince(server.runtime.database, since)).filter((entry) => entry.action === 'profile.update')).toEqual([])
  })

  it('sends an anonymous visitor to sign in, and refuses a cross-site form', async () => {
    const visitor = await new BrowserSession(server.url).get('/portal/profile')
    expect(visitor.status).toBe(302)
    expect(visitor.location).toBe('/login?redirectTo=%2Fportal%2Fprofile')
    const crossSite = await musician.post('/portal/profile', { ...FULL_FORM, preferredName: 'Forged' }, { origin: 'https://evil.example' })
    expect(crossSite.status).toBeGreaterThanOrEqual(400)
    expect((await memberRow(musicianMemberId)).preferred_name).not.toBe('Forged')
  })
})

import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealEmergencyContacts } from '#app/modules/members/emergency-contacts.server.ts'
import { BrowserSession, type Page } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// The member directory (issue 8, item 3): active members by section, only
// what each agreed to show; a section's leader sees that section's contact
// details and emergency contacts; nobody else ever gets emergency data.

type Person = { id: string; name: string; email: string; phone: string; emergency: string; emergencyPhone: string }

let server: TestServer
const browsers: Record<string, BrowserSession> = {}
/** Clarinets, listed, showing nothing. */
let clarinet: Person
/** Clarinets, not listed. */
let hiddenClarinet: Person
/** Flutes, listed, showing the e-mail only. */
let flute: Person
/** Flutes, not listed. */
let hiddenFlute: Person

let picked = 0
async function pickMember(section: string, skip: string[]): Promise<Person> {
  const row = await server.runtime.db
    .selectFrom('members')
    .innerJoin('member_instruments', (join) => join.onRef('member_instruments.member_id', '=', 'members.id').on('member_instruments.is_primary', '=', true))
    .innerJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .innerJoin('sections', 'sections.id', 'instruments.section_id')
    .select(['members.id', 'members.first_name', 'members.last_name', 'members.email'])
    .where('sections.slug', '=', section)
    .where('members.status', '=', 'active')
    .where('members.email', 'like', '%@example.net')
    .where('members.id', 'not in', skip.length ? skip : ['00000000-0000-4000-8000-000000000000'])
    .orderBy('members.last_name')
    .executeTakeFirstOrThrow()
  picked += 1
  const suffix = String(100 + picked)
  const person: Person = {
    id: row.id,
    name: `${row.first_name} ${row.last_name}`,
    email: row.email ?? '',
    // Outside the seed's 07700 900xxx, so no other member has the same number.
    phone: `07700 919${suffix}`,
    emergency: `Emergency Person ${randomBytes(3).toString('hex')}`,
    emergencyPhone: `07700 929${suffix}`,
  }
  await server.runtime.db
    .updateTable('members')
    .set({
      phone: person.phone,
      emergency_contacts_sealed: sealEmergencyContacts([{ name: person.emergency, relationship: 'sibling', phone: person.emergencyPhone }], server.runtime.memberDataKeys, row.id),
    })
    .where('id', '=', row.id)
    .execute()
  return person
}

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', MEMBER_DATA_KEY: randomBytes(32).toString('base64') } })
  clarinet = await pickMember('clarinets', [])
  hiddenClarinet = await pickMember('clarinets', [clarinet.id])
  flute = await pickMember('flutes-and-double-reeds', [])
  hiddenFlute = await pickMember('flutes-and-double-reeds', [flute.id])
  const db = server.runtime.db
  await db.updateTable('members').set({ directory_listed: true, directory_show_email: false, directory_show_phone: false }).where('id', '=', clarinet.id).execute()
  await db.updateTable('members').set({ directory_listed: false }).where('id', 'in', [hiddenClarinet.id, hiddenFlute.id]).execute()
  await db.updateTable('members').set({ directory_listed: true, directory_show_email: true, directory_show_phone: false }).where('id', '=', flute.id).execute()
  for (const [role, email] of Object.entries({
    musician: 'musician@example.org',
    leader: 'leader@example.org',
    librarian: 'librarian@example.org',
    director: 'director@example.org',
    admin: 'admin@example.org',
  })) {
    browsers[role] = new BrowserSession(server.url)
    await browsers[role].signIn(email)
  }
}, 180_000)
afterAll(() => server?.stop())

const directoryOf = async (role: string, query = ''): Promise<Page> => {
  const page = await (browsers[role] as BrowserSession).get(`/portal/directory${query}`)
  expect(page.status, `${role} ${query}`).toBe(200)
  return page
}

/** The card of one member, as HTML ('' when they are not on the page): from its <li> to the next card or the section's end. */
const cardOf = (page: Page, person: Person): string =>
  page.html
    .split('<li class="space-y-2 rounded-lg')
    .slice(1)
    .map((chunk) => chunk.split('</section>')[0] ?? '')
    .find((card) => card.includes(`>${person.name}<`) || card.includes(`(${person.name})`)) ?? ''

describe('the member directory', () => {
  it('lists active members by section in the band’s order, with a jump list', async () => {
    const page = await directoryOf('musician')
    const headings = [...page.html.matchAll(/<h2 id="section-([a-z-]+)"/g)].map((match) => match[1])
    const sections = await server.runtime.db.selectFrom('sections').select('slug').orderBy('sort_order').execute()
    expect(headings.filter((slug) => slug !== 'no-section')).toEqual(sections.map((section) => section.slug))
    for (const slug of headings) expect(page.html).toContain(`href="#section-${slug}"`)
    // Alumni and inactive members are not in it.
    const alumni = await server.runtime.db.selectFrom('members').select(['first_name', 'last_name']).where('status', '!=', 'active').execute()
    expect(alumni.length).toBeGreaterThan(0)
    for (const member of alumni) expect(page.text).not.toContain(`${member.first_name} ${member.last_name}`)
    expect(page.text).toContain('Nobody else sees emergency contacts')
  })

  it('shows a musician only what each member chose, and no emergency data at all', async () => {
    const page = await directoryOf('musician')
    expect(cardOf(page, clarinet)).not.toBe('')
    expect(cardOf(page, clarinet)).not.toContain(clarinet.email)
    expect(page.html).not.toContain(clarinet.phone)
    expect(cardOf(page, flute)).toContain(flute.email)
    expect(page.html).not.toContain(flute.phone)
    for (const hidden of [hiddenClarinet, hiddenFlute]) expect(cardOf(page, hidden), hidden.name).toBe('')
    for (const person of [clarinet, hiddenClarinet, flute, hiddenFlute]) {
      expect(page.html).not.toContain(person.emergency)
      expect(page.html).not.toContain(person.emergencyPhone)
    }
    expect(page.html).not.toContain('Emergency contacts</p>')
  })

  it('shows the Clarinets leader their own section’s details and emergency contacts, members not listed included', async () => {
    const page = await directoryOf('leader')
    const card = cardOf(page, clarinet)
    expect(card).toContain(clarinet.email)
    expect(card).toContain(clarinet.phone)
    expect(card).toContain(clarinet.emergency)
    expect(card).toContain(clarinet.emergencyPhone)
    const hiddenCard = cardOf(page, hiddenClarinet)
    expect(hiddenCard).toContain('Not listed in the directory; shown to you as their section leader.')
    expect(hiddenCard).toContain(hiddenClarinet.emergency)
    expect(page.text).toContain('You lead Clarinets')
    // Emergency data never stays in a browser's or proxy's cache.
    expect(page.headers.get('cache-control')).toContain('no-store')
  })

  it('gives the Clarinets leader nothing more of another section than any member gets', async () => {
    const page = await directoryOf('leader')
    expect(cardOf(page, flute)).toContain(flute.email)
    expect(page.html).not.toContain(flute.phone)
    expect(page.html).not.toContain(flute.emergency)
    expect(page.html).not.toContain(flute.emergencyPhone)
    expect(cardOf(page, hiddenFlute)).toBe('')
    expect(page.html).not.toContain(hiddenFlute.emergency)
  })

  it('shows the director and admins everyone’s e-mail and phone, never emergency contacts', async () => {
    for (const role of ['director', 'admin']) {
      const page = await directoryOf(role)
      for (const person of [clarinet, flute]) {
        expect(cardOf(page, person), `${role}: ${person.name}`).toContain(person.email)
        expect(cardOf(page, person), `${role}: ${person.name}`).toContain(person.phone)
      }
      for (const person of [clarinet, hiddenClarinet, flute, hiddenFlute]) {
        expect(page.html, role).not.toContain(person.emergency)
        expect(page.html, role).not.toContain(person.emergencyPhone)
      }
      for (const hidden of [hiddenClarinet, hiddenFlute]) expect(cardOf(page, hidden), `${role}: ${hidden.name}`).toBe('')
    }
    // A librarian is a member like any other here.
    const librarian = await directoryOf('librarian')
    expect(cardOf(librarian, clarinet)).not.toContain(clarinet.email)
    expect(librarian.html).not.toContain(clarinet.emergency)
  })

  it('finds members by name, treats wildcards as letters, and says when nobody matches', async () => {
    const surname = flute.name.split(' ').slice(1).join(' ')
    const found = await directoryOf('musician', `?q=${encodeURIComponent(surname.slice(0, 4).toLowerCase())}`)
    expect(cardOf(found, flute)).not.toBe('')
    expect(cardOf(found, clarinet)).toBe('')
    expect(found.html).toContain(`value="${surname.slice(0, 4).toLowerCase()}"`)
    const full = await directoryOf('musician', `?q=${encodeURIComponent(flute.name)}`)
    expect(cardOf(full, flute)).not.toBe('')
    for (const query of ['%', '_', 'zzzz-nobody']) {
      const none = await directoryOf('musician', `?q=${encodeURIComponent(query)}`)
      expect(none.text, query).toContain(`Nobody listed matches “${query}”`)
    }
    // A hidden member cannot be found by name either.
    const hidden = await directoryOf('musician', `?q=${encodeURIComponent(hiddenFlute.name)}`)
    expect(cardOf(hidden, hiddenFlute)).toBe('')
    // A nonsense cursor starts at the top instead of failing.
    expect((await directoryOf('musician', '?after=not-a-cursor')).html).toContain('id="section-clarinets"')
  })

  it('follows a member’s own choices as soon as they save them', async () => {
    const db = server.runtime.db
    const { member_id: memberId } = await db.selectFrom('users').select('member_id').where('email', '=', 'musician@example.org').executeTakeFirstOrThrow()
    const { email, phone } = await db.selectFrom('members').select(['email', 'phone']).where('id', '=', memberId ?? '').executeTakeFirstOrThrow()
    const saved = await (browsers.musician as BrowserSession).post('/portal/profile', { email: email ?? '', phone: phone ?? '', directoryListed: 'on', directoryShowPhone: 'on' })
    expect(saved.status, saved.errors.join(' ')).toBe(302)
    const me: Person = { id: memberId ?? '', name: 'Max Musician', email: email ?? '', phone: phone ?? '', emergency: '', emergencyPhone: '' }
    const seen = await directoryOf('librarian')
    expect(cardOf(seen, me)).toContain(me.phone)
    expect(cardOf(seen, me)).not.toContain(me.email)
    expect((await (browsers.musician as BrowserSession).post('/portal/profile', { email: email ?? '', phone: phone ?? '' })).status).toBe(302)
    expect(cardOf(await directoryOf('librarian'), me)).toBe('')
    // Their section leader still sees them, marked as not listed.
    expect(cardOf(await directoryOf('leader'), me)).toContain('Not listed in the directory')
  })

  it('sends an anonymous visitor to sign in', async () => {
    const page = await new BrowserSession(server.url).get('/portal/directory')
    expect(page.status).toBe(302)
    expect(page.location).toBe('/login?redirectTo=%2Fportal%2Fdirectory')
  })
})

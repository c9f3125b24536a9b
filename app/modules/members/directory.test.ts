import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Grants } from '#app/modules/identity/permissions.ts'
import { resolveMemberDataKeys } from '#app/platform/config.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { decodeCursor, type DirectoryCursor, encodeCursor, listDirectory } from './directory.server.ts'
import { leadsSection, shownContacts, visibilityOf } from './directory-visibility.ts'
import { sealEmergencyContacts } from './emergency-contacts.server.ts'

const keys = resolveMemberDataKeys({ memberDataKey: randomBytes(32), memberDataKeyPrevious: undefined }, 'directory-test-secret-0123456789abcdef')
const musician: Grants = { roles: ['musician'], permissions: ['directory.view'], sections: {} }

let database: TestDatabase
let winds: string
let brass: string
const leaderOf = (sectionId: string): Grants => ({ roles: ['musician', 'section_leader'], permissions: ['directory.view'], sections: { [sectionId]: ['member.view.section', 'attendance.mark.section'] } })
// The director holds the section leader's permissions band-wide, not for a section.
const director: Grants = { roles: ['director'], permissions: ['directory.view', 'member.view.all', 'member.view.section'], sections: {} }

beforeAll(async () => {
  database = await createTestDatabase()
  const db = database.db
  winds = (await db.insertInto('sections').values({ name: 'Winds', slug: 'winds', sort_order: 1 }).returning('id').executeTakeFirstOrThrow()).id
  brass = (await db.insertInto('sections').values({ name: 'Brass', slug: 'brass', sort_order: 2 }).returning('id').executeTakeFirstOrThrow()).id
  const flute = (await db.insertInto('instruments').values({ name: 'Flute', family: 'woodwind', section_id: winds }).returning('id').executeTakeFirstOrThrow()).id
  const horn = (await db.insertInto('instruments').values({ name: 'Horn', family: 'brass', section_id: brass }).returning('id').executeTakeFirstOrThrow()).id
  const add = async (first: string, last: string, instrument: string | null, extra: Record<string, unknown> = {}) => {
    const { id } = await db
      .insertInto('members')
      .values({ first_name: first, last_name: last, email: `${first.toLowerCase()}@example.net`, phone: `07700 9${String(first.length).padStart(5, '0')}`, ...extra })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (instrument) await db.insertInto('member_instruments').values({ member_id: id, instrument_id: instrument, is_primary: true, chair: 1 }).execute()
    await db.updateTable('members').set({ emergency_contacts_sealed: sealEmergencyContacts([{ name: `Kin of ${first}`, relationship: null, phone: '07700 900000' }], keys, id) }).where('id', '=', id).execute()
    return id
  }
  await add('Ada', 'Zeller', flute)
  await add('Bea', 'Young', flute, { directory_listed: false })
  await add('Cal', 'Abbott', flute, { directory_show_email: true })
  await add('Dee', 'Moss', horn)
  await add('Eli', 'Moss', horn, { preferred_name: 'Sunny' })
  await add('Fox', 'Alder', null)
  await add('Gil', 'Old', horn, { status: 'alumni' })
  await add('Hal', 'Gone', horn, { deleted_at: new Date() })
  await add('Ivy', 'Guest', horn, { kind: 'guest' })
}, 60_000)
afterAll(() => database?.drop())

const names = (page: Awaited<ReturnType<typeof listDirectory>>) => page.sections.flatMap((section) => section.entries.map((entry) => entry.name))

describe('listDirectory', () => {
  it('lists active members by section order then surname, members without a section last', async () => {
    const page = await listDirectory(database.db, { grants: musician, keys, limit: 50 })
    expect(page.sections.map((section) => section.name)).toEqual(['Winds', 'Brass', 'No section yet'])
    expect(names(page)).toEqual(['Cal Abbott', 'Ada Zeller', 'Dee Moss', 'Eli Moss', 'Fox Alder'])
    expect(page.next).toBeNull()
  })

  it('pages by keyset without losing or repeating anyone', async () => {
    const seen: string[] = []
    let after: DirectoryCursor | undefined
    for (let pages = 0; pages < 10; pages++) {
      const page = await listDirectory(database.db, { grants: musician, keys, limit: 2, after })
      seen.push(...names(page))
      if (!page.next) break
      // Through the URL and back, as the page's link carries it.
      after = decodeCursor(encodeCursor(page.next))
      expect(after).toEqual(page.next)
    }
    expect(seen).toEqual(['Cal Abbott', 'Ada Zeller', 'Dee Moss', 'Eli Moss', 'Fox Alder'])
    expect(decodeCursor('bm9uc2Vuc2U')).toBeUndefined()
    expect(decodeCursor(Buffer.from(JSON.stringify([1, 'Winds', 'a', 'b', "x'; drop table members"])).toString('base64url'))).toBeUndefined()
  })

  it('keeps each section together when two share a sort order', async () => {
    const fresh = await createTestDatabase()
    try {
      const [one, two] = await Promise.all(
        ['Strings', 'Keys'].map(async (name) => (await fresh.db.insertInto('sections').values({ name, slug: name.toLowerCase(), sort_order: 5 }).returning('id').executeTakeFirstOrThrow()).id),
      )
      for (const [index, sectionId] of [one, two, one, two].entries()) {
        const instrument = (await fresh.db.insertInto('instruments').values({ name: `Instrument ${index}`, family: 'other', section_id: sectionId ?? null }).returning('id').executeTakeFirstOrThrow()).id
        const { id } = await fresh.db.insertInto('members').values({ first_name: 'P', last_name: `Person ${index}` }).returning('id').executeTakeFirstOrThrow()
        await fresh.db.insertInto('member_instruments').values({ member_id: id, instrument_id: instrument, is_primary: true }).execute()
      }
      const page = await listDirectory(fresh.db, { grants: musician, keys, limit: 50 })
      expect(page.sections.map((section) => [section.name, section.entries.map((entry) => entry.name)])).toEqual([
        ['Keys', ['P Person 1', 'P Person 3']],
        ['Strings', ['P Person 0', 'P Person 2']],
      ])
    } finally {
      await fresh.drop()
    }
  })

  it('finds by first name, surname, preferred name or full name', async () => {
    for (const [search, expected] of [['moss', ['Dee Moss', 'Eli Moss']], ['sunny', ['Eli Moss']], ['Ada Zel', ['Ada Zeller']], ['Sunny Moss', ['Eli Moss']], ['%', []], ['young', []]] as const) {
      expect(names(await listDirectory(database.db, { grants: musician, keys, limit: 50, search })), search).toEqual(expected)
    }
  })

  it('opens emergency contacts for the section’s own leader only; shows that leader the unlisted members of it', async () => {
    const forLeader = await listDirectory(database.db, { grants: leaderOf(winds), keys, limit: 50 })
    const winds_ = forLeader.sections.find((section) => section.name === 'Winds')?.entries ?? []
    expect(winds_.map((entry) => entry.name)).toEqual(['Cal Abbott', 'Bea Young', 'Ada Zeller'])
    expect(winds_.find((entry) => entry.name === 'Bea Young')).toMatchObject({ listed: false, email: 'bea@example.net', emergency: { ok: true, contacts: [{ name: 'Kin of Bea' }] } })
    const brass_ = forLeader.sections.find((section) => section.name === 'Brass')?.entries ?? []
    expect(brass_.length).toBe(2)
    for (const entry of brass_) {
      expect(entry).toMatchObject({ email: null, phone: null })
      expect(entry.emergency).toBeUndefined()
    }

    const forDirector = await listDirectory(database.db, { grants: director, keys, limit: 50 })
    for (const entry of forDirector.sections.flatMap((section) => section.entries)) {
      expect(entry.email, entry.name).not.toBeNull()
      expect(entry.emergency, entry.name).toBeUndefined()
    }
    expect(names(forDirector)).not.toContain('Bea Young')
    const forMusician = await listDirectory(database.db, { grants: musician, keys, limit: 50 })
    for (const entry of forMusician.sections.flatMap((section) => section.entries)) {
      expect(entry.emergency).toBeUndefined()
      expect(entry.phone).toBeNull()
      expect(entry.email).toBe(entry.name === 'Cal Abbott' ? 'cal@example.net' : null)
    }
  })
})

describe('who sees what', () => {
  it('gives emergency contacts to a leader of that section only, never for a band-wide grant', () => {
    expect(leadsSection(leaderOf('s1'), 's1')).toBe(true)
    expect(leadsSection(leaderOf('s1'), 's2')).toBe(false)
    expect(leadsSection(leaderOf('s1'), null)).toBe(false)
    expect(leadsSection(director, 's1')).toBe(false)
    expect(visibilityOf(director, 's1')).toEqual({ contactDetails: true, emergencyContacts: false })
    expect(visibilityOf(musician, 's1')).toEqual({ contactDetails: false, emergencyContacts: false })
    const directorLeadingS1: Grants = { ...director, sections: { s1: ['member.view.section'] } }
    expect(visibilityOf(directorLeadingS1, 's1')).toEqual({ contactDetails: true, emergencyContacts: true })
    expect(visibilityOf(directorLeadingS1, 's2')).toEqual({ contactDetails: true, emergencyContacts: false })
    const member = { sectionId: 's1', email: 'a@example.net', phone: '1', showEmail: false, showPhone: true }
    expect(shownContacts(musician, member)).toEqual({ email: null, phone: '1', emergency: false })
    expect(shownContacts(leaderOf('s2'), member)).toEqual({ email: null, phone: '1', emergency: false })
    expect(shownContacts(leaderOf('s1'), member)).toEqual({ email: 'a@example.net', phone: '1', emergency: true })
  })
})

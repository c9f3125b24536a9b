import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { buildDemoBand, DEMO_BAND_TABLES, type DemoBand } from './demo-band.ts'
import { isDatabaseEmpty, seedDemoBand } from './seed.server.ts'

const WINTER_DAY = new Date('2027-01-19T10:00:00Z')
const SUMMER_DAY = new Date('2026-07-04T21:30:00Z')

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

const asDate = (value: Date | string | null | undefined): Date => new Date(value ?? Number.NaN)

function instrumentIdNamed(band: DemoBand, name: string): string | undefined {
  return band.instruments.find((instrument) => instrument.name === name)?.id
}

function playerByEmail(band: DemoBand, email: string) {
  const member = band.members.find((m) => m.email === email)
  const plays = band.member_instruments.filter((mi) => mi.member_id === member?.id)
  return { member, plays }
}

describe('buildDemoBand', () => {
  const band = buildDemoBand({ today: WINTER_DAY })

  it('gives the same rows for the same day', () => {
    expect(buildDemoBand({ today: new Date(WINTER_DAY) })).toEqual(band)
  })

  it('keeps the library, the sections and the players whatever the date', () => {
    const later = buildDemoBand({ today: SUMMER_DAY })
    for (const table of ['sections', 'instruments', 'instrument_aliases', 'people', 'pieces', 'parts', 'venues'] as const) {
      expect(later[table], table).toEqual(band[table])
    }
    expect(later.members.map((m) => m.id)).toEqual(band.members.map((m) => m.id))
    expect(later.member_instruments).toEqual(band.member_instruments)
    expect(later.pages.map((p) => p.id)).toEqual(band.pages.map((p) => p.id))
    expect(later.posts.map((p) => p.id).toSorted()).toEqual(band.posts.map((p) => p.id).toSorted())
  })

  it('has the six sections in score order', () => {
    expect(band.sections.map((s) => [s.name, s.slug])).toEqual([
      ['Flutes & Double Reeds', 'flutes-and-double-reeds'],
      ['Clarinets', 'clarinets'],
      ['Saxophones', 'saxophones'],
      ['Trumpets & Horns', 'trumpets-and-horns'],
      ['Low Brass', 'low-brass'],
      ['Percussion', 'percussion'],
    ])
    const sectionIds = new Set(band.sections.map((s) => s.id))
    // Every instrument sits in a section, except the score: nobody plays it.
    const unseated = band.instruments.filter((i) => !(i.section_id && sectionIds.has(i.section_id))).map((i) => i.name)
    expect(unseated).toEqual(['Score'])
  })

  it('gives every instrument a few aliases, none used twice', () => {
    const aliases = band.instrument_aliases.map((a) => a.alias.toLowerCase())
    expect(new Set(aliases).size).toBe(aliases.length)
    for (const instrument of band.instruments) {
      const count = band.instrument_aliases.filter((a) => a.instrument_id === instrument.id).length
      expect(count, instrument.name).toBeGreaterThanOrEqual(2)
      expect(count, instrument.name).toBeLessThanOrEqual(5)
    }
  })

  it('has about sixty members with unique emails and one primary instrument each', () => {
    expect(band.members.length).toBeGreaterThanOrEqual(55)
    expect(band.members.length).toBeLessThanOrEqual(65)
    const emails = band.members.map((m) => m.email?.toLowerCase())
    expect(new Set(emails).size).toBe(emails.length)
    for (const member of band.members) {
      const primaries = band.member_instruments.filter((mi) => mi.member_id === member.id && mi.is_primary)
      expect(primaries.length, member.last_name).toBeLessThanOrEqual(1)
    }
    const statuses = new Set(band.members.map((m) => m.status))
    expect([...statuses].toSorted()).toEqual(['active', 'alumni', 'inactive', 'on_leave'])
  })

  it('seats the demo accounts where DESIGN.md says', () => {
    const clarinet = instrumentIdNamed(band, 'Clarinet in B♭')
    const leader = playerByEmail(band, 'leader@example.org')
    expect(leader.member).toMatchObject({ first_name: 'Lee', last_name: 'Leader', status: 'active' })
    expect(leader.plays).toContainEqual(expect.objectContaining({ instrument_id: clarinet, is_primary: true, chair: 1 }))
    const musician = playerByEmail(band, 'musician@example.org')
    expect(musician.member).toMatchObject({ first_name: 'Max', last_name: 'Musician' })
    expect(musician.plays).toContainEqual(expect.objectContaining({ instrument_id: clarinet, is_primary: true, chair: 2 }))
    const librarian = playerByEmail(band, 'librarian@example.org')
    expect(librarian.plays).toContainEqual(
      expect.objectContaining({ instrument_id: instrumentIdNamed(band, 'Flute'), is_primary: true, chair: 3 }),
    )
    expect(playerByEmail(band, 'director@example.org').member).toBeDefined()
    expect(playerByEmail(band, 'admin@example.org').member).toBeUndefined()
    expect(playerByEmail(band, 'superadmin@example.org').member).toBeUndefined()
  })

  it('has about 300 pieces with unique catalogue numbers and half-step grades', () => {
    expect(band.pieces.length).toBeGreaterThanOrEqual(280)
    expect(band.pieces.length).toBeLessThanOrEqual(320)
    const numbers = band.pieces.map((p) => p.library_number)
    expect(new Set(numbers).size).toBe(numbers.length)
    const titles = band.pieces.map((p) => p.title.toLowerCase())
    expect(new Set(titles).size).toBe(titles.length)
    for (const piece of band.pieces) {
      const grade = Number(piece.grade)
      expect(grade * 2, piece.title).toBe(Math.round(grade * 2))
      expect(grade).toBeGreaterThanOrEqual(1)
      expect(grade).toBeLessThanOrEqual(6)
      expect(piece.title).not.toMatch(/lorem|piece \d/i)
    }
  })

  it('gives every piece a full set of parts with unique labels', () => {
    const byPiece = Map.groupBy(band.parts, (part) => part.piece_id)
    for (const piece of band.pieces) {
      const labels = (byPiece.get(piece.id ?? '') ?? []).map((part) => part.label)
      expect(labels.length, piece.title).toBeGreaterThanOrEqual(15)
      expect(new Set(labels).size, piece.title).toBe(labels.length)
    }
  })

  it('lays out a season around today: past events and at least three upcoming public concerts', () => {
    for (const today of [WINTER_DAY, SUMMER_DAY, new Date('2026-12-23T12:00:00Z')]) {
      const season = buildDemoBand({ today })
      const concerts = season.events.filter((e) => e.kind === 'concert')
      const upcoming = concerts.filter((e) => e.is_public && asDate(e.starts_at) > today)
      expect(upcoming.length, today.toISOString()).toBeGreaterThanOrEqual(3)
      expect(season.events.some((e) => asDate(e.starts_at) < today)).toBe(true)
      expect(concerts.every((c) => asDate(c.call_time).getTime() === asDate(c.starts_at).getTime() - 3_600_000)).toBe(true)
      for (const concert of concerts) {
        const items = season.set_list_items.filter((i) => i.event_id === concert.id)
        expect(items.length, concert.slug ?? '').toBeGreaterThanOrEqual(5)
        expect(items.length, concert.slug ?? '').toBeLessThanOrEqual(8)
        expect(items.map((i) => i.position)).toEqual(items.map((_, index) => index + 1))
      }
      const slugs = concerts.map((c) => c.slug)
      expect(new Set(slugs).size).toBe(slugs.length)
      expect(season.events.filter((e) => e.kind === 'sectional').every((e) => e.section_id)).toBe(true)
      expect(season.events.some((e) => e.kind === 'other' && e.title === 'Summer picnic')).toBe(true)
    }
  })

  it('starts rehearsals at 19:30 on the clock in London, winter and summer', () => {
    const rehearsals = band.events.filter((e) => e.kind === 'rehearsal')
    expect(rehearsals.length).toBeGreaterThanOrEqual(30)
    expect(new Set(rehearsals.map((r) => londonClock.format(asDate(r.starts_at))))).toEqual(new Set(['19:30']))
    // 19:30 GMT in winter, 18:30 UTC under British Summer Time.
    expect(new Set(rehearsals.map((r) => asDate(r.starts_at).getUTCHours()))).toEqual(new Set([18, 19]))
    expect(rehearsals.every((r) => asDate(r.starts_at).getUTCDay() === 2)).toBe(true)
  })

  it('keeps the rehearsals as one weekly series, with the Christmas break as its exceptions', () => {
    const [series] = band.event_series
    expect(band.event_series).toHaveLength(1)
    expect(series).toMatchObject({ weekday: 2, start_time: '19:30', end_time: '21:30' })
    const rehearsals = band.events.filter((e) => e.kind === 'rehearsal')
    expect(rehearsals.every((r) => r.series_id === series?.id && r.series_date)).toBe(true)
    expect(band.event_series_exceptions.map((x) => x.on_date)).toEqual(['2026-12-22', '2026-12-29'])
    const cancelled = rehearsals.filter((r) => r.status === 'cancelled')
    expect(cancelled).toHaveLength(1)
    expect(cancelled[0]).toMatchObject({ series_detached: true, cancel_reason: expect.stringMatching(/polling station/) })
  })

  it('has answers, absences, past attendance and status histories', () => {
    const past = new Set(band.events.filter((e) => asDate(e.ends_at) < WINTER_DAY).map((e) => e.id))
    const upcoming = new Set(band.events.filter((e) => asDate(e.starts_at) > WINTER_DAY).map((e) => e.id))
    expect(band.rsvps.filter((r) => past.has(r.event_id)).length).toBeGreaterThan(500)
    expect(band.rsvps.filter((r) => upcoming.has(r.event_id)).length).toBeGreaterThan(30)
    expect(new Set(band.rsvps.map((r) => r.answer))).toEqual(new Set(['going', 'not_going', 'maybe']))
    // The demo musician's upcoming answers are left for whoever tries the demo.
    const max = band.members.find((m) => m.email === 'musician@example.org')?.id
    expect(band.rsvps.some((r) => r.member_id === max && upcoming.has(r.event_id))).toBe(false)
    expect(band.attendance.length).toBeGreaterThan(500)
    expect(band.attendance.every((a) => past.has(a.event_id))).toBe(true)
    expect(new Set(band.attendance.map((a) => a.status))).toEqual(new Set(['present', 'late', 'excused', 'absent']))
    expect(band.absences.length).toBeGreaterThanOrEqual(4)
    expect(band.members.filter((m) => m.kind === 'guest' || m.kind === 'substitute')).toHaveLength(2)
    const onLeave = band.members.filter((m) => m.status === 'on_leave').map((m) => m.id)
    for (const id of onLeave) {
      expect(band.member_status_changes.filter((c) => c.member_id === id).map((c) => c.status)).toEqual(['active', 'on_leave'])
    }
  })

  it('publishes the website pages and news relative to today', () => {
    expect(band.pages.map((p) => p.slug)).toEqual(expect.arrayContaining(['about', 'join-us', 'rehearsals']))
    const published = band.posts.filter((p) => p.status === 'published')
    expect(published.length).toBeGreaterThanOrEqual(7)
    expect(published.every((p) => asDate(p.published_at) < WINTER_DAY)).toBe(true)
    expect(band.posts.filter((p) => p.status === 'draft')).toHaveLength(1)
    expect(band.settings.find((s) => s.key === 'band.name')?.value).toBe(JSON.stringify('Riverside Community Band'))
  })
})

describe('seedDemoBand', () => {
  let database: TestDatabase

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.drop())

  it('adds the whole band in one go, then refuses to add it again', async () => {
    expect(await isDatabaseEmpty(database.db)).toBe(true)

    const started = performance.now()
    const summary = await seedDemoBand(database.db, { today: WINTER_DAY, chainKey: 'demo-seed-test-chain-key-0123456789abcdef' })
    console.info(`demo seed on ${database.kind}: ${Math.round(performance.now() - started)} ms`)

    for (const table of DEMO_BAND_TABLES) {
      const { count } = await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow()
      expect(Number(count), table).toBe(summary[table])
    }
    expect(summary.pieces).toBe(buildDemoBand({ today: WINTER_DAY }).pieces.length)
    // The planner knows the rows are there (the seed analyzes what it added).
    const { rows: statistics } = await sql<{ tuples: number }>`select reltuples::int as tuples from pg_class where relname = 'parts'`.execute(database.db)
    expect(statistics[0]?.tuples).toBeGreaterThan(1000)

    // Postgres itself agrees that rehearsals start at 19:30 in London.
    const { rows } = await sql<{ clock: string }>`
      select distinct to_char(starts_at at time zone 'Europe/London', 'HH24:MI') as clock
      from events where kind = 'rehearsal'
    `.execute(database.db)
    expect(rows).toEqual([{ clock: '19:30' }])

    await expect(seedDemoBand(database.db, { today: WINTER_DAY, chainKey: 'demo-seed-test-chain-key-0123456789abcdef' })).rejects.toThrow(/only added to an empty database/)
    expect(await isDatabaseEmpty(database.db)).toBe(false)
    const { count } = await database.db
      .selectFrom('members')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow()
    expect(Number(count)).toBe(summary.members)
  })
})

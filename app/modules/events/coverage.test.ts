import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { addEvent, addPieceToSetList, addTinyBand, answer, type TinyBand } from '#tests/setup/band-fixtures.ts'
import { bandDate } from './attendance-schema.ts'
import { getEventCoverage, listUpcomingCoverage } from './coverage.server.ts'

// Coverage (members-and-events issue, item 8), on PostgreSQL and on PGlite:
// one tiny band for the file, an event per test (the roll is every active member).

const TZ = 'Europe/London'
let database: TestDatabase
let band: TinyBand
beforeAll(async () => {
  database = await createTestDatabase()
  band = await addTinyBand(database.db)
})
afterAll(() => database?.drop())

async function concertWithMarch(daysFromNow = 10) {
  const { db } = database
  const concert = await addEvent(db, { daysFromNow, kind: 'concert' })
  const { flute, oboe, clarinet } = band.instruments
  await addPieceToSetList(db, concert.id, {
    title: 'Test March',
    position: 1,
    parts: [
      { label: 'Flute 1', instrumentId: flute.id },
      { label: 'Oboe', instrumentId: oboe.id },
      { label: 'Clarinet 1', instrumentId: clarinet.id },
      { label: 'Clarinet 2', instrumentId: clarinet.id },
    ],
  })
  return concert
}

describe('the coverage of one event', () => {
  it('warns "Oboe: nobody" when the only oboist is not going, and names who covers the other parts', async () => {
    const { db } = database
    const concert = await concertWithMarch()
    const { fiona, olive, clara, carl } = band.members
    await answer(db, concert.id, [
      [fiona.id, 'going'],
      [olive.id, 'not_going'],
      [clara.id, 'going'],
      [carl.id, 'maybe'],
    ])
    const coverage = await getEventCoverage(db, concert.id, TZ)
    expect(coverage.warnings.map((warning) => warning.text)).toEqual(['Oboe: nobody'])
    const parts = coverage.pieces[0]?.parts ?? []
    expect(parts.map((part) => [part.label, part.state])).toEqual([
      ['Flute 1', 'covered'],
      ['Oboe', 'nobody'],
      ['Clarinet 1', 'covered'],
      ['Clarinet 2', 'covered'],
    ])
    expect(parts[0]?.going).toEqual([fiona.name])
    expect(parts[2]).toMatchObject({ going: [clara.name], maybe: [carl.name] })

    expect(coverage.totals).toEqual({ going: 2, not_going: 1, maybe: 1, none: 1 })
    const [woodwinds, clarinets] = coverage.sections
    expect(woodwinds?.sectionName).toBe(band.sections.woodwinds.name)
    expect(woodwinds?.counts).toEqual({ going: 1, not_going: 1, maybe: 0, none: 0 })
    expect(clarinets?.counts).toEqual({ going: 1, not_going: 0, maybe: 1, none: 1 })
    expect(clarinets?.players.map((player) => player.name)).toEqual([clara.name, carl.name, band.members.dora.name])
  })

  it('says "only maybe" where only maybes play a part, and counts a secondary instrument', async () => {
    const { db } = database
    const concert = await concertWithMarch()
    const { fiona, olive, clara, carl, dora } = band.members
    await answer(db, concert.id, [
      [fiona.id, 'not_going'],
      [olive.id, 'maybe'],
      [clara.id, 'not_going'],
      [carl.id, 'maybe'],
      [dora.id, 'going'],
    ])
    const coverage = await getEventCoverage(db, concert.id, TZ)
    // Dora's second instrument, the flute, covers Flute 1; she covers the clarinet parts too.
    expect(coverage.warnings.map((warning) => warning.text)).toEqual(['Oboe: only maybe'])
    expect(coverage.pieces[0]?.parts[0]?.going).toEqual([dora.name])
  })

  it('takes an absence as "not going" (away) from the roll, and an answer over it', async () => {
    const { db } = database
    const concert = await concertWithMarch()
    const { fiona, olive } = band.members
    const date = bandDate(concert.starts_at, TZ)
    await db.insertInto('absences').values({ member_id: olive.id, starts_on: date, ends_on: date, reason: 'Holiday' }).execute()
    await db.insertInto('absences').values({ member_id: fiona.id, starts_on: date, ends_on: date }).execute()
    await answer(db, concert.id, [[fiona.id, 'going']])
    const coverage = await getEventCoverage(db, concert.id, TZ)
    const players = coverage.sections[0]?.players ?? []
    expect(players.find((player) => player.memberId === olive.id)).toMatchObject({ away: true, effectiveAnswer: 'not_going', awayReason: 'Holiday' })
    expect(players.find((player) => player.memberId === fiona.id)).toMatchObject({ away: true, effectiveAnswer: 'going' })
    expect(coverage.warnings.map((warning) => warning.text)).toContain('Oboe: nobody')
  })

  it('has no parts and no warnings without a set list', async () => {
    const event = await addEvent(database.db, { daysFromNow: 5 })
    const coverage = await getEventCoverage(database.db, event.id, TZ)
    expect(coverage.pieces).toEqual([])
    expect(coverage.warnings).toEqual([])
    expect(coverage.totals.none).toBe(5)
  })
})

describe('the overview of coming events', () => {
  it('counts answers and uncovered parts per event, soonest first, without cancelled or later events', async () => {
    const { db } = database
    const now = new Date(Date.now() + 200 * 24 * 60 * 60 * 1000)
    const until = new Date(now.getTime() + 56 * 24 * 60 * 60 * 1000)
    const later = await concertWithMarch(220)
    const sooner = await concertWithMarch(205)
    await addEvent(db, { daysFromNow: 206, status: 'cancelled' })
    await concertWithMarch(300)
    await answer(db, later.id, [
      [band.members.olive.id, 'going'],
      [band.members.clara.id, 'going'],
      [band.members.fiona.id, 'maybe'],
    ])
    const events = await listUpcomingCoverage(db, { now, until, timeZone: TZ, limit: 10 })
    expect(events.map((event) => event.id)).toEqual([sooner.id, later.id])
    expect(events[0]).toMatchObject({ counts: { going: 0, not_going: 0, maybe: 0, none: 5 }, parts: 4, uncovered: 4 })
    expect(events[1]).toMatchObject({ counts: { going: 2, not_going: 0, maybe: 1, none: 2 }, parts: 4, uncovered: 0, onlyMaybe: 1 })
  })
})

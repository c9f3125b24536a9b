import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memberId } from '#db/seed/roster.ts'
import { sectionId } from '#db/seed/instruments.ts'
import { seedDemoBand } from '#db/seed/seed.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { countAnswers, effectiveAnswer, getEventRoll } from './roll.server.ts'

const TODAY = new Date('2027-01-19T10:00:00Z')
const ZONE = 'Europe/London'

describe('the roll of an event', () => {
  let database: TestDatabase

  beforeAll(async () => {
    database = await createTestDatabase()
    await seedDemoBand(database.db, { today: TODAY, chainKey: 'roll-test-chain-key-0123456789abcdef0123' })
  })
  afterAll(() => database.drop())

  const nextEvent = (kind: 'rehearsal' | 'concert' | 'sectional', offset = 0) =>
    database.db
      .selectFrom('events')
      .select(['id', 'starts_at', 'section_id'])
      .where('kind', '=', kind)
      .where('status', '=', 'scheduled')
      .where('starts_at', '>', TODAY)
      .orderBy('starts_at')
      .offset(offset)
      .limit(1)
      .executeTakeFirstOrThrow()

  it('expects the active players of the whole band, not those on leave, inactive or alumni', async () => {
    const rehearsal = await nextEvent('rehearsal')
    const roll = await getEventRoll(database.db, rehearsal.id, ZONE)
    const ids = new Set(roll.map((entry) => entry.memberId))
    expect(ids.has(memberId('Max', 'Musician'))).toBe(true)
    expect(ids.has(memberId('Margaret', 'Ellis'))).toBe(false) // on leave
    expect(ids.has(memberId('Dorothy', 'Pike'))).toBe(false) // alumni
    expect(ids.has(memberId('Peter', 'Lawson'))).toBe(false) // inactive
    // The guest plays this term; the substitute only the concert she was booked for.
    expect(ids.has(memberId('Tariq', 'Hussain'))).toBe(true)
    expect(ids.has(memberId('Nina', 'Castellano'))).toBe(false)
    const max = roll.find((entry) => entry.memberId === memberId('Max', 'Musician'))
    expect(max).toMatchObject({ sectionName: 'Clarinets', instrumentName: 'Clarinet in B♭', chair: 2, answer: null })
  })

  it('expects only its own section at a sectional', async () => {
    const sectional = await nextEvent('sectional')
    const roll = await getEventRoll(database.db, sectional.id, ZONE)
    expect(roll.length).toBeGreaterThan(2)
    expect(new Set(roll.map((entry) => entry.sectionId))).toEqual(new Set([sectional.section_id]))
  })

  it('answers "not going" for an absence unless the member answered, and the answer given wins', async () => {
    const rehearsal = await nextEvent('rehearsal')
    const owen = memberId('Owen', 'Pritchard') // away for the next rehearsal in the demo band
    let roll = await getEventRoll(database.db, rehearsal.id, ZONE)
    expect(roll.find((entry) => entry.memberId === owen)).toMatchObject({
      answer: null,
      away: true,
      awayReason: 'Working nights this week',
      effectiveAnswer: 'not_going',
    })

    await database.db.insertInto('rsvps').values({ event_id: rehearsal.id, member_id: owen, answer: 'maybe' }).execute()
    roll = await getEventRoll(database.db, rehearsal.id, ZONE)
    expect(roll.find((entry) => entry.memberId === owen)).toMatchObject({ away: true, effectiveAnswer: 'maybe' })
    await database.db.deleteFrom('rsvps').where('event_id', '=', rehearsal.id).where('member_id', '=', owen).execute()
  })

  it('counts effective answers, with no answer as none', async () => {
    const concert = await nextEvent('concert')
    const roll = await getEventRoll(database.db, concert.id, ZONE)
    const counts = countAnswers(roll)
    expect(counts.going + counts.not_going + counts.maybe + counts.none).toBe(roll.length)
    expect(counts.going).toBeGreaterThan(10)
    // The band's only oboist sent her apologies for the first concert.
    expect(roll.find((entry) => entry.memberId === memberId('Eleanor', 'Hughes'))?.effectiveAnswer).toBe('not_going')
    expect(roll.filter((entry) => entry.sectionId === sectionId('Clarinets')).length).toBeGreaterThan(8)
  })

  it('brings in a substitute only for the event she is engaged for', async () => {
    const second = await nextEvent('concert', 1)
    const roll = await getEventRoll(database.db, second.id, ZONE)
    expect(roll.some((entry) => entry.memberId === memberId('Nina', 'Castellano') && entry.kind === 'substitute')).toBe(true)
  })

  it('combines an answer and an absence', () => {
    expect(effectiveAnswer(null, false)).toBeNull()
    expect(effectiveAnswer(null, true)).toBe('not_going')
    expect(effectiveAnswer('going', true)).toBe('going')
  })
})

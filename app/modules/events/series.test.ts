import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memberContext } from '#app/modules/audit/audit-test-helpers.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { updateEvent } from './events.server.ts'
import { seriesFormSchema } from './schedule-schema.ts'
import { addSeriesException, createSeries, getSeries, removeSeriesException, updateSeries } from './series.server.ts'

// Recurring series on the real database (PostgreSQL with DATABASE_URL, else
// PGlite): one event per date, 19:30 local across the end of summer time,
// exceptions, and edits that leave past and hand-changed dates alone.

const LONDON = 'Europe/London'
let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

const audit = memberContext('Dana Director')
const schema = seriesFormSchema(LONDON)

function form(overrides: Record<string, unknown> = {}) {
  const parsed = schema.safeParse({
    kind: 'rehearsal',
    title: 'Tuesday rehearsal',
    weekday: 2,
    startTime: '19:30',
    endTime: '21:30',
    callMinutesBefore: 15,
    startsOn: '2026-10-13',
    endsOn: '2026-11-10',
    ...overrides,
  })
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues))
  return parsed.data
}

async function eventsOf(seriesId: string) {
  return database.db
    .selectFrom('events')
    .select(['id', 'series_date', 'starts_at', 'ends_at', 'call_time', 'status', 'cancel_reason', 'deleted_at', 'series_detached', 'title'])
    .where('series_id', '=', seriesId)
    .orderBy('series_date')
    .execute()
}

async function newSeries(overrides: Record<string, unknown> = {}) {
  const outcome = await createSeries(database.db, form(overrides), { timeZone: LONDON, audit })
  if (!outcome.ok) throw new Error(JSON.stringify(outcome))
  return outcome.id
}

describe(`a weekly series on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('keeps 19:30 local across the late-October change: 18:30Z before, 19:30Z after', async () => {
    const id = await newSeries()
    const events = await eventsOf(id)
    expect(events.map((event) => event.series_date)).toEqual(['2026-10-13', '2026-10-20', '2026-10-27', '2026-11-03', '2026-11-10'])
    expect(events.map((event) => event.starts_at.toISOString())).toEqual([
      '2026-10-13T18:30:00.000Z',
      '2026-10-20T18:30:00.000Z',
      '2026-10-27T19:30:00.000Z',
      '2026-11-03T19:30:00.000Z',
      '2026-11-10T19:30:00.000Z',
    ])
    expect(events[0]?.ends_at.toISOString()).toBe('2026-10-13T20:30:00.000Z')
    expect(events[0]?.call_time?.toISOString()).toBe('2026-10-13T18:15:00.000Z')
    const audited = await database.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_id', '=', id).execute()
    expect(audited).toEqual([{ action: 'series.create', entity_id: id }])
  })

  it('skips the dates it is told to skip, and refuses a date that is not one of its own', async () => {
    const id = await newSeries({ skipDates: '2026-10-20, 2026-11-03' })
    expect((await eventsOf(id)).map((event) => event.series_date)).toEqual(['2026-10-13', '2026-10-27', '2026-11-10'])
    const series = await getSeries(database.db, id)
    expect(series?.exceptions.map((row) => row.onDate)).toEqual(['2026-10-20', '2026-11-03'])

    const wrong = await createSeries(database.db, form({ skipDates: '2026-10-21' }), { timeZone: LONDON, audit })
    expect(wrong).toMatchObject({ ok: false, status: 400, fieldErrors: { skipDates: ['2026-10-21 is not a Tuesday of this series'] } })
  })

  it('runs for at most 400 days: the form says so, and the database refuses more too', async () => {
    const tooLong = schema.safeParse({ kind: 'rehearsal', title: 'R', weekday: 2, startTime: '19:30', endTime: '21:30', startsOn: '2026-09-01', endsOn: '2027-10-07' })
    expect(tooLong.success).toBe(false)
    expect(tooLong.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['endsOn', 'A series can run for at most 400 days; make a second series for the rest'],
    ])
    expect(schema.safeParse({ kind: 'rehearsal', title: 'R', weekday: 2, startTime: '19:30', endTime: '21:30', startsOn: '2026-09-01', endsOn: '2027-10-06' }).success).toBe(true)
    await expect(
      database.db
        .insertInto('event_series')
        .values({ kind: 'rehearsal', title: 'R', weekday: 2, start_time: '19:30', end_time: '21:30', starts_on: '2026-09-01', ends_on: '2027-10-07' })
        .execute(),
    ).rejects.toThrow(/event_series_ends_after_start/)
  })

  it('refuses a time the clocks skip on one of its dates, naming the date', () => {
    const gap = schema.safeParse({ kind: 'other', title: 'Night', weekday: 0, startTime: '01:30', endTime: '02:45', startsOn: '2027-03-21', endsOn: '2027-04-04' })
    expect(gap.error?.issues.map((issue) => issue.message)).toEqual([
      '01:30 on Sunday 28 March 2027 does not exist in the band’s time zone: the clocks go forward that night. Choose another time.',
    ])
  })

  it('an edit rewrites its future dates, but never past ones or one changed by hand', async () => {
    const id = await newSeries()
    const [past, , handChanged] = await eventsOf(id)
    if (!past || !handChanged) throw new Error('series not made')
    // One date moved by hand to 20:00: a one-off change.
    const detached = await updateEvent(
      database.db,
      handChanged.id,
      { kind: 'rehearsal', title: 'Tuesday rehearsal (late start)', date: '2026-10-27', startTime: '20:00', endTime: '22:00' },
      { timeZone: LONDON, audit },
    )
    expect(detached.ok).toBe(true)

    // "Now" is between the first two dates: the first is past.
    const now = new Date('2026-10-15T12:00:00Z')
    const edited = await updateSeries(database.db, id, form({ startTime: '19:00', endTime: '21:00', title: 'Full band' }), { timeZone: LONDON, audit, now })
    expect(edited).toMatchObject({ ok: true, counts: { updated: 3, created: 0 } })
    const after = await eventsOf(id)
    const byDate = new Map(after.map((event) => [event.series_date, event]))
    expect(byDate.get('2026-10-13')).toMatchObject({ starts_at: past.starts_at, title: 'Tuesday rehearsal' })
    expect(byDate.get('2026-10-20')).toMatchObject({ starts_at: new Date('2026-10-20T18:00:00Z'), title: 'Full band' })
    expect(byDate.get('2026-10-27')).toMatchObject({ starts_at: new Date('2026-10-27T20:00:00Z'), title: 'Tuesday rehearsal (late start)', series_detached: true })
    expect(byDate.get('2026-11-03')).toMatchObject({ starts_at: new Date('2026-11-03T19:00:00Z'), title: 'Full band' })

    // Moving the series to Wednesdays: future Tuesdays go (the hand-changed one stays), Wednesdays come.
    const moved = await updateSeries(database.db, id, form({ weekday: 3 }), { timeZone: LONDON, audit, now })
    // Wednesday 14 October is past by then: not made after the fact.
    expect(moved).toMatchObject({ ok: true, counts: { removed: 3, created: 3 } })
    const live = (await eventsOf(id)).filter((event) => !event.deleted_at).map((event) => event.series_date)
    expect(live).toEqual(['2026-10-13', '2026-10-21', '2026-10-27', '2026-10-28', '2026-11-04'])
  })

  it('an exception cancels a date members answered and removes one nobody did; taking it back restores both', async () => {
    const id = await newSeries()
    const [first, second, third] = await eventsOf(id)
    if (!first || !second || !third) throw new Error('series not made')
    const member = await database.db.insertInto('members').values({ first_name: 'Max', last_name: 'Musician' }).returning('id').executeTakeFirstOrThrow()
    await database.db.insertInto('rsvps').values({ event_id: second.id, member_id: member.id, answer: 'going' }).execute()
    const now = new Date('2026-10-01T00:00:00Z')

    expect(await addSeriesException(database.db, id, { onDate: '2026-10-20', reason: 'Hall booked for a wedding' }, { audit, now })).toMatchObject({ ok: true })
    expect(await addSeriesException(database.db, id, { onDate: '2026-10-27' }, { audit, now })).toMatchObject({ ok: true })
    let events = await eventsOf(id)
    expect(events.find((event) => event.id === second.id)).toMatchObject({ status: 'cancelled', cancel_reason: 'Hall booked for a wedding', deleted_at: null })
    expect(events.find((event) => event.id === third.id)?.deleted_at).not.toBeNull()
    expect(await database.db.selectFrom('rsvps').select('answer').where('event_id', '=', second.id).executeTakeFirst()).toEqual({ answer: 'going' })

    expect(await addSeriesException(database.db, id, { onDate: '2026-10-20' }, { audit, now })).toMatchObject({ ok: false, fieldErrors: { onDate: ['That date is already skipped'] } })
    expect(await addSeriesException(database.db, id, { onDate: '2026-10-21' }, { audit, now })).toMatchObject({ ok: false, status: 400 })
    expect(await addSeriesException(database.db, id, { onDate: '2026-10-13' }, { audit, now: new Date('2026-10-14T00:00:00Z') })).toMatchObject({
      ok: false,
      fieldErrors: { onDate: ['That date has passed: it can no longer be skipped'] },
    })

    await removeSeriesException(database.db, id, '2026-10-20', { timeZone: LONDON, audit, now })
    await removeSeriesException(database.db, id, '2026-10-27', { timeZone: LONDON, audit, now })
    events = await eventsOf(id)
    expect(events.find((event) => event.id === second.id)).toMatchObject({ status: 'scheduled', cancel_reason: null })
    expect(events.find((event) => event.id === third.id)).toMatchObject({ status: 'scheduled', deleted_at: null })
    const actions = await database.db.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('id').execute()
    expect(actions.map((row) => row.action)).toEqual(['series.create', 'series.exception_add', 'series.exception_add', 'series.exception_remove', 'series.exception_remove'])
  })
})

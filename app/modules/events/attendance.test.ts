import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { addEvent, addTinyBand, answer, testAudit, type TinyBand } from '#tests/setup/band-fixtures.ts'
import { attendanceRates, csvCell, listMarksForExport, listMemberMarks, toCsv } from './attendance-history.server.ts'
import { addMonths, type AttendanceReach, AttendanceRangeSchema, bandDate } from './attendance-schema.ts'
import { getAttendanceSheet, listRecentEvents, saveAttendance } from './attendance.server.ts'

// Attendance (members-and-events issue, item 9), on PostgreSQL and on PGlite:
// the sheet and its pre-fill, saving within reach (all or nothing), the
// history's rates and the CSV export. One tiny band for the file, events per test.

const TZ = 'Europe/London'
let database: TestDatabase
let band: TinyBand
let leaderReach: AttendanceReach
const everyone: AttendanceReach = { everyone: true }
beforeAll(async () => {
  database = await createTestDatabase()
  band = await addTinyBand(database.db)
  leaderReach = { everyone: false, sectionIds: [band.sections.clarinets.id] }
})
afterAll(() => database?.drop())

const save = (eventId: string, marks: Record<string, 'present' | 'late' | 'excused' | 'absent'>, reach: AttendanceReach, by: string) =>
  saveAttendance(database.db, { eventId, marks, reach, markedBy: by, timeZone: TZ, now: new Date(), audit: testAudit, sectionName: null })

const marksOf = (eventId: string) =>
  database.db.selectFrom('attendance').select(['member_id', 'status', 'marked_by']).where('event_id', '=', eventId).orderBy('member_id').execute()

describe('the attendance sheet', () => {
  it('shows a leader their section only, pre-filled from the RSVPs', async () => {
    const { db } = database
    const rehearsal = await addEvent(db, { daysFromNow: -1 })
    const { clara, carl, dora, fiona } = band.members
    await answer(db, rehearsal.id, [
      [clara.id, 'going'],
      [carl.id, 'maybe'],
      [fiona.id, 'going'],
    ])
    const date = bandDate(rehearsal.starts_at, TZ)
    await db.insertInto('absences').values({ member_id: dora.id, starts_on: date, ends_on: date }).execute()

    const sheet = await getAttendanceSheet(db, { eventId: rehearsal.id, timeZone: TZ, reach: leaderReach })
    // Going → present; away (not going) → excused; maybe → nothing chosen.
    expect(sheet.map((row) => [row.memberId, row.suggested, row.saved])).toEqual([
      [clara.id, 'present', null],
      [carl.id, null, null],
      [dora.id, 'excused', null],
    ])
    const all = await getAttendanceSheet(db, { eventId: rehearsal.id, timeZone: TZ, reach: everyone })
    expect(all).toHaveLength(5)
    const woodwinds = await getAttendanceSheet(db, { eventId: rehearsal.id, timeZone: TZ, reach: everyone, sectionId: band.sections.woodwinds.id })
    expect(woodwinds.map((row) => row.memberId).sort()).toEqual([band.members.fiona.id, band.members.olive.id].sort())
  })
})

describe('saving attendance', () => {
  it('saves a leader’s own section with who marked it, audited with the counts, and shows it saved', async () => {
    const { db } = database
    const rehearsal = await addEvent(db, { daysFromNow: -2 })
    const { clara, carl, dora } = band.members
    const before = await db.selectFrom('audit_log').select(db.fn.max('id').as('id')).executeTakeFirst()
    const outcome = await save(rehearsal.id, { [clara.id]: 'present', [carl.id]: 'late', [dora.id]: 'excused' }, leaderReach, band.users.leader.id)
    expect(outcome).toEqual({ ok: true, counts: { present: 1, late: 1, excused: 1, absent: 0 } })
    const saved = await marksOf(rehearsal.id)
    expect(saved).toHaveLength(3)
    for (const row of saved) expect(row.marked_by).toBe(band.users.leader.id)
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'entity_id', 'changes'])
      .where('id', '>', Number(before?.id ?? 0))
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ action: 'attendance.mark', entity_type: 'event', entity_id: rehearsal.id })
    expect(JSON.stringify(audit[0]?.changes)).toContain('"late":1')

    // Saved marks win over the RSVPs next time; a second save updates in place.
    await answer(db, rehearsal.id, [[carl.id, 'going']])
    const sheet = await getAttendanceSheet(db, { eventId: rehearsal.id, timeZone: TZ, reach: leaderReach })
    expect(sheet.find((row) => row.memberId === carl.id)).toMatchObject({ saved: 'late', suggested: 'present' })
    expect(await save(rehearsal.id, { [carl.id]: 'absent' }, everyone, band.users.director.id)).toMatchObject({ ok: true })
    expect((await marksOf(rehearsal.id)).find((row) => row.member_id === carl.id)).toMatchObject({ status: 'absent', marked_by: band.users.director.id })
  })

  it('refuses a leader’s form holding another section’s member (403), and saves none of it', async () => {
    const rehearsal = await addEvent(database.db, { daysFromNow: -1 })
    const { clara, fiona } = band.members
    const outcome = await save(rehearsal.id, { [clara.id]: 'present', [fiona.id]: 'present' }, leaderReach, band.users.leader.id)
    expect(outcome).toMatchObject({ ok: false, status: 403 })
    expect(await marksOf(rehearsal.id)).toEqual([])
  })

  it('lets a director mark everyone, and refuses someone not on the roll', async () => {
    const rehearsal = await addEvent(database.db, { daysFromNow: 0 })
    const marks = Object.fromEntries(Object.values(band.members).map((member) => [member.id, 'present' as const]))
    expect(await save(rehearsal.id, marks, everyone, band.users.director.id)).toMatchObject({ ok: true, counts: { present: 5 } })
    const stranger = await database.db.insertInto('members').values({ first_name: 'Alum', last_name: 'Ni', status: 'alumni' }).returning('id').executeTakeFirstOrThrow()
    const other = await addEvent(database.db, { daysFromNow: -1 })
    expect(await save(other.id, { [stranger.id]: 'present', [band.members.clara.id]: 'present' }, everyone, band.users.director.id)).toMatchObject({ ok: false, status: 400 })
    expect(await marksOf(other.id)).toEqual([])
  })

  it('refuses an event that has not happened yet, a cancelled one and an empty form', async () => {
    const { clara } = band.members
    const future = await addEvent(database.db, { daysFromNow: 3 })
    expect(await save(future.id, { [clara.id]: 'present' }, everyone, band.users.director.id)).toEqual({
      ok: false,
      status: 400,
      message: 'This event has not happened yet. Attendance can be taken from the day of the event.',
    })
    const cancelled = await addEvent(database.db, { daysFromNow: -1, status: 'cancelled' })
    expect(await save(cancelled.id, { [clara.id]: 'present' }, everyone, band.users.director.id)).toMatchObject({ ok: false, status: 400 })
    const past = await addEvent(database.db, { daysFromNow: -1 })
    expect(await save(past.id, {}, everyone, band.users.director.id)).toMatchObject({ ok: false, status: 400 })
    expect([...(await marksOf(future.id)), ...(await marksOf(cancelled.id))]).toEqual([])
  })
})

describe('events to take attendance for', () => {
  it('lists the last two weeks up to today, newest first, a leader seeing their marks and sectionals only', async () => {
    const { db } = database
    // Far ahead, in a window of its own: `now` is moved there.
    const now = new Date(Date.now() + 900 * 24 * 60 * 60 * 1000)
    const at = (days: number, extra: Parameters<typeof addEvent>[1] = { daysFromNow: 0 }) => addEvent(db, { ...extra, daysFromNow: 900 + days })
    const older = await at(-20)
    const lastWeek = await at(-7)
    const yesterday = await at(-1)
    const fluteSectional = await at(-2, { daysFromNow: 0, kind: 'sectional', sectionId: band.sections.woodwinds.id })
    await at(-3, { daysFromNow: 0, status: 'cancelled' })
    const tomorrow = await at(1)
    await db
      .insertInto('attendance')
      .values([
        { event_id: lastWeek.id, member_id: band.members.clara.id, status: 'present' },
        { event_id: lastWeek.id, member_id: band.members.fiona.id, status: 'present' },
      ])
      .execute()
    const forDirector = await listRecentEvents(db, { now, timeZone: TZ, days: 14, reach: everyone })
    expect(forDirector.map((event) => event.id)).toEqual([yesterday.id, fluteSectional.id, lastWeek.id])
    expect(forDirector.find((event) => event.id === lastWeek.id)?.marked).toBe(2)
    const forLeader = await listRecentEvents(db, { now, timeZone: TZ, days: 14, reach: leaderReach })
    expect(forLeader.map((event) => event.id)).toEqual([yesterday.id, lastWeek.id])
    expect(forLeader.find((event) => event.id === lastWeek.id)?.marked).toBe(1)
    expect([older.id, tomorrow.id].some((id) => forDirector.some((event) => event.id === id))).toBe(false)
  })
})

describe('the history', () => {
  it('gives rates per member and per section over a range, within the reader’s reach, and exports them', async () => {
    const { db } = database
    // Far in the past, so the other tests' marks stay out of this range.
    const first = await addEvent(db, { daysFromNow: -400, title: '=HYPERLINK("http://evil.example")' })
    const second = await addEvent(db, { daysFromNow: -393 })
    const { clara, carl, fiona } = band.members
    const marks = [
      [first.id, clara.id, 'present'],
      [second.id, clara.id, 'late'],
      [first.id, carl.id, 'absent'],
      [second.id, carl.id, 'present'],
      [first.id, fiona.id, 'excused'],
    ] as const
    await db
      .insertInto('attendance')
      .values(marks.map(([eventId, memberId, status]) => ({ event_id: eventId, member_id: memberId, status, marked_by: band.users.director.id })))
      .execute()
    const range = { from: bandDate(first.starts_at, TZ), to: bandDate(second.starts_at, TZ) }

    const rates = await attendanceRates(db, { range, reach: everyone, timeZone: TZ })
    expect(rates.markedEvents).toBe(2)
    const byMember = Object.fromEntries(rates.members.map((row) => [row.memberId, row]))
    expect(byMember[clara.id]).toMatchObject({ present: 1, late: 1, marked: 2, rate: 1 })
    expect(byMember[carl.id]).toMatchObject({ present: 1, absent: 1, marked: 2, rate: 0.5 })
    expect(byMember[fiona.id]).toMatchObject({ excused: 1, marked: 1, rate: 0 })
    const bySection = Object.fromEntries(rates.sections.map((row) => [row.sectionId, row]))
    expect(bySection[band.sections.clarinets.id]).toMatchObject({ members: 2, marked: 4, rate: 0.75 })
    expect(bySection[band.sections.woodwinds.id]).toMatchObject({ members: 1, marked: 1, rate: 0 })

    const leaders = await attendanceRates(db, { range, reach: leaderReach, timeZone: TZ })
    expect(leaders.members.map((row) => row.memberId).sort()).toEqual([clara.id, carl.id].sort())
    const oneSection = await attendanceRates(db, { range: { ...range, section: band.sections.woodwinds.id }, reach: everyone, timeZone: TZ })
    expect(oneSection.members.map((row) => row.memberId)).toEqual([fiona.id])
    const before = await attendanceRates(db, { range: { from: addMonths(range.from, -2), to: addMonths(range.from, -1) }, reach: everyone, timeZone: TZ })
    expect(before).toEqual({ members: [], sections: [], markedEvents: 0 })

    const history = await listMemberMarks(db, { memberId: carl.id, ...range, timeZone: TZ })
    expect(history.map((row) => [row.eventId, row.status])).toEqual([
      [second.id, 'present'],
      [first.id, 'absent'],
    ])

    const rows = await listMarksForExport(db, { range, reach: leaderReach, timeZone: TZ })
    expect(rows).toHaveLength(4)
    const csv = toCsv(['Event', 'Member', 'Mark', 'Marked by'], rows.map((row) => [row.title, row.name, row.status, row.markedBy]))
    expect(csv.split('\r\n')[0]).toBe('"Event","Member","Mark","Marked by"')
    // A title a spreadsheet would run as a formula is defused.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")","${clara.name}","present","Director"`)
  })
})

describe('CSV cells', () => {
  it('quote everything and defuse formulas', () => {
    expect(csvCell('=1+1')).toBe(`"'=1+1"`)
    expect(csvCell('+44 20')).toBe(`"'+44 20"`)
    expect(csvCell('-5')).toBe(`"'-5"`)
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`)
    expect(csvCell('\tcmd')).toBe(`"'\tcmd"`)
    expect(csvCell('say "hi", ok')).toBe(`"say ""hi"", ok"`)
    expect(csvCell(null)).toBe('""')
  })
})

describe('the history’s range', () => {
  const parse = (value: Record<string, string>) => AttendanceRangeSchema.safeParse(value)
  const messages = (value: Record<string, string>) => {
    const result = parse(value)
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  }
  it('takes up to two years, first date first, real dates only', () => {
    expect(parse({ from: '2026-01-01', to: '2027-12-31' }).success).toBe(true)
    expect(messages({ from: '2026-05-01', to: '2026-04-01' })).toEqual(['to: The last date is before the first: swap them or pick another'])
    expect(messages({ from: '2023-01-01', to: '2026-01-01' })).toEqual(['to: Choose a range of two years or less'])
    expect(messages({ from: '2026-02-30', to: '2026-03-01' })[0]).toMatch(/^from: Enter the first date/)
    expect(messages({ from: '2026-01-01', to: '2026-02-01', section: 'flutes' })[0]).toMatch(/^section:/)
  })
  it('moves dates by months the way people count them', () => {
    expect(addMonths('2026-05-31', -3)).toBe('2026-02-28')
    expect(addMonths('2026-01-15', -3)).toBe('2025-10-15')
  })
})

import { memberNameSql } from './roll.server.ts'
import { sql } from 'kysely'
import type { AttendanceStatus, Db } from '#db/types.ts'
import { type AttendanceRange, type AttendanceReach, attendanceRate } from './attendance-schema.ts'

/**
 * Attendance over a date range: rates per member and per section, one
 * member's marks, and the rows of the CSV export. A member counts in the
 * section of their primary instrument, as on the roll. Cancelled and
 * deleted events do not count.
 */

type Scope = { range: Pick<AttendanceRange, 'from' | 'to' | 'section'>; reach: AttendanceReach; timeZone: string }

/** attendance ⋈ events ⋈ members, each member with their primary instrument's section. */
function marksInScope(db: Db, scope: Scope) {
  const { section } = scope.range
  const { reach } = scope
  return db
    .selectFrom('attendance')
    .innerJoin('events', 'events.id', 'attendance.event_id')
    .innerJoin('members', 'members.id', 'attendance.member_id')
    .leftJoin('member_instruments', (join) =>
      join.onRef('member_instruments.member_id', '=', 'members.id').on('member_instruments.is_primary', '=', true),
    )
    .leftJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .leftJoin('sections', 'sections.id', 'instruments.section_id')
    .where('events.deleted_at', 'is', null)
    .where('events.status', '=', 'scheduled')
    .where(sql<boolean>`(events.starts_at at time zone ${scope.timeZone})::date between ${scope.range.from}::date and ${scope.range.to}::date`)
    .$if(section !== undefined, (query) => query.where('sections.id', '=', section ?? ''))
    // A section leader reads their own sections only; nobody's when they lead none.
    .$if(!reach.everyone, (query) =>
      query.where((eb) => (reach.everyone || reach.sectionIds.length === 0 ? eb.lit(false) : eb('sections.id', 'in', reach.sectionIds))),
    )
}

const count = (status: AttendanceStatus) => sql<number>`(count(*) filter (where attendance.status = ${status}))::int`
const memberName = memberNameSql

export type MemberRate = {
  memberId: string
  name: string
  sectionId: string | null
  sectionName: string | null
  present: number
  late: number
  excused: number
  absent: number
  marked: number
  rate: number | null
}

export type SectionRate = Omit<MemberRate, 'memberId' | 'name'> & { members: number }

/** Rates per member and per section over the range, and how many events were marked. Two queries. */
export async function attendanceRates(db: Db, scope: Scope) {
  const [members, events] = await Promise.all([
    marksInScope(db, scope)
      .select([
        'members.id as memberId',
        memberName.as('name'),
        'sections.id as sectionId',
        'sections.name as sectionName',
        count('present').as('present'),
        count('late').as('late'),
        count('excused').as('excused'),
        count('absent').as('absent'),
        sql<number>`count(*)::int`.as('marked'),
      ])
      .groupBy(['members.id', 'sections.id', 'sections.name', 'sections.sort_order'])
      .orderBy(sql`sections.sort_order nulls last`)
      .orderBy('members.last_name')
      .orderBy('members.first_name')
      .execute(),
    marksInScope(db, scope)
      .select(sql<number>`count(distinct attendance.event_id)::int`.as('events'))
      .executeTakeFirst(),
  ])
  const memberRates: MemberRate[] = members.map((row) => ({ ...row, rate: attendanceRate(row) }))
  const sections = new Map<string, SectionRate>()
  for (const row of memberRates) {
    const key = row.sectionId ?? ''
    const section = sections.get(key) ?? {
      sectionId: row.sectionId,
      sectionName: row.sectionName,
      present: 0,
      late: 0,
      excused: 0,
      absent: 0,
      marked: 0,
      members: 0,
      rate: null,
    }
    section.present += row.present
    section.late += row.late
    section.excused += row.excused
    section.absent += row.absent
    section.marked += row.marked
    section.members += 1
    section.rate = attendanceRate(section)
    sections.set(key, section)
  }
  return { members: memberRates, sections: [...sections.values()], markedEvents: events?.events ?? 0 }
}

/** A member with the section of their primary instrument, or undefined. */
export function getMemberHeading(db: Db, memberId: string) {
  return db
    .selectFrom('members')
    .leftJoin('member_instruments', (join) =>
      join.onRef('member_instruments.member_id', '=', 'members.id').on('member_instruments.is_primary', '=', true),
    )
    .leftJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .leftJoin('sections', 'sections.id', 'instruments.section_id')
    .select([
      'members.id',
      memberName.as('name'),
      'members.status',
      'instruments.name as instrumentName',
      'sections.id as sectionId',
      'sections.name as sectionName',
    ])
    .where('members.id', '=', memberId)
    .where('members.deleted_at', 'is', null)
    .executeTakeFirst()
}

/** One member's marks in the range, newest first (every cancelled or deleted event left out). */
export function listMemberMarks(db: Db, options: { memberId: string; from: string; to: string; timeZone: string }) {
  return db
    .selectFrom('attendance')
    .innerJoin('events', 'events.id', 'attendance.event_id')
    .select(['events.id as eventId', 'events.title', 'events.kind', 'events.starts_at as startsAt', 'attendance.status'])
    .where('attendance.member_id', '=', options.memberId)
    .where('events.deleted_at', 'is', null)
    .where('events.status', '=', 'scheduled')
    .where(sql<boolean>`(events.starts_at at time zone ${options.timeZone})::date between ${options.from}::date and ${options.to}::date`)
    .orderBy('events.starts_at', 'desc')
    .orderBy('events.id', 'desc')
    .execute()
}

/** Every mark in scope, for the CSV export: by date, then section and name. */
export function listMarksForExport(db: Db, scope: Scope) {
  return marksInScope(db, scope)
    .leftJoin('users', 'users.id', 'attendance.marked_by')
    .select((eb) => [
      sql<string>`to_char(events.starts_at at time zone ${scope.timeZone}, 'YYYY-MM-DD HH24:MI')`.as('startsAt'),
      'events.title',
      'events.kind',
      memberName.as('name'),
      'sections.name as sectionName',
      'attendance.status',
      eb.ref('users.display_name').as('markedBy'),
    ])
    .orderBy('events.starts_at')
    .orderBy(sql`sections.sort_order nulls last`)
    .orderBy('members.last_name')
    .orderBy('members.first_name')
    .execute()
}

/** One CSV cell: quoted, and a leading =, +, -, @, tab or CR defused so a spreadsheet never runs it as a formula. */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return `"${text.replaceAll('"', '""')}"`
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

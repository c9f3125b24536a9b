import { z } from 'zod'
import type { AttendanceStatus } from '#db/types.ts'
import { can, type Grants } from '#app/modules/identity/permissions.ts'

/** The marks a section leader gives, in the order the sheet offers them. */
export const ATTENDANCE_STATUSES = ['present', 'late', 'excused', 'absent'] as const satisfies readonly AttendanceStatus[]

export const ATTENDANCE_LABELS: Record<AttendanceStatus, string> = {
  present: 'Present',
  late: 'Late',
  excused: 'Excused',
  absent: 'Absent',
}

/**
 * Whose attendance a user may take and read: everyone (`attendance.mark`,
 * directors and up) or the sections they lead (`attendance.mark.section`
 * granted for a section). Empty sections and not everyone: nobody.
 */
export type AttendanceReach = { everyone: true } | { everyone: false; sectionIds: string[] }

export function attendanceReach(grants: Grants | null | undefined): AttendanceReach {
  if (can(grants, 'attendance.mark')) return { everyone: true }
  const sectionIds = Object.entries(grants?.sections ?? {})
    .filter(([, permissions]) => permissions.includes('attendance.mark.section'))
    .map(([sectionId]) => sectionId)
  return { everyone: false, sectionIds }
}

export function reachesAnyone(reach: AttendanceReach): boolean {
  return reach.everyone || reach.sectionIds.length > 0
}

/** Whether a member of `sectionId` (null: no section) is within reach. */
export function reachesSection(reach: AttendanceReach, sectionId: string | null): boolean {
  return reach.everyone || (sectionId !== null && reach.sectionIds.includes(sectionId))
}

/** The sheet's form: one radio group per member, named `marks.<memberId>`. */
export const AttendanceSheetSchema = z.object({
  marks: z.record(z.uuid(), z.enum(ATTENDANCE_STATUSES, { error: 'Choose present, late, excused or absent' })).optional(),
})

const dayMs = 24 * 60 * 60 * 1000
const MAX_RANGE_DAYS = 2 * 366

/** The calendar date of `instant` in the band's zone, as 'YYYY-MM-DD'. */
export function bandDate(instant: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant)
}

/** 'YYYY-MM-DD' moved by whole months (the 31st becomes the last day of a shorter month). */
export function addMonths(date: string, months: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number)
  const target = new Date(Date.UTC(year, month - 1 + months, 1))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(day, lastDay))
  return target.toISOString().slice(0, 10)
}

/** The history's default: the last three months up to today, in the band's zone. */
export function defaultRange(now: Date, timeZone: string): { from: string; to: string } {
  const to = bandDate(now, timeZone)
  return { from: addMonths(to, -3), to }
}

const isoDate = (label: string) =>
  z.iso.date({ error: `Enter the ${label} date as YYYY-MM-DD (a real date)` })

/** The history's filter (a GET form): a date range of at most two years and one section, if any. */
export const AttendanceRangeSchema = z
  .object({
    from: isoDate('first'),
    to: isoDate('last'),
    section: z.uuid({ error: 'Choose a section from the list' }).optional(),
  })
  .superRefine((value, context) => {
    const days = (Date.parse(value.to) - Date.parse(value.from)) / dayMs
    if (days < 0) context.addIssue({ code: 'custom', path: ['to'], message: 'The last date is before the first: swap them or pick another' })
    else if (days > MAX_RANGE_DAYS) context.addIssue({ code: 'custom', path: ['to'], message: 'Choose a range of two years or less' })
  })

export type AttendanceRange = z.output<typeof AttendanceRangeSchema>

/** Present and late count as attended; excused and absent do not. */
export function attendanceRate(counts: { present: number; late: number; marked: number }): number | null {
  return counts.marked === 0 ? null : (counts.present + counts.late) / counts.marked
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`
}

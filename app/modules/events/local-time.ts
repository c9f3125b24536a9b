import { wallClock, zonedTimeToInstant } from '#app/platform/job-schedules.ts'

/**
 * Dates and times as the band writes them ("2026-10-27", "19:30"), in the
 * band's time zone, turned into instants and back. Pure: the forms use it in
 * the browser as well as on the server.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/
const dayMs = 24 * 60 * 60_000

/** Year, month, day of a real calendar date ("2026-02-30" is none), or null. */
export function parseLocalDate(value: string): { year: number; month: number; day: number } | null {
  const match = DATE.exec(value)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (year < 1900 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  return { year, month, day }
}

export function isLocalDate(value: string): boolean {
  return parseLocalDate(value) !== null
}

export function isLocalTime(value: string): boolean {
  return TIME.test(value)
}

export type LocalInstant = { ok: true; instant: Date } | { ok: false; reason: 'invalid' | 'gap' }

/**
 * The instant of a wall-clock time in `timeZone`. A time that does not exist
 * (inside the hour clocks skip in spring) is `gap`, so a form can say so rather
 * than quietly moving it; a time that happens twice (autumn) is the first one.
 */
export function localToInstant(date: string, time: string, timeZone: string): LocalInstant {
  const day = parseLocalDate(date)
  const clock = TIME.exec(time)
  if (!day || !clock) return { ok: false, reason: 'invalid' }
  const [hour, minute] = [Number(clock[1]), Number(clock[2])]
  const instant = zonedTimeToInstant(day.year, day.month, day.day, hour, minute, timeZone)
  const back = wallClock(instant, timeZone)
  if (back.year !== day.year || back.month !== day.month || back.day !== day.day || back.hour !== hour || back.minute !== minute) {
    return { ok: false, reason: 'gap' }
  }
  return { ok: true, instant: new Date(instant) }
}

const pad = (value: number) => String(value).padStart(2, '0')

/** The band's date and time of an instant, as a form shows them. */
export function instantToLocal(instant: Date, timeZone: string): { date: string; time: string } {
  const w = wallClock(instant.getTime(), timeZone)
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` }
}

function dayNumber(date: string): number {
  const day = parseLocalDate(date)
  if (!day) throw new Error(`not a date: ${date}`)
  return Date.UTC(day.year, day.month - 1, day.day) / dayMs
}

const fromDayNumber = (days: number) => new Date(days * dayMs).toISOString().slice(0, 10)

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from)
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(dayNumber(date) * dayMs).getUTCDay()
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const

/** "Tuesday 27 October 2026", for messages about one date. */
export function describeDate(date: string): string {
  const day = parseLocalDate(date)
  if (!day) return date
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'full' }).format(new Date(Date.UTC(day.year, day.month - 1, day.day))).replace(',', '')
}

/**
 * Calendar arithmetic on band-local dates ("2027-03-14") and the UTC
 * instants the database stores. Rehearsals are at 19:30 on the clock in the
 * hall, so the UTC time moves by an hour when the clocks change.
 */

export const BAND_TIME_ZONE = 'Europe/London'

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: BAND_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
})

/** The date and time on a clock in the band's town at `instant`. */
export function bandWallClock(instant: Date): { date: string; time: string } {
  const parts = Object.fromEntries(wallClock.formatToParts(instant).map((part) => [part.type, part.value]))
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` }
}

/** Minutes the band's clocks are ahead of UTC at `instant` (0 in winter, 60 in summer). */
function offsetMinutes(instant: Date): number {
  const { date, time } = bandWallClock(instant)
  const asUtc = Date.parse(`${date}T${time}:00Z`)
  const wholeMinute = Math.floor(instant.getTime() / 60_000) * 60_000
  return (asUtc - wholeMinute) / 60_000
}

/** The instant a band-local date and time ("2027-03-14", "19:30") happens. */
export function bandTime(date: string, time: string): Date {
  const guess = Date.parse(`${date}T${time}:00Z`)
  if (Number.isNaN(guess)) throw new Error(`Not a date and time: ${date} ${time}`)
  const first = guess - offsetMinutes(new Date(guess)) * 60_000
  // Near a clock change the offset at the guess can differ from the answer's.
  return new Date(guess - offsetMinutes(new Date(first)) * 60_000)
}

export function addDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`)
  day.setUTCDate(day.getUTCDate() + days)
  return day.toISOString().slice(0, 10)
}

export function addMinutes(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * 60_000)
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay()
}

/** The latest date on or before `date` that falls on `day` (0 = Sunday). */
export function previousWeekday(date: string, day: number): string {
  return addDays(date, -((weekday(date) - day + 7) % 7))
}

export function monthOf(date: string): number {
  return Number(date.slice(5, 7))
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4))
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

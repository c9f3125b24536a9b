/**
 * When scheduled jobs run: pure time arithmetic, kept apart from the queue.
 * No dependency: Intl knows every IANA time zone and its daylight-saving rules.
 */
export type ScheduleEvery = { minutes: number } | { dailyAt: string; timeZone: string }

/**
 * The first slot of a schedule strictly after `after`. `every.minutes` is
 * aligned to the clock (multiples of the interval since the Unix epoch, so
 * :00/:15/:30/:45 for 15). `dailyAt` is a wall-clock time in `timeZone`; on
 * the day clocks go forward a time inside the gap runs that much later
 * (01:30 → 02:30 BST), on the day they go back it runs at the first of the
 * two 01:30s, and never twice.
 */
export function nextScheduleSlot(schedule: { every: ScheduleEvery }, after: Date): Date {
  const every = schedule.every
  if ('minutes' in every) {
    if (!Number.isInteger(every.minutes) || every.minutes < 1) throw new Error(`every.minutes must be a whole number ≥ 1, not ${every.minutes}`)
    const step = every.minutes * 60_000
    return new Date((Math.floor(after.getTime() / step) + 1) * step)
  }
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(every.dailyAt)
  if (!match) throw new Error(`dailyAt must be HH:MM (00:00–23:59), not "${every.dailyAt}"`)
  const [hour, minute] = [Number(match[1]), Number(match[2])]
  const today = wallClock(after.getTime(), every.timeZone)
  for (let day = 0; day <= 2; day++) {
    const slot = zonedTimeToInstant(today.year, today.month, today.day + day, hour, minute, every.timeZone)
    if (slot > after.getTime()) return new Date(slot)
  }
  throw new Error(`no slot found for ${every.dailyAt} in ${every.timeZone}`)
}

const dayMs = 24 * 60 * 60_000
const formatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's wall clock (year, month 1–12, day, hour, minute, second) at `instant`. */
export function wallClock(instant: number, timeZone: string) {
  let format = formatters.get(timeZone)
  if (!format) {
    // Throws RangeError for an unknown zone.
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, format)
  }
  const parts = format.formatToParts(instant)
  const value = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value)
  return { year: value('year'), month: value('month'), day: value('day'), hour: value('hour'), minute: value('minute'), second: value('second') }
}

/** The zone's wall clock at `instant`, read as if it were UTC. */
function wallTimeAsUtc(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone)
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
}

function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000
  return wallTimeAsUtc(whole, timeZone) - whole
}

// Like Temporal's 'compatible' disambiguation: the earlier instant when the
// wall time happens twice, the later one when it falls into a gap.
export function zonedTimeToInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  // The offsets a day either side cover any one transition near the wall time.
  const before = offsetAt(wall - dayMs, timeZone)
  const after = offsetAt(wall + dayMs, timeZone)
  const matches = [...new Set([before, after])].map((offset) => wall - offset).filter((t) => wallTimeAsUtc(t, timeZone) === wall)
  return matches.length > 0 ? Math.min(...matches) : wall - before
}

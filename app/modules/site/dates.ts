// Dates are always shown in the band's time zone, on the server and in the
// browser alike, so the text does not change during hydration. Building an
// Intl.DateTimeFormat costs far more than using one, so each is made once.

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, ...options })
    formatters.set(key, format)
  }
  return format
}

export function formatEventDate(date: Date, timeZone: string): string {
  return formatter(timeZone, { dateStyle: 'full', timeStyle: 'short' }).format(date)
}

export function formatPublishedDate(date: Date, timeZone: string): string {
  return formatter(timeZone, { dateStyle: 'long' }).format(date)
}

/** True for a time zone this runtime knows ("Europe/London", "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone, {})
    return true
  } catch {
    return false
  }
}

/** "1 Dec 2026, 19:44": for logs and lists where the weekday is noise. */
export function formatTimestamp(date: Date, timeZone: string): string {
  return formatter(timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
}

/** "19:30": a time of day in the band's zone. */
export function formatTimeOfDay(date: Date, timeZone: string): string {
  return formatter(timeZone, { timeStyle: 'short' }).format(date)
}

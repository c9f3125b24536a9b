// Dates are always shown in the band's time zone, on the server and in the
// browser alike, so the text does not change during hydration.

export function formatEventDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(date)
}

export function formatPublishedDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'long' }).format(date)
}

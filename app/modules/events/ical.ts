/**
 * An RFC 5545 iCalendar writer for the band's feeds: pure (no database, no
 * clock), so the exact bytes are unit-tested. Times are written as wall-clock
 * times with TZID plus a VTIMEZONE computed from Intl for the years the feed
 * covers, so a calendar app keeps a Tuesday rehearsal at 19:30 local on both
 * sides of a daylight-saving change.
 */

export type CalendarEvent = {
  /** Stable across fetches: calendar apps match updates by it. */
  uid: string
  start: Date
  end: Date
  summary: string
  description: string | null
  location: string | null
  url: string | null
  cancelled: boolean
  /** Changes whenever the event itself changes (SEQUENCE). */
  updatedAt: Date
  /** When this copy of the event last changed (LAST-MODIFIED); defaults to updatedAt. */
  lastModified?: Date
  /** Extra `X-` properties, name and TEXT value. */
  extras?: readonly (readonly [name: `X-${string}`, value: string])[]
}

export type Calendar = {
  name: string
  timeZone: string
  /** The PRODID, e.g. "-//Riverside Community Band//Band platform//EN". */
  productId: string
  /** How often apps should look again, as an ISO duration ("PT6H"). */
  refreshInterval?: string
  /** Years (in the band's zone) the VTIMEZONE must cover beyond the events' own. */
  coverFrom: Date
  coverTo: Date
  events: readonly CalendarEvent[]
}

const CRLF = '\r\n'
const MAX_LINE_OCTETS = 75

/** The whole calendar as text, CRLF line endings, every line folded. */
export function writeCalendar(calendar: Calendar): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${escapeText(calendar.productId)}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
    `X-WR-TIMEZONE:${calendar.timeZone}`,
  ]
  if (calendar.refreshInterval) {
    lines.push(`REFRESH-INTERVAL;VALUE=DURATION:${calendar.refreshInterval}`, `X-PUBLISHED-TTL:${calendar.refreshInterval}`)
  }
  const instants = calendar.events.flatMap((event) => [event.start, event.end])
  const from = new Date(Math.min(calendar.coverFrom.getTime(), ...instants.map((date) => date.getTime())))
  const to = new Date(Math.max(calendar.coverTo.getTime(), ...instants.map((date) => date.getTime())))
  lines.push(...timeZoneLines(calendar.timeZone, yearIn(from, calendar.timeZone), yearIn(to, calendar.timeZone)))
  for (const event of calendar.events) lines.push(...eventLines(event, calendar.timeZone))
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join(CRLF) + CRLF
}

function eventLines(event: CalendarEvent, timeZone: string): string[] {
  const lastModified = event.lastModified ?? event.updatedAt
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    // DTSTAMP is when this copy last changed, not the time of the request, so
    // an unchanged feed is byte-for-byte the same and its ETag holds.
    `DTSTAMP:${utcStamp(lastModified)}`,
    `DTSTART;TZID=${timeZone}:${localStamp(event.start, timeZone)}`,
    `DTEND;TZID=${timeZone}:${localStamp(event.end, timeZone)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    `SEQUENCE:${sequenceOf(event.updatedAt)}`,
    `LAST-MODIFIED:${utcStamp(lastModified)}`,
  ]
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`)
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`)
  // URL is a URI value, not TEXT: commas and semicolons stay as they are.
  if (event.url) lines.push(`URL:${event.url}`)
  for (const [name, value] of event.extras ?? []) lines.push(`${name}:${escapeText(value)}`)
  lines.push('END:VEVENT')
  return lines
}

// SEQUENCE must grow with every change: seconds since 2000 do, and fit a
// 32-bit integer (as some apps store it) until 2068.
const SEQUENCE_EPOCH = Date.UTC(2000, 0, 1)
export function sequenceOf(updatedAt: Date): number {
  return Math.max(0, Math.floor((updatedAt.getTime() - SEQUENCE_EPOCH) / 1000))
}

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline; other control characters dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- control characters are not allowed in a TEXT value
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\\;,]/g, (character) => `\\${character}`)
    .replace(/\n/g, '\\n')
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start
 * with one space. Splits between code points, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  if (line.length * 3 <= MAX_LINE_OCTETS) return line
  const parts: string[] = []
  let current = ''
  let octets = 0
  // The first line holds 75 octets; each continuation holds the space plus 74.
  let limit = MAX_LINE_OCTETS
  for (const character of line) {
    const size = utf8Length(character.codePointAt(0) ?? 0)
    if (octets + size > limit) {
      parts.push(current)
      current = ''
      octets = 0
      limit = MAX_LINE_OCTETS - 1
    }
    current += character
    octets += size
  }
  parts.push(current)
  return parts.join(`${CRLF} `)
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4
}

/** 20261020T183000Z */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>()

function wallClockParts(date: Date, timeZone: string) {
  let format = wallClockFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    wallClockFormats.set(timeZone, format)
  }
  const parts: Record<string, number> = {}
  for (const part of format.formatToParts(date)) if (part.type !== 'literal') parts[part.type] = Number(part.value)
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 }
}

/** The wall-clock time in `timeZone`, as 20261020T193000 (for DTSTART;TZID=…). */
export function localStamp(date: Date, timeZone: string): string {
  const p = wallClockParts(date, timeZone)
  return `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}${pad(p.second)}`
}

function yearIn(date: Date, timeZone: string): number {
  return wallClockParts(date, timeZone).year
}

/** Minutes the zone is ahead of UTC at `date`. */
export function offsetMinutes(date: Date, timeZone: string): number {
  const p = wallClockParts(date, timeZone)
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return Math.round((wallAsUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000)
}

export type ZoneTransition = { at: Date; offsetFrom: number; offsetTo: number }

const HOUR = 3_600_000

/** Every change of the zone's UTC offset from the start of `fromYear` to the end of `toYear` (UTC years). */
export function zoneTransitions(timeZone: string, fromYear: number, toYear: number): ZoneTransition[] {
  const transitions: ZoneTransition[] = []
  const end = Date.UTC(toYear + 1, 0, 1)
  // Offsets change at most a few times a year and never twice within a day:
  // step by 6 hours, then narrow each change down to the minute.
  let before = Date.UTC(fromYear, 0, 1)
  let offsetBefore = offsetMinutes(new Date(before), timeZone)
  for (let after = before + 6 * HOUR; after <= end; after += 6 * HOUR) {
    const offsetAfter = offsetMinutes(new Date(after), timeZone)
    if (offsetAfter !== offsetBefore) {
      let low = before
      let high = after
      while (high - low > 60_000) {
        const middle = low + Math.floor((high - low) / 120_000) * 60_000
        if (offsetMinutes(new Date(middle), timeZone) === offsetBefore) low = middle
        else high = middle
      }
      transitions.push({ at: new Date(high), offsetFrom: offsetBefore, offsetTo: offsetAfter })
    }
    before = after
    offsetBefore = offsetAfter
  }
  return transitions
}

const zoneNameFormats = new Map<string, Intl.DateTimeFormat>()

function zoneAbbreviation(date: Date, timeZone: string): string {
  let format = zoneNameFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    zoneNameFormats.set(timeZone, format)
  }
  return format.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? timeZone
}

/** +0100, -0330: a UTC offset as TZOFFSETFROM/TZOFFSETTO want it. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const absolute = Math.abs(minutes)
  return `${sign}${pad(Math.floor(absolute / 60))}${pad(absolute % 60)}`
}

/**
 * A VTIMEZONE for `timeZone` covering `fromYear`…`toYear`: one STANDARD or
 * DAYLIGHT observance per offset change (the year before is included, so
 * the first events of `fromYear` fall after an observance's onset). A zone
 * that never changes gets one STANDARD observance.
 */
export function timeZoneLines(timeZone: string, fromYear: number, toYear: number): string[] {
  const transitions = zoneTransitions(timeZone, fromYear - 1, toYear)
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`]
  if (transitions.length === 0) {
    const offset = formatOffset(offsetMinutes(new Date(Date.UTC(fromYear, 0, 1)), timeZone))
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      `TZNAME:${escapeText(zoneAbbreviation(new Date(Date.UTC(fromYear, 0, 1)), timeZone))}`,
      'END:STANDARD',
    )
  }
  for (const transition of transitions) {
    // Daylight time is the one that moves the clocks forward from the
    // previous offset (Europe/Dublin's negative-DST quirk aside).
    const kind = transition.offsetTo > transition.offsetFrom ? 'DAYLIGHT' : 'STANDARD'
    // DTSTART of an observance is the wall-clock time of its onset in the offset before it.
    const onsetWallClock = new Date(transition.at.getTime() + transition.offsetFrom * 60_000)
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${utcStamp(onsetWallClock).replace(/Z$/, '')}`,
      `TZOFFSETFROM:${formatOffset(transition.offsetFrom)}`,
      `TZOFFSETTO:${formatOffset(transition.offsetTo)}`,
      `TZNAME:${escapeText(zoneAbbreviation(transition.at, timeZone))}`,
      `END:${kind}`,
    )
  }
  lines.push('END:VTIMEZONE')
  return lines
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}

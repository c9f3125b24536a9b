import { describe, expect, it } from 'vitest'
import { escapeText, foldLine, formatOffset, localStamp, offsetMinutes, timeZoneLines, writeCalendar, zoneTransitions } from './ical.ts'

const octets = (text: string) => Buffer.byteLength(text, 'utf8')

describe('escapeText', () => {
  it('escapes backslash, semicolon, comma and newlines, in that order', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng')
  })
  it('drops control characters but keeps tabs and letters of every script', () => {
    expect(escapeText('Bb\u0007 clarinet\tÉtude ♭ 🎺')).toBe('Bb clarinet\tÉtude ♭ 🎺')
  })
})

describe('foldLine', () => {
  it('leaves a line of 75 octets alone', () => {
    const line = `SUMMARY:${'x'.repeat(67)}`
    expect(octets(line)).toBe(75)
    expect(foldLine(line)).toBe(line)
  })

  it('folds longer lines into 75-octet lines, continuations starting with one space', () => {
    const line = `DESCRIPTION:${'abcdefghij'.repeat(30)}`
    const folded = foldLine(line).split('\r\n')
    expect(folded.length).toBeGreaterThan(1)
    for (const part of folded) expect(octets(part)).toBeLessThanOrEqual(75)
    expect(folded[0]).toHaveLength(75)
    for (const part of folded.slice(1)) expect(part.startsWith(' ')).toBe(true)
    expect(folded.map((part, index) => (index === 0 ? part : part.slice(1))).join('')).toBe(line)
  })

  it('never splits a UTF-8 sequence', () => {
    // 2-, 3- and 4-octet characters, so a split inside one would show.
    const line = `LOCATION:${'é♭🎺'.repeat(40)}`
    const folded = foldLine(line).split('\r\n')
    for (const part of folded) {
      expect(octets(part)).toBeLessThanOrEqual(75)
      // A lone surrogate would not survive a round trip through UTF-8.
      expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part)
    }
    expect(folded.map((part, index) => (index === 0 ? part : part.slice(1))).join('')).toBe(line)
  })
})

describe('time zones', () => {
  it('finds the two changes of Europe/London in 2026, to the minute', () => {
    expect(zoneTransitions('Europe/London', 2026, 2026)).toEqual([
      { at: new Date('2026-03-29T01:00:00Z'), offsetFrom: 0, offsetTo: 60 },
      { at: new Date('2026-10-25T01:00:00Z'), offsetFrom: 60, offsetTo: 0 },
    ])
  })

  it('finds changes in a zone with half-hour offsets and southern summers', () => {
    const changes = zoneTransitions('Australia/Adelaide', 2026, 2026)
    expect(changes.map((change) => [change.offsetFrom, change.offsetTo])).toEqual([
      [630, 570],
      [570, 630],
    ])
    expect(formatOffset(570)).toBe('+0930')
    expect(formatOffset(-210)).toBe('-0330')
  })

  it('writes STANDARD and DAYLIGHT observances with onsets in the offset before', () => {
    const lines = timeZoneLines('Europe/London', 2026, 2026)
    const text = lines.join('\n')
    expect(lines[0]).toBe('BEGIN:VTIMEZONE')
    expect(lines[1]).toBe('TZID:Europe/London')
    // The year before is covered too, so January's events follow an onset.
    expect(text).toContain('BEGIN:STANDARD\nDTSTART:20251026T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nTZNAME:GMT\nEND:STANDARD')
    expect(text).toContain('BEGIN:DAYLIGHT\nDTSTART:20260329T010000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nTZNAME:BST\nEND:DAYLIGHT')
    expect(text).toContain('BEGIN:STANDARD\nDTSTART:20261025T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nTZNAME:GMT\nEND:STANDARD')
    expect(lines.at(-1)).toBe('END:VTIMEZONE')
  })

  it('writes one STANDARD observance for a zone without changes', () => {
    expect(timeZoneLines('Asia/Tokyo', 2026, 2027)).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Asia/Tokyo',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      'TZOFFSETFROM:+0900',
      'TZOFFSETTO:+0900',
      'TZNAME:GMT+9',
      'END:STANDARD',
      'END:VTIMEZONE',
    ])
  })

  it('gives wall-clock times and offsets on both sides of a change', () => {
    expect(localStamp(new Date('2026-10-20T18:30:00Z'), 'Europe/London')).toBe('20261020T193000')
    expect(localStamp(new Date('2026-10-27T19:30:00Z'), 'Europe/London')).toBe('20261027T193000')
    expect(offsetMinutes(new Date('2026-10-20T18:30:00Z'), 'Europe/London')).toBe(60)
    expect(offsetMinutes(new Date('2026-10-27T19:30:00Z'), 'Europe/London')).toBe(0)
  })
})

describe('writeCalendar', () => {
  const calendar = writeCalendar({
    name: 'Riverside, the band; concerts',
    timeZone: 'Europe/London',
    productId: '-//Riverside//Band platform//EN',
    refreshInterval: 'PT6H',
    coverFrom: new Date('2026-09-01T00:00:00Z'),
    coverTo: new Date('2026-12-31T00:00:00Z'),
    events: [
      {
        uid: 'e1@band.example',
        start: new Date('2026-10-20T18:30:00Z'),
        end: new Date('2026-10-20T20:30:00Z'),
        summary: 'Rehearsal',
        description: 'Dress: black\nBring a pencil',
        location: 'St Mary’s Hall, High Street',
        url: 'https://band.example/portal/events/e1?a=1,2',
        cancelled: true,
        updatedAt: new Date('2026-10-01T12:00:00Z'),
        extras: [['X-BAND-RSVP', 'GOING']],
      },
    ],
  })

  it('uses CRLF everywhere, with no bare LF and a final CRLF', () => {
    expect(calendar.endsWith('END:VCALENDAR\r\n')).toBe(true)
    expect(calendar.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  })

  it('writes the calendar properties and the event', () => {
    const lines = calendar.split('\r\n')
    expect(lines.slice(0, 5)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Riverside//Band platform//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'])
    expect(lines).toContain('X-WR-CALNAME:Riverside\\, the band\\; concerts')
    expect(lines).toContain('DTSTART;TZID=Europe/London:20261020T193000')
    expect(lines).toContain('DTEND;TZID=Europe/London:20261020T213000')
    expect(lines).toContain('DTSTAMP:20261001T120000Z')
    expect(lines).toContain('LAST-MODIFIED:20261001T120000Z')
    expect(lines).toContain('STATUS:CANCELLED')
    expect(lines).toContain('UID:e1@band.example')
    expect(lines).toContain('LOCATION:St Mary’s Hall\\, High Street')
    expect(lines).toContain('DESCRIPTION:Dress: black\\nBring a pencil')
    expect(lines).toContain('URL:https://band.example/portal/events/e1?a=1,2')
    expect(lines).toContain('X-BAND-RSVP:GOING')
    expect(lines.filter((line) => line === 'BEGIN:VTIMEZONE')).toHaveLength(1)
  })

  it('is the same text for the same input (no clock inside)', () => {
    expect(writeCalendar({ name: 'x', timeZone: 'UTC', productId: 'p', coverFrom: new Date(0), coverTo: new Date(0), events: [] })).toBe(
      writeCalendar({ name: 'x', timeZone: 'UTC', productId: 'p', coverFrom: new Date(0), coverTo: new Date(0), events: [] }),
    )
  })
})

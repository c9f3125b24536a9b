import { describe, expect, it } from 'vitest'
import { eventFormSchema, eventTimes, VenueSchema } from './schedule-schema.ts'

// The event form's checks, each with the message a director reads beside the field.

const schema = eventFormSchema('Europe/London')
const valid = { kind: 'rehearsal', title: 'Rehearsal', date: '2026-10-27', startTime: '19:30', endTime: '21:30' }
const errorsOf = (input: Record<string, unknown>) =>
  schema.safeParse({ ...valid, ...input }).error?.issues.map((issue) => [issue.path.join('.'), issue.message]) ?? []

describe('the event form', () => {
  it('takes a rehearsal and stores its local times as UTC instants', () => {
    const parsed = schema.parse({ ...valid, callTime: '19:00', rsvpDeadlineDate: '2026-10-26', rsvpDeadlineTime: '12:00' })
    const times = eventTimes(parsed, 'Europe/London')
    expect(times.startsAt.toISOString()).toBe('2026-10-27T19:30:00.000Z')
    expect(times.callTime?.toISOString()).toBe('2026-10-27T19:00:00.000Z')
    expect(times.rsvpDeadline?.toISOString()).toBe('2026-10-26T12:00:00.000Z')
    // Summer time: 19:30 in London is 18:30Z.
    expect(eventTimes(schema.parse({ ...valid, date: '2026-06-02' }), 'Europe/London').startsAt.toISOString()).toBe('2026-06-02T18:30:00.000Z')
  })

  it('says what is wrong with each field', () => {
    expect(errorsOf({ date: '2026-02-30' })).toEqual([['date', 'Enter a real date, like 2026-10-27']])
    expect(errorsOf({ startTime: '25:00' })).toEqual([['startTime', 'Enter a time like 19:30']])
    expect(errorsOf({ title: '  ' })).toEqual([['title', 'Enter a title']])
    expect(errorsOf({ endTime: '19:00' })).toEqual([['endTime', 'The end must be after the start (on the same day)']])
    expect(errorsOf({ callTime: '19:45' })).toEqual([['callTime', 'The call time must be at or before the start']])
    expect(errorsOf({ rsvpDeadlineDate: '2026-10-28', rsvpDeadlineTime: '09:00' })).toEqual([['rsvpDeadlineDate', 'The RSVP deadline must be before the event starts']])
    expect(errorsOf({ rsvpDeadlineDate: '2026-10-26' })).toEqual([['rsvpDeadlineTime', 'Enter the time of the deadline too']])
    expect(errorsOf({ kind: 'sectional' })).toEqual([['sectionId', 'Choose the section this sectional is for']])
  })

  it('refuses a time inside the hour the clocks skip, and takes the first of a time that happens twice', () => {
    expect(errorsOf({ date: '2027-03-28', startTime: '01:30', endTime: '03:00' })).toEqual([
      ['startTime', '01:30 on Sunday 28 March 2027 does not exist in the band’s time zone: the clocks go forward that night. Choose another time.'],
    ])
    const twice = schema.parse({ ...valid, date: '2026-10-25', startTime: '01:30', endTime: '03:00' })
    expect(eventTimes(twice, 'Europe/London').startsAt.toISOString()).toBe('2026-10-25T00:30:00.000Z')
  })
})

describe('the venue form', () => {
  it('takes an http(s) map link only', () => {
    expect(VenueSchema.safeParse({ name: 'Hall', mapUrl: 'https://www.openstreetmap.org/?mlat=51.5' }).success).toBe(true)
    for (const mapUrl of ['javascript:alert(1)', 'data:text/html,hi', 'not a link', 'ftp://example.org/x']) {
      expect(VenueSchema.safeParse({ name: 'Hall', mapUrl }).error?.issues[0]?.message, mapUrl).toBe('Enter a web address starting with https://')
    }
  })
})

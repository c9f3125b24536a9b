import { z } from 'zod'
import { addDays, daysBetween, describeDate, isLocalDate, localToInstant, WEEKDAYS, weekdayOf } from './local-time.ts'
import { EVENT_KINDS } from './schema.ts'

/**
 * The forms directors schedule with: venues, one event, a weekly series,
 * cancelling. Times are wall-clock times in the band's zone, so the event and
 * series schemas are made for that zone; they run in the browser too.
 */

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/
/** The longest series: about a season, from September to the next summer. */
export const SERIES_MAX_DAYS = 400

const text = (max: number, what: string) => z.string().trim().max(max, `${what} can be at most ${max} characters`)
const required = (max: number, what: string, missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, `${what} can be at most ${max} characters`)
const optionalId = (what: string) => z.uuid(`Choose ${what} from the list`).optional()
const date = (missing: string) => z.string({ error: missing }).refine(isLocalDate, 'Enter a real date, like 2026-10-27')
const time = (missing: string) => z.string({ error: missing }).regex(TIME, 'Enter a time like 19:30')

/** An http(s) address, or nothing: a map link must not be a javascript: or data: URL. */
const webAddress = z
  .string()
  .trim()
  .max(500, 'The map link can be at most 500 characters')
  .refine((value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0
    } catch {
      return false
    }
  }, 'Enter a web address starting with https://')

export const VenueSchema = z.object({
  name: required(120, 'The name', 'Enter the name of the venue'),
  address: text(200, 'The address').optional(),
  city: text(100, 'The town or city').optional(),
  postcode: text(20, 'The postcode').optional(),
  mapUrl: webAddress.optional(),
  notes: text(2000, 'The notes').optional(),
})
export type VenueInput = z.output<typeof VenueSchema>

export const DeleteVenueSchema = z.object({
  intent: z.literal('delete'),
  confirm: z.boolean({ error: 'Tick the box to confirm' }).refine((ticked) => ticked, 'Tick the box to confirm'),
})

/** "19:30 on Sunday 29 March 2026 does not exist here: the clocks go forward." */
function gapMessage(day: string, clock: string) {
  return `${clock} on ${describeDate(day)} does not exist in the band’s time zone: the clocks go forward that night. Choose another time.`
}

export function eventFormSchema(timeZone: string) {
  return z
    .object({
      kind: z.enum(EVENT_KINDS, { error: 'Choose the kind of event' }),
      title: required(120, 'The title', 'Enter a title'),
      sectionId: optionalId('a section'),
      date: date('Enter the date'),
      startTime: time('Enter the start time'),
      endTime: time('Enter the end time'),
      callTime: time('Enter the call time').optional(),
      venueId: optionalId('a venue'),
      dress: text(200, 'Dress').optional(),
      description: text(4000, 'The notes').optional(),
      isPublic: z.boolean().optional(),
      rsvpDeadlineDate: date('Enter the date of the deadline').optional(),
      rsvpDeadlineTime: time('Enter the time of the deadline').optional(),
    })
    .superRefine((value, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
      if (value.kind === 'sectional' && !value.sectionId) issue('sectionId', 'Choose the section this sectional is for')
      // Zod runs this even when a field failed: compare only what parsed.
      if (!isLocalDate(value.date) || !TIME.test(value.startTime) || !TIME.test(value.endTime)) return
      if (value.callTime && !TIME.test(value.callTime)) return
      const start = localToInstant(value.date, value.startTime, timeZone)
      if (!start.ok) return issue('startTime', gapMessage(value.date, value.startTime))
      if (value.endTime <= value.startTime) issue('endTime', 'The end must be after the start (on the same day)')
      else if (!localToInstant(value.date, value.endTime, timeZone).ok) issue('endTime', gapMessage(value.date, value.endTime))
      if (value.callTime) {
        if (value.callTime > value.startTime) issue('callTime', 'The call time must be at or before the start')
        else if (!localToInstant(value.date, value.callTime, timeZone).ok) issue('callTime', gapMessage(value.date, value.callTime))
      }
      if (value.rsvpDeadlineDate && !value.rsvpDeadlineTime) issue('rsvpDeadlineTime', 'Enter the time of the deadline too')
      else if (!value.rsvpDeadlineDate && value.rsvpDeadlineTime) issue('rsvpDeadlineDate', 'Enter the date of the deadline too')
      else if (value.rsvpDeadlineDate && value.rsvpDeadlineTime && isLocalDate(value.rsvpDeadlineDate) && TIME.test(value.rsvpDeadlineTime)) {
        const deadline = localToInstant(value.rsvpDeadlineDate, value.rsvpDeadlineTime, timeZone)
        if (!deadline.ok) issue('rsvpDeadlineTime', gapMessage(value.rsvpDeadlineDate, value.rsvpDeadlineTime))
        else if (deadline.instant > start.instant) issue('rsvpDeadlineDate', 'The RSVP deadline must be before the event starts')
      }
    })
}
export type EventFormValue = z.output<ReturnType<typeof eventFormSchema>>

/** The instants of a checked event form (the schema made sure they exist). */
export function eventTimes(value: EventFormValue, timeZone: string) {
  const at = (day: string, clock: string) => {
    const local = localToInstant(day, clock, timeZone)
    if (!local.ok) throw new Error(`${day} ${clock} does not exist in ${timeZone}`)
    return local.instant
  }
  return {
    startsAt: at(value.date, value.startTime),
    endsAt: at(value.date, value.endTime),
    callTime: value.callTime ? at(value.date, value.callTime) : null,
    rsvpDeadline: value.rsvpDeadlineDate && value.rsvpDeadlineTime ? at(value.rsvpDeadlineDate, value.rsvpDeadlineTime) : null,
  }
}

/** The cancel form; the same page restores a cancelled event (CancelEventSchema takes either). */
export const CancelReasonSchema = z.object({
  intent: z.literal('cancel'),
  reason: required(200, 'The reason', 'Say why it is cancelled: members will see it'),
})
export const CancelEventSchema = z.discriminatedUnion('intent', [CancelReasonSchema, z.object({ intent: z.literal('restore') })])

/** The dates a weekly series falls on between two dates, skipping its exceptions. */
export function seriesDates(rule: { weekday: number; startsOn: string; endsOn: string }, skip: ReadonlySet<string> = new Set()): string[] {
  const dates: string[] = []
  let day = addDays(rule.startsOn, (rule.weekday - weekdayOf(rule.startsOn) + 7) % 7)
  while (day <= rule.endsOn) {
    if (!skip.has(day)) dates.push(day)
    day = addDays(day, 7)
  }
  return dates
}

export function seriesFormSchema(timeZone: string) {
  return z
    .object({
      kind: z.enum(EVENT_KINDS, { error: 'Choose the kind of event' }),
      title: required(120, 'The title', 'Enter a title'),
      weekday: z.number({ error: 'Choose the day of the week' }).int().min(0, 'Choose the day of the week').max(6, 'Choose the day of the week'),
      startTime: time('Enter the start time'),
      endTime: time('Enter the end time'),
      callMinutesBefore: z
        .number({ error: 'Enter a number of minutes' })
        .int('Enter whole minutes')
        .min(0, 'Enter 0 minutes or more')
        .max(240, 'The call can be at most 240 minutes before')
        .optional(),
      startsOn: date('Enter the first date'),
      endsOn: date('Enter the last date'),
      venueId: optionalId('a venue'),
      sectionId: optionalId('a section'),
      dress: text(200, 'Dress').optional(),
      description: text(4000, 'The notes').optional(),
      /** New series only: dates it skips from the start (half term), checked by the service. */
      skipDates: text(2000, 'The dates to skip').optional(),
    })
    .superRefine((value, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
      if (value.kind === 'sectional' && !value.sectionId) issue('sectionId', 'Choose the section these sectionals are for')
      if (!isLocalDate(value.startsOn) || !isLocalDate(value.endsOn) || !TIME.test(value.startTime) || !TIME.test(value.endTime)) return
      if (!Number.isInteger(value.weekday) || value.weekday < 0 || value.weekday > 6) return
      if (value.endTime <= value.startTime) issue('endTime', 'The end must be after the start (on the same day)')
      const length = daysBetween(value.startsOn, value.endsOn)
      if (length < 0) return issue('endsOn', 'The last date must be on or after the first date')
      if (length > SERIES_MAX_DAYS) return issue('endsOn', `A series can run for at most ${SERIES_MAX_DAYS} days; make a second series for the rest`)
      const dates = seriesDates(value)
      if (dates.length === 0) return issue('weekday', `No ${WEEKDAYS[value.weekday]} falls between those dates`)
      // A time the clocks skip on one of the dates: say which, rather than move it.
      for (const day of dates) {
        for (const [field, clock] of [['startTime', value.startTime], ['endTime', value.endTime]] as const) {
          if (!localToInstant(day, clock, timeZone).ok) return issue(field, gapMessage(day, clock))
        }
      }
    })
}
export type SeriesFormValue = z.output<ReturnType<typeof seriesFormSchema>>

export const AddExceptionSchema = z.object({
  intent: z.literal('add-exception'),
  onDate: date('Enter the date to skip'),
  reason: text(200, 'The reason').optional(),
})
export const SeriesExceptionSchema = z.discriminatedUnion('intent', [
  AddExceptionSchema,
  z.object({ intent: z.literal('remove-exception'), onDate: date('Choose a date') }),
])

import { z } from 'zod'
import type { RsvpAnswer } from '#db/types.ts'

/** The three answers, in the order the buttons offer them, with the words members read. */
export const RSVP_ANSWERS = ['going', 'not_going', 'maybe'] as const satisfies readonly RsvpAnswer[]
export const ANSWER_LABELS: Record<RsvpAnswer, string> = { going: 'Going', not_going: 'Not going', maybe: 'Maybe' }

/** The columns of an answer count: the three answers, then those who gave none. */
export const COUNT_COLUMNS = [...RSVP_ANSWERS.map((answer) => [answer, ANSWER_LABELS[answer]] as const), ['none', 'No answer'] as const]

export const NOTE_MAX = 200

/** An answer from the event page: the member is never taken from the form, only the event from the URL. */
export const RsvpSchema = z.object({
  answer: z.enum(RSVP_ANSWERS, { error: 'Choose Going, Not going or Maybe.' }),
  note: z
    .string()
    .trim()
    .max(NOTE_MAX, `Keep the note to ${NOTE_MAX} characters or fewer.`)
    .optional()
    .transform((note) => note || null),
})

/** A one-tap answer from the portal's list: which event is in the form, and is checked again on the server. */
export const QuickRsvpSchema = z.object({
  eventId: z.uuid({ error: 'That event is not one of yours.' }),
  answer: z.enum(RSVP_ANSWERS, { error: 'Choose Going, Not going or Maybe.' }),
})

/** Longest absence one entry may cover; the table refuses more (0016: ends_on <= starts_on + 366). */
export const ABSENCE_MAX_DAYS = 366

/** A calendar date as <input type="date"> sends it, that exists (no 30 February). */
const calendarDate = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date as year-month-day, e.g. 2027-03-03.')
    .refine(isRealDate, 'That date does not exist. Check the day and month.')

export function isRealDate(value: string): boolean {
  const [year = 0, month = 0, day = 0] = value.split('-').map(Number)
  const date = new Date(Date.UTC(year, month - 1, day))
  return year >= 1900 && year <= 2200 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Days from one 'YYYY-MM-DD' to another (0 for the same day). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

function describeLength(days: number): string {
  const years = days / 365.25
  if (years >= 1.5) return `a range of ${Math.round(years)} years`
  const months = Math.round(days / 30.44)
  return months >= 2 ? `a range of ${months} months` : `a range of ${days + 1} days`
}

export const AbsenceSchema = z
  .object({
    startsOn: calendarDate('Enter the first day you are away.'),
    endsOn: calendarDate('Enter the last day you are away (the same day for one day).'),
    reason: z
      .string()
      .trim()
      .max(NOTE_MAX, `Keep the reason to ${NOTE_MAX} characters or fewer.`)
      .optional()
      .transform((reason) => reason || null),
  })
  .superRefine((value, context) => {
    const days = daysBetween(value.startsOn, value.endsOn)
    if (days < 0) {
      context.addIssue({ code: 'custom', path: ['endsOn'], message: 'The last day is before the first day. Check the dates.' })
    } else if (days > ABSENCE_MAX_DAYS - 1) {
      context.addIssue({
        code: 'custom',
        path: ['endsOn'],
        message: `One entry can cover a year at most; this is ${describeLength(days)}. Enter a shorter range, or talk to your section leader about leave.`,
      })
    }
  })

export const RemoveAbsenceSchema = z.object({ absenceId: z.uuid({ error: 'That absence is not one of yours.' }) })

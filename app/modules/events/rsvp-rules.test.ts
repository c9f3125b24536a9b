import { parseWithZod } from '@conform-to/zod/v4'
import { describe, expect, it } from 'vitest'
import { AbsenceSchema, daysBetween, isRealDate, RsvpSchema } from './rsvp-schema.ts'
import { answersCloseAt, answersForSomeoneElse, rsvpRefusal } from './rsvp.server.ts'

/** A submission as plain fields: status, the value when it parsed, the errors by field when not. */
function flat<Value>(submission: { status?: string; value?: Value; error?: Record<string, string[] | null> | null }) {
  return { status: submission.status, value: submission.value, error: submission.error ?? undefined }
}

const at = (iso: string) => new Date(iso)
const event = { startsAt: at('2027-03-02T19:30:00Z'), status: 'scheduled', rsvpDeadline: null as Date | null }

describe('when answers are open', () => {
  it('is until the start when there is no deadline, and until the deadline when there is one', () => {
    expect(rsvpRefusal(event, at('2027-03-02T19:29:59Z'))).toBeNull()
    expect(rsvpRefusal(event, at('2027-03-02T19:30:00Z'))).toBe('past')
    const withDeadline = { ...event, rsvpDeadline: at('2027-02-28T12:00:00Z') }
    expect(answersCloseAt(withDeadline)).toEqual(at('2027-02-28T12:00:00Z'))
    expect(rsvpRefusal(withDeadline, at('2027-02-28T11:59:00Z'))).toBeNull()
    expect(rsvpRefusal(withDeadline, at('2027-02-28T12:00:00Z'))).toBe('closed')
    expect(rsvpRefusal(withDeadline, at('2027-03-03T12:00:00Z'))).toBe('past')
  })

  it('never for a cancelled event', () => {
    expect(rsvpRefusal({ ...event, status: 'cancelled' }, at('2027-01-01T00:00:00Z'))).toBe('cancelled')
  })
})

describe('the RSVP form', () => {
  const parse = (fields: Record<string, string>) => {
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    return flat(parseWithZod(form, { schema: RsvpSchema }))
  }

  it('takes an answer and an optional note of up to 200 characters', () => {
    expect(parse({ answer: 'maybe', note: ' late 20 min ' })).toMatchObject({ status: 'success', value: { answer: 'maybe', note: 'late 20 min' } })
    expect(parse({ answer: 'going' })).toMatchObject({ status: 'success', value: { note: null } })
    expect(parse({ answer: 'going', note: 'x'.repeat(201) }).error?.note).toEqual(['Keep the note to 200 characters or fewer.'])
    expect(parse({ answer: 'yes' }).error?.answer).toEqual(['Choose Going, Not going or Maybe.'])
  })

  it('refuses a member id that is not the signed-in member’s own', () => {
    const own = '3f9a1c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b'
    const form = new FormData()
    expect(answersForSomeoneElse(form, own)).toBe(false)
    form.append('memberId', own)
    expect(answersForSomeoneElse(form, own)).toBe(false)
    form.append('memberId', '00000000-0000-4000-8000-000000000001')
    expect(answersForSomeoneElse(form, own)).toBe(true)
  })
})

describe('dates away', () => {
  const parse = (fields: Record<string, string>) => {
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    return flat(parseWithZod(form, { schema: AbsenceSchema }))
  }

  it('knows real dates', () => {
    expect(isRealDate('2028-02-29')).toBe(true)
    expect(isRealDate('2027-02-29')).toBe(false)
    expect(isRealDate('2027-04-31')).toBe(false)
    expect(isRealDate('2027-13-01')).toBe(false)
    expect(daysBetween('2027-03-03', '2027-03-17')).toBe(14)
  })

  it('takes a range with an optional reason', () => {
    expect(parse({ startsOn: '2027-03-03', endsOn: '2027-03-17', reason: 'Holiday' })).toMatchObject({
      status: 'success',
      value: { startsOn: '2027-03-03', endsOn: '2027-03-17', reason: 'Holiday' },
    })
    expect(parse({ startsOn: '2027-03-03', endsOn: '2027-03-03' }).status).toBe('success')
    expect(parse({ startsOn: '2027-01-01', endsOn: '2028-01-01' }).status).toBe('success')
  })

  it('says what is wrong, per field', () => {
    expect(parse({ startsOn: '', endsOn: '' }).error).toMatchObject({
      startsOn: ['Enter the first day you are away.'],
      endsOn: ['Enter the last day you are away (the same day for one day).'],
    })
    expect(parse({ startsOn: '2027-02-30', endsOn: '2027-03-01' }).error?.startsOn).toEqual(['That date does not exist. Check the day and month.'])
    expect(parse({ startsOn: '3/3/2027', endsOn: '2027-03-01' }).error?.startsOn?.[0]).toMatch(/year-month-day/)
    expect(parse({ startsOn: '2027-03-17', endsOn: '2027-03-03' }).error?.endsOn).toEqual(['The last day is before the first day. Check the dates.'])
    expect(parse({ startsOn: '2027-01-01', endsOn: '2030-01-01' }).error?.endsOn?.[0]).toMatch(/a range of 3 years/)
    expect(parse({ startsOn: '2027-01-01', endsOn: '2028-01-02' }).error?.endsOn?.[0]).toMatch(/a year at most/)
    expect(parse({ startsOn: '2027-01-01', endsOn: '2027-01-02', reason: 'x'.repeat(201) }).error?.reason).toEqual([
      'Keep the reason to 200 characters or fewer.',
    ])
  })
})

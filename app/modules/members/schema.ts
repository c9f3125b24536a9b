import { z } from 'zod'
import type { MemberKind, MemberStatus } from '#db/types.ts'

/** The forms and queries of the roster and member pages (/admin/members…). */

export const MEMBER_STATUSES = ['active', 'on_leave', 'inactive', 'alumni'] as const satisfies readonly MemberStatus[]
export const MEMBER_KINDS = ['member', 'guest', 'substitute'] as const satisfies readonly MemberKind[]

export const STATUS_LABELS: Record<MemberStatus, string> = {
  active: 'Active',
  on_leave: 'On leave',
  inactive: 'Inactive',
  alumni: 'Alumni',
}

export const KIND_LABELS: Record<MemberKind, string> = {
  member: 'Member',
  guest: 'Guest',
  substitute: 'Substitute',
}

export const ROSTER_SORTS = ['name', 'section', 'joined'] as const
export type RosterSort = (typeof ROSTER_SORTS)[number]

const UUID = z.uuid()

/** The roster's query string: anything that does not parse falls back to "no filter". */
export const RosterQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  section: UUID.optional().catch(undefined),
  instrument: UUID.optional().catch(undefined),
  status: z.enum(MEMBER_STATUSES).optional().catch(undefined),
  kind: z.enum(MEMBER_KINDS).optional().catch(undefined),
  sort: z.enum(ROSTER_SORTS).catch('name'),
  after: z.string().max(500).optional().catch(undefined),
  before: z.string().max(500).optional().catch(undefined),
})
export type RosterQuery = z.infer<typeof RosterQuerySchema>

/** The filters as a query string (without the page cursor), for links that keep them. */
export function rosterParams(query: Omit<RosterQuery, 'after' | 'before'>): URLSearchParams {
  const params = new URLSearchParams()
  for (const name of ['q', 'section', 'instrument', 'status', 'kind'] as const) {
    const value = query[name]
    if (value) params.set(name, value)
  }
  if (query.sort !== 'name') params.set('sort', query.sort)
  return params
}

/** A calendar date the way forms send it; "2026-02-30" is refused, not rolled over to March. */
export function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return year >= 1900 && year <= 2200 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

const optionalText = (max: number, label: string) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max, `${label} is at most ${max} characters`).optional())

const optionalDate = (message: string) =>
  z.preprocess(blankToUndefined, z.string().trim().refine(isRealDate, message).optional())

const requiredName = (label: string) =>
  z.string({ error: `Enter the ${label}` }).trim().min(1, `Enter the ${label}`).max(100, `The ${label} is at most 100 characters`)

/** The profile part of the member page, and the new-member form. */
export const MemberProfileFields = {
  firstName: requiredName('first name'),
  lastName: requiredName('last name'),
  preferredName: optionalText(100, 'The preferred name'),
  pronouns: optionalText(40, 'Pronouns'),
  email: z.preprocess(blankToUndefined, z.string().trim().max(254).email('Enter a valid email address').optional()),
  phone: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(40, 'The phone number is at most 40 characters')
      .regex(/^[0-9+()\-.\s/]+$/, 'Use digits, spaces and + ( ) - only')
      .optional(),
  ),
  joinedOn: optionalDate('Enter a real date (YYYY-MM-DD)'),
  notes: optionalText(2000, 'Notes'),
  kind: z.enum(MEMBER_KINDS, { error: 'Choose member, guest or substitute' }),
  engagedEventId: z.preprocess(blankToUndefined, z.uuid('Choose an event from the list').optional()),
  engagedUntil: optionalDate('Enter a real date (YYYY-MM-DD)'),
}

type ProfileShape = { kind: MemberKind; engagedEventId?: string; engagedUntil?: string }

/** Guests and substitutes play for one event or until a date; members do neither. */
function checkEngagement(value: ProfileShape, ctx: z.RefinementCtx) {
  if (value.kind !== 'member' && !value.engagedEventId && !value.engagedUntil) {
    ctx.addIssue({ code: 'custom', path: ['engagedEventId'], message: 'Choose the event they play, or the date they play until' })
  }
}

export const MemberProfileSchema = z.object({ intent: z.literal('profile'), ...MemberProfileFields }).superRefine(checkEngagement)

/** /admin/members/new: the profile with a first instrument and status. */
export const NewMemberSchema = z
  .object({
    ...MemberProfileFields,
    status: z.enum(MEMBER_STATUSES, { error: 'Choose a status' }),
    instrumentId: z.preprocess(blankToUndefined, z.uuid('Choose an instrument from the list').optional()),
    chair: z.preprocess(blankToUndefined, z.coerce.number({ error: 'Enter a chair number' }).int('Enter a whole number').min(1, 'Chairs start at 1').max(20, 'Chairs go up to 20').optional()),
  })
  .superRefine(checkEngagement)

export const StatusChangeSchema = z.object({
  intent: z.literal('status'),
  status: z.enum(MEMBER_STATUSES, { error: 'Choose a status' }),
  effectiveOn: z.string({ error: 'Enter the date it takes effect' }).trim().refine(isRealDate, 'Enter a real date (YYYY-MM-DD)'),
  note: optionalText(500, 'The note'),
})

const chair = z.preprocess(
  blankToUndefined,
  z.coerce.number({ error: 'Enter a chair number' }).int('Enter a whole number').min(1, 'Chairs start at 1').max(20, 'Chairs go up to 20').optional(),
)

export const AddInstrumentSchema = z.object({
  intent: z.literal('add-instrument'),
  instrumentId: z.uuid('Choose an instrument from the list'),
  chair,
  primary: z.preprocess((value) => value === 'on' || value === 'true', z.boolean()),
})

export const UpdateInstrumentSchema = z.object({
  intent: z.literal('update-instrument'),
  instrumentId: z.uuid(),
  chair,
  primary: z.preprocess((value) => value === 'on' || value === 'true', z.boolean()),
})

export const RemoveInstrumentSchema = z.object({
  intent: z.literal('remove-instrument'),
  instrumentId: z.uuid(),
  confirm: z.literal('on', { error: 'Tick the box to confirm' }),
})

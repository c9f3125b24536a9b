import { type ExpressionBuilder, sql, type Transaction } from 'kysely'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Database, Db, RsvpAnswer } from '#db/types.ts'
import { effectiveAnswer, isExpectedAt } from './roll.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { ANSWER_LABELS } from './rsvp-schema.ts'

/**
 * RSVP rules: a member answers for themselves (the member is the signed-in
 * user's own record, or the one a signed link names, never a form field),
 * for an event they are expected at, that is neither cancelled nor started,
 * until its RSVP deadline (or its start when it has none). One answer per
 * member and event: the upsert makes two submissions at once store one row.
 */

export type RsvpWindow = {
  id: string
  title: string
  kind: string
  startsAt: Date
  status: string
  rsvpDeadline: Date | null
}

export type RsvpRefusal = 'no-event' | 'cancelled' | 'past' | 'closed' | 'not-expected'

/** The last moment an answer may change. */
export const answersCloseAt = (event: Pick<RsvpWindow, 'startsAt' | 'rsvpDeadline'>): Date => event.rsvpDeadline ?? event.startsAt

/** Why an answer to `event` would be refused now, or null when it is open. */
export function rsvpRefusal(event: Pick<RsvpWindow, 'startsAt' | 'status' | 'rsvpDeadline'>, now: Date): Exclude<RsvpRefusal, 'no-event' | 'not-expected'> | null {
  if (event.status === 'cancelled') return 'cancelled'
  if (event.startsAt.getTime() <= now.getTime()) return 'past'
  if (answersCloseAt(event).getTime() <= now.getTime()) return 'closed'
  return null
}

export const REFUSAL_MESSAGES: Record<RsvpRefusal, string> = {
  'no-event': 'There is no such event. It may have been removed.',
  cancelled: 'This event is cancelled, so there is nothing to answer.',
  past: 'This event has already started or is over: answers are closed.',
  closed: 'The RSVP deadline for this event has passed. Tell your section leader if your plans changed.',
  'not-expected': 'You are not on the list for this event, so there is nothing to answer.',
}

/**
 * Whether one of member `members.id`'s absences covers the date of `events.id`
 * (both in scope) in the band's zone: the same test as the event roll's.
 */
export function awayAt(eb: ExpressionBuilder<Database, 'members' | 'events'>, timeZone: string) {
  return eb.exists(
    eb
      .selectFrom('absences')
      .select('absences.id')
      .whereRef('absences.member_id', '=', 'members.id')
      .where(sql<boolean>`(events.starts_at at time zone ${timeZone})::date between absences.starts_on and absences.ends_on`),
  )
}

/** The HTTP status of a refused answer: an unknown event 404, someone else's event 403, a closed one 400. */
export function refusalStatus(reason: RsvpRefusal): 400 | 403 | 404 {
  return reason === 'no-event' ? 404 : reason === 'not-expected' ? 403 : 400
}

/** The event, its answer window and whether `memberId` is expected at it, in one query. */
export async function getRsvpTarget(db: Db, input: { eventId: string; memberId: string; timeZone: string }) {
  return db
    .selectFrom('events')
    .innerJoin('members', (join) => join.onTrue())
    .leftJoin('rsvps', (join) => join.onRef('rsvps.event_id', '=', 'events.id').onRef('rsvps.member_id', '=', 'members.id'))
    .select((eb) => [
      'events.id',
      'events.title',
      'events.kind',
      'events.starts_at as startsAt',
      'events.status',
      'events.rsvp_deadline as rsvpDeadline',
      sql<string>`coalesce(members.preferred_name, members.first_name)`.as('firstName'),
      'rsvps.answer',
      'rsvps.note',
      isExpectedAt(eb, input.timeZone).as('expected'),
      awayAt(eb, input.timeZone).as('away'),
    ])
    .where('events.id', '=', input.eventId)
    .where('events.deleted_at', 'is', null)
    .where('members.id', '=', input.memberId)
    .executeTakeFirst()
}

export type RsvpOutcome =
  | { kind: 'saved'; answer: RsvpAnswer; eventTitle: string; startsAt: Date }
  | { kind: 'refused'; reason: RsvpRefusal; message: string }

/** Records (or changes) a member's answer, audited as rsvp.answer in the same transaction. */
export async function answerRsvp(
  db: Db,
  input: {
    memberId: string
    eventId: string
    answer: RsvpAnswer
    /** undefined keeps the note already there (a one-tap answer); null clears it. */
    note?: string | null
    via: 'portal' | 'link'
    timeZone: string
    audit: AuditContext
    now?: Date
  },
): Promise<RsvpOutcome> {
  const now = input.now ?? new Date()
  const refuse = (reason: RsvpRefusal): RsvpOutcome => ({ kind: 'refused', reason, message: REFUSAL_MESSAGES[reason] })
  return inTransaction(db, async (trx) => {
    const target = await getRsvpTarget(trx, input)
    if (!target) return refuse('no-event')
    const closed = rsvpRefusal(target, now)
    if (closed) return refuse(closed)
    if (!target.expected) return refuse('not-expected')

    // A one-tap answer (note undefined) leaves the note in the row alone, even one saved a moment ago by another request.
    const changes = { answer: input.answer, answered_at: now, answered_via: input.via, ...(input.note === undefined ? {} : { note: input.note }) }
    const saved = await trx
      .insertInto('rsvps')
      .values({ event_id: target.id, member_id: input.memberId, note: null, ...changes })
      .onConflict((conflict) => conflict.columns(['event_id', 'member_id']).doUpdateSet(changes))
      .returning(['note'])
      .executeTakeFirstOrThrow()
    await recordAudit(trx, input.audit, {
      action: 'rsvp.answer',
      entity: ['rsvp', target.id],
      before: target.answer ? { member: input.memberId, answer: target.answer, note: target.note } : null,
      after: { member: input.memberId, answer: input.answer, note: saved.note },
      details: { via: input.via },
    })
    return { kind: 'saved', answer: input.answer, eventTitle: target.title, startsAt: target.startsAt }
  })
}

/** A transaction, or the one the caller is already in. */
export function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work)
}

/** A member id in the form that is not the signed-in member's own: refused, never used (issue 8, bad input). */
export function answersForSomeoneElse(formData: FormData, ownMemberId: string): boolean {
  const named = formData.getAll('memberId')
  return named.some((value) => value !== ownMemberId)
}

/** "You answered Not going for Rehearsal, Tuesday, 8 December 2026 at 19:30." (many events share a title) */
export function savedMessage(outcome: Extract<RsvpOutcome, { kind: 'saved' }>, timeZone: string): string {
  return `You answered ${ANSWER_LABELS[outcome.answer]} for ${outcome.eventTitle}, ${formatEventDate(outcome.startsAt, timeZone)}.`
}

/** The member's answers to some events, with absences, for lists: event id → what to show (only events they are expected at). */
export async function myAnswers(db: Db, input: { memberId: string; eventIds: string[]; timeZone: string }) {
  const shown = new Map<string, { answer: RsvpAnswer | null; away: boolean; effective: RsvpAnswer | null }>()
  if (input.eventIds.length === 0) return shown
  const rows = await db
    .selectFrom('events')
    .innerJoin('members', (join) => join.onTrue())
    .leftJoin('rsvps', (join) => join.onRef('rsvps.event_id', '=', 'events.id').onRef('rsvps.member_id', '=', 'members.id'))
    .select((eb) => [
      'events.id',
      'rsvps.answer',
      awayAt(eb, input.timeZone).as('away'),
    ])
    .where('members.id', '=', input.memberId)
    .where('events.id', 'in', input.eventIds)
    .where((eb) => isExpectedAt(eb, input.timeZone))
    .execute()
  for (const row of rows) {
    const away = Boolean(row.away)
    shown.set(row.id, { answer: row.answer, away, effective: effectiveAnswer(row.answer, away) })
  }
  return shown
}

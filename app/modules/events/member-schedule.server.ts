import { sql } from 'kysely'
import type { Db } from '#db/types.ts'
import { effectiveAnswer, isExpectedAt } from './roll.server.ts'
import { answersCloseAt, awayAt, rsvpRefusal } from './rsvp.server.ts'

/**
 * A member's own next events (the portal's home page): the events they are
 * expected at that have not ended, soonest first, each with their answer,
 * whether an absence covers it, and whether answers are still open.
 */
export async function nextEventsFor(db: Db, input: { memberId: string; timeZone: string; now: Date; limit: number }) {
  const rows = await db
    .selectFrom('events')
    .innerJoin('members', (join) => join.onTrue())
    .leftJoin('venues', 'venues.id', 'events.venue_id')
    .leftJoin('rsvps', (join) => join.onRef('rsvps.event_id', '=', 'events.id').onRef('rsvps.member_id', '=', 'members.id'))
    .select((eb) => [
      'events.id',
      'events.kind',
      'events.title',
      'events.starts_at as startsAt',
      'events.ends_at as endsAt',
      'events.status',
      'events.cancel_reason as cancelReason',
      'events.rsvp_deadline as rsvpDeadline',
      'venues.name as venueName',
      'rsvps.answer',
      'rsvps.note',
      awayAt(eb, input.timeZone).as('away'),
    ])
    .where('members.id', '=', input.memberId)
    .where('events.deleted_at', 'is', null)
    .where('events.ends_at', '>=', input.now)
    .where((eb) => isExpectedAt(eb, input.timeZone))
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .limit(input.limit)
    .execute()
  return rows.map((row) => {
    const away = Boolean(row.away)
    return {
      ...row,
      away,
      effectiveAnswer: effectiveAnswer(row.answer, away),
      closesAt: answersCloseAt(row),
      refusal: rsvpRefusal(row, input.now),
    }
  })
}

/** The member's record as the portal greets them, or undefined (an account without one, e.g. an admin). */
export async function getMemberGreeting(db: Db, memberId: string) {
  return db
    .selectFrom('members')
    .select(['members.id', sql<string>`coalesce(members.preferred_name, members.first_name)`.as('firstName'), 'members.status'])
    .where('members.id', '=', memberId)
    .where('members.deleted_at', 'is', null)
    .executeTakeFirst()
}

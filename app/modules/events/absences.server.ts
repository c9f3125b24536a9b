import { sql } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Db, RsvpAnswer } from '#db/types.ts'
import { effectiveAnswer, isExpectedAt } from './roll.server.ts'
import { inTransaction } from './rsvp.server.ts'

/**
 * A member's own absences ("away 3–17 March"). A range answers "not going"
 * for the events inside it that the member has not answered (effectiveAnswer
 * in roll.server.ts); no RSVP rows are written for it, so removing the range
 * gives those events back their "no answer".
 */

export type CoveredEvent = { id: string; title: string; kind: string; startsAt: string; status: string; answer: RsvpAnswer | null; shown: RsvpAnswer | null }

/** The member's absences, latest first, each with the events it covers (those the member is expected at). */
export async function listOwnAbsences(db: Db, input: { memberId: string; timeZone: string }) {
  const rows = await db
    .selectFrom('absences')
    .innerJoin('members', 'members.id', 'absences.member_id')
    .select((eb) => [
      'absences.id',
      'absences.starts_on as startsOn',
      'absences.ends_on as endsOn',
      'absences.reason',
      jsonArrayFrom(
        eb
          .selectFrom('events')
          .leftJoin('rsvps', (join) => join.onRef('rsvps.event_id', '=', 'events.id').onRef('rsvps.member_id', '=', 'members.id'))
          .select(['events.id', 'events.title', 'events.kind', 'events.starts_at as startsAt', 'events.status', 'rsvps.answer'])
          .where('events.deleted_at', 'is', null)
          .where(sql<boolean>`(events.starts_at at time zone ${input.timeZone})::date between absences.starts_on and absences.ends_on`)
          .where((inner) => isExpectedAt(inner, input.timeZone))
          .orderBy('events.starts_at'),
      ).as('events'),
    ])
    .where('absences.member_id', '=', input.memberId)
    .orderBy('absences.starts_on', 'desc')
    .orderBy('absences.id')
    .execute()
  return rows.map((row) => ({
    ...row,
    startsOn: dateText(row.startsOn),
    endsOn: dateText(row.endsOn),
    events: row.events.map((event): CoveredEvent => ({ ...event, startsAt: String(event.startsAt), shown: effectiveAnswer(event.answer, true) })),
  }))
}

/** A date column as 'YYYY-MM-DD' (db/client.server.ts hands dates over as text). */
function dateText(value: string): string {
  return value.slice(0, 10)
}

export async function addAbsence(
  db: Db,
  input: { memberId: string; startsOn: string; endsOn: string; reason: string | null; audit: AuditContext },
): Promise<string> {
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto('absences')
      .values({ member_id: input.memberId, starts_on: input.startsOn, ends_on: input.endsOn, reason: input.reason })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, input.audit, {
      action: 'absence.add',
      entity: ['absence', id],
      after: { member: input.memberId, startsOn: input.startsOn, endsOn: input.endsOn, reason: input.reason },
    })
    return id
  })
}

/** One of the member's own absences, or undefined (also for someone else's). */
export async function getOwnAbsence(db: Db, input: { memberId: string; absenceId: string }) {
  const row = await db
    .selectFrom('absences')
    .select(['id', 'starts_on as startsOn', 'ends_on as endsOn', 'reason'])
    .where('id', '=', input.absenceId)
    .where('member_id', '=', input.memberId)
    .executeTakeFirst()
  return row ? { ...row, startsOn: dateText(row.startsOn), endsOn: dateText(row.endsOn) } : undefined
}

/** Removes one of the member's own absences; false when there is none with that id for them. */
export async function removeAbsence(db: Db, input: { memberId: string; absenceId: string; audit: AuditContext }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const removed = await trx
      .deleteFrom('absences')
      .where('id', '=', input.absenceId)
      .where('member_id', '=', input.memberId)
      .returning(['id', 'starts_on', 'ends_on', 'reason'])
      .executeTakeFirst()
    if (!removed) return false
    await recordAudit(trx, input.audit, {
      action: 'absence.remove',
      entity: ['absence', removed.id],
      before: { member: input.memberId, startsOn: dateText(removed.starts_on), endsOn: dateText(removed.ends_on), reason: removed.reason },
      after: null,
    })
    return true
  })
}

/** Today's date in the band's zone, 'YYYY-MM-DD'. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

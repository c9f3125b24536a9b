import { type ExpressionBuilder, sql } from 'kysely'
import type { Database, Db, RsvpAnswer } from '#db/types.ts'

/**
 * The roll of an event: the members expected at it, each with their section,
 * primary instrument and chair, their RSVP and whether an absence covers the
 * event's date. RSVP pages, coverage, attendance and calendar feeds all read
 * it from here, so "who is expected" and "what did they answer" mean one thing.
 *
 * Expected: active members who play all season, plus guests and substitutes
 * engaged for this event or until a date on or after it; a sectional expects
 * only its section.
 */

/** An answer given, else "not going" when an absence covers the date, else none. */
export type EffectiveAnswer = RsvpAnswer | null

export type RollEntry = {
  memberId: string
  name: string
  kind: 'member' | 'guest' | 'substitute'
  sectionId: string | null
  sectionName: string | null
  instrumentId: string | null
  instrumentName: string | null
  chair: number | null
  answer: RsvpAnswer | null
  note: string | null
  /** An absence range covers the event's date (in the band's zone). */
  away: boolean
  awayReason: string | null
  effectiveAnswer: EffectiveAnswer
}

/** The name a member goes by, as SQL: "Tom Nowak" for Tomasz who prefers Tom. */
export const memberNameSql = sql<string>`coalesce(members.preferred_name, members.first_name) || ' ' || members.last_name`

/** The event's calendar date in the band's zone, as SQL. */
function eventDate(timeZone: string) {
  return sql<string>`(events.starts_at at time zone ${timeZone})::date`
}

/** An absence (in scope as `absences`) covers the event's date. */
export function covers(timeZone: string) {
  return sql<boolean>`${eventDate(timeZone)} between absences.starts_on and absences.ends_on`
}

/** Whether member `members.id` is expected at `events.id` (both in scope). */
export function isExpectedAt(eb: ExpressionBuilder<Database, 'members' | 'events'>, timeZone: string) {
  return eb.and([
    eb('members.deleted_at', 'is', null),
    eb('members.status', '=', 'active'),
    eb.or([
      eb('members.kind', '=', 'member'),
      eb('members.engaged_event_id', '=', eb.ref('events.id')),
      eb('members.engaged_until', '>=', eventDate(timeZone)),
    ]),
    eb.or([
      eb('events.section_id', 'is', null),
      eb.exists(
        eb
          .selectFrom('member_instruments as mi')
          .innerJoin('instruments as si', 'si.id', 'mi.instrument_id')
          .whereRef('mi.member_id', '=', 'members.id')
          .whereRef('si.section_id', '=', 'events.section_id'),
      ),
    ]),
  ])
}

/** The roll of one event, by section order, chair, then name. */
export async function getEventRoll(db: Db, eventId: string, timeZone: string): Promise<RollEntry[]> {
  const rows = await db
    .selectFrom('events')
    .innerJoin('members', (join) => join.onTrue())
    .leftJoin('member_instruments', (join) =>
      join.onRef('member_instruments.member_id', '=', 'members.id').on('member_instruments.is_primary', '=', true),
    )
    .leftJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .leftJoin('sections', 'sections.id', 'instruments.section_id')
    .leftJoin('rsvps', (join) =>
      join.onRef('rsvps.event_id', '=', 'events.id').onRef('rsvps.member_id', '=', 'members.id'),
    )
    .select((eb) => [
      'members.id as memberId',
      memberNameSql.as('name'),
      'members.kind',
      'sections.id as sectionId',
      'sections.name as sectionName',
      'instruments.id as instrumentId',
      'instruments.name as instrumentName',
      'member_instruments.chair',
      'rsvps.answer',
      'rsvps.note',
      eb
        .selectFrom('absences')
        .select('absences.reason')
        .whereRef('absences.member_id', '=', 'members.id')
        .where(covers(timeZone))
        .orderBy('absences.starts_on')
        .limit(1)
        .as('awayReason'),
      eb
        .exists(eb.selectFrom('absences').select('absences.id').whereRef('absences.member_id', '=', 'members.id').where(covers(timeZone)))
        .as('away'),
    ])
    .where('events.id', '=', eventId)
    .where((eb) => isExpectedAt(eb, timeZone))
    .orderBy(sql`sections.sort_order nulls last`)
    .orderBy(sql`member_instruments.chair nulls last`)
    .orderBy('members.last_name')
    .orderBy('members.first_name')
    .execute()
  return rows.map((row) => ({
    ...row,
    away: Boolean(row.away),
    awayReason: row.awayReason ?? null,
    effectiveAnswer: effectiveAnswer(row.answer, Boolean(row.away)),
  }))
}

/** What an answer and an absence add up to: an answer given always wins. */
export function effectiveAnswer(answer: RsvpAnswer | null, away: boolean): EffectiveAnswer {
  return answer ?? (away ? 'not_going' : null)
}

/** Counts of effective answers, with "no answer" as `none`. */
export function countAnswers(roll: readonly Pick<RollEntry, 'effectiveAnswer'>[]) {
  const counts = { going: 0, not_going: 0, maybe: 0, none: 0 }
  for (const entry of roll) counts[entry.effectiveAnswer ?? 'none'] += 1
  return counts
}

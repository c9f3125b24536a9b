import { type Kysely, sql } from 'kysely'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { AttendanceStatus, Database, Db } from '#db/types.ts'
import { type AttendanceReach, bandDate, reachesSection } from './attendance-schema.ts'
import { getEventRoll, type RollEntry } from './roll.server.ts'

/**
 * Taking attendance: the sheet of an event (its roll, within the marker's
 * reach, with what was saved or what the RSVPs suggest) and saving it in
 * one audited transaction. The history and its export are in
 * attendance-history.server.ts.
 */

export type SheetRow = RollEntry & { saved: AttendanceStatus | null; suggested: AttendanceStatus | null }

/**
 * What the sheet starts from when nothing is saved: going → present, not
 * going (or away) → excused, since they told the band in advance. Maybe
 * and no answer get nothing chosen: guessing "absent" would record a wrong
 * mark for someone who came without answering, so the leader looks and taps.
 */
export function suggestedMark(entry: Pick<RollEntry, 'effectiveAnswer'>): AttendanceStatus | null {
  if (entry.effectiveAnswer === 'going') return 'present'
  if (entry.effectiveAnswer === 'not_going') return 'excused'
  return null
}

type MarkableEvent = { id: string; status: string; startsAt: Date; title: string }

/** Why an event cannot be marked (yet), or null when it can: it must have started or be today. */
export function whyNotMarkable(event: Pick<MarkableEvent, 'status' | 'startsAt'>, now: Date, timeZone: string): string | null {
  if (event.status === 'cancelled') return 'This event was cancelled, so there is no attendance to take.'
  if (bandDate(event.startsAt, timeZone) > bandDate(now, timeZone)) {
    return 'This event has not happened yet. Attendance can be taken from the day of the event.'
  }
  return null
}

/** The rows of the sheet within reach (and of one section when given), in the roll's order. */
export async function getAttendanceSheet(
  db: Db,
  options: { eventId: string; timeZone: string; reach: AttendanceReach; sectionId?: string | null },
): Promise<SheetRow[]> {
  const [roll, saved] = await Promise.all([
    getEventRoll(db, options.eventId, options.timeZone),
    db.selectFrom('attendance').select(['member_id', 'status']).where('event_id', '=', options.eventId).execute(),
  ])
  const savedBy = new Map(saved.map((row) => [row.member_id, row.status]))
  return roll
    .filter((entry) => reachesSection(options.reach, entry.sectionId))
    .filter((entry) => options.sectionId === undefined || options.sectionId === null || entry.sectionId === options.sectionId)
    .map((entry) => ({ ...entry, saved: savedBy.get(entry.memberId) ?? null, suggested: suggestedMark(entry) }))
}

/**
 * Events to take attendance for: the last `days` days up to today (band's
 * zone), newest first, not cancelled; a leader's list leaves out other
 * sections' sectionals. With how many marks each has so far.
 */
export function listRecentEvents(db: Db, options: { now: Date; timeZone: string; days: number; reach: AttendanceReach }) {
  const today = sql<string>`(${options.now}::timestamptz at time zone ${options.timeZone})::date`
  const { reach } = options
  return db
    .selectFrom('events')
    .select((eb) => [
      'events.id',
      'events.title',
      'events.kind',
      'events.starts_at as startsAt',
      eb
        .selectFrom('attendance')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('attendance.event_id', '=', 'events.id')
        // A leader counts their own sections' marks (by primary instrument, as on the roll).
        .$if(!reach.everyone, (marks) =>
          marks.where((inner) =>
            reach.everyone || reach.sectionIds.length === 0
              ? inner.lit(false)
              : inner.exists(
                  inner
                    .selectFrom('member_instruments as mi')
                    .innerJoin('instruments as si', 'si.id', 'mi.instrument_id')
                    .select('mi.member_id')
                    .whereRef('mi.member_id', '=', 'attendance.member_id')
                    .where('mi.is_primary', '=', true)
                    .where('si.section_id', 'in', reach.sectionIds),
                ),
          ),
        )
        .as('marked'),
    ])
    .where('events.deleted_at', 'is', null)
    .where('events.status', '=', 'scheduled')
    .where(sql<boolean>`(events.starts_at at time zone ${options.timeZone})::date between ${today} - ${options.days}::int and ${today}`)
    .$if(!reach.everyone, (query) =>
      query.where((eb) =>
        eb.or([eb('events.section_id', 'is', null), ...(reach.everyone ? [] : reach.sectionIds.map((id) => eb('events.section_id', '=', id)))]),
      ),
    )
    .orderBy('events.starts_at', 'desc')
    .limit(10)
    .execute()
}

export type MarkCounts = Record<AttendanceStatus, number>

export type SaveOutcome = { ok: true; counts: MarkCounts } | { ok: false; status: 400 | 403 | 404; message: string }

/**
 * Saves the marks given (member id → status) for one event, all or nothing:
 * every member must be on the event's roll and within the marker's reach,
 * or nothing is saved (403 for a member outside it, whatever else the form
 * held). Marks for members left out of the form stay as they were.
 */
export async function saveAttendance(
  db: Kysely<Database>,
  input: {
    eventId: string
    marks: Record<string, AttendanceStatus>
    reach: AttendanceReach
    markedBy: string
    timeZone: string
    now: Date
    audit: AuditContext
    /** The section the sheet showed, for the audit row. */
    sectionName: string | null
  },
): Promise<SaveOutcome> {
  return db.transaction().execute(async (trx): Promise<SaveOutcome> => {
    const event = await trx
      .selectFrom('events')
      .select(['id', 'status', 'starts_at as startsAt', 'title'])
      .where('id', '=', input.eventId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    if (!event) return { ok: false, status: 404, message: 'There is no such event. It may have been removed.' }
    const refusal = whyNotMarkable(event, input.now, input.timeZone)
    if (refusal) return { ok: false, status: 400, message: refusal }

    const roll = new Map((await getEventRoll(trx, input.eventId, input.timeZone)).map((entry) => [entry.memberId, entry]))
    const entries = Object.entries(input.marks)
    for (const [memberId] of entries) {
      const entry = roll.get(memberId)
      // Someone outside the marker's sections is refused before anything else (never trust the form).
      if (!reachesSection(input.reach, entry?.sectionId ?? null)) {
        return { ok: false, status: 403, message: 'You may take attendance only for your own section.' }
      }
      if (!entry) return { ok: false, status: 400, message: 'Someone on the form is not expected at this event. Reload the page and try again.' }
    }
    if (entries.length === 0) return { ok: false, status: 400, message: 'Choose present, late, excused or absent for at least one member.' }

    const markedAt = input.now
    await trx
      .insertInto('attendance')
      .values(entries.map(([memberId, status]) => ({ event_id: input.eventId, member_id: memberId, status, marked_by: input.markedBy, marked_at: markedAt })))
      .onConflict((conflict) =>
        conflict.columns(['event_id', 'member_id']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          marked_by: eb.ref('excluded.marked_by'),
          marked_at: eb.ref('excluded.marked_at'),
        })),
      )
      .execute()

    const counts: MarkCounts = { present: 0, late: 0, excused: 0, absent: 0 }
    for (const [, status] of entries) counts[status] += 1
    await recordAudit(trx, input.audit, {
      action: 'attendance.mark',
      entity: ['event', input.eventId],
      details: { event: event.title, section: input.sectionName ?? 'everyone', marked: entries.length, ...counts },
    })
    return { ok: true, counts }
  })
}

import type { Kysely, Transaction as KyselyTransaction } from 'kysely'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import { zonedTimeToInstant } from '#app/platform/job-schedules.ts'
import type { Database, Db, EventKind } from '#db/types.ts'
import { checkReferences, type FieldErrors } from './events.server.ts'
import { localToInstant, parseLocalDate, WEEKDAYS, weekdayOf } from './local-time.ts'
import { type SeriesFormValue, seriesDates } from './schedule-schema.ts'

/**
 * Recurring series ("every Tuesday 19:30–21:30 from September to June"): the
 * series keeps wall-clock times in the band's zone and one event row per date,
 * so a daylight-saving change inside it keeps 19:30 local. Editing the series
 * rewrites only its future dates nobody changed by hand; past dates never
 * change. Exceptions are dates it skips.
 */

type Transaction = KyselyTransaction<Database>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

type Rule = {
  kind: EventKind
  title: string
  weekday: number
  startTime: string
  endTime: string
  callMinutesBefore: number | null
  startsOn: string
  endsOn: string
  venueId: string | null
  sectionId: string | null
  dress: string | null
  description: string | null
}

const ruleOf = (value: SeriesFormValue): Rule => ({
  kind: value.kind,
  title: value.title,
  weekday: value.weekday,
  startTime: value.startTime,
  endTime: value.endTime,
  callMinutesBefore: value.callMinutesBefore ?? null,
  startsOn: value.startsOn,
  endsOn: value.endsOn,
  venueId: value.venueId ?? null,
  sectionId: value.kind === 'sectional' ? (value.sectionId ?? null) : null,
  dress: value.dress ?? null,
  description: value.description ?? null,
})

const seriesColumns = (rule: Rule) => ({
  kind: rule.kind,
  title: rule.title,
  weekday: rule.weekday,
  start_time: rule.startTime,
  end_time: rule.endTime,
  call_minutes_before: rule.callMinutesBefore,
  starts_on: rule.startsOn,
  ends_on: rule.endsOn,
  venue_id: rule.venueId,
  section_id: rule.sectionId,
  dress: rule.dress,
  description: rule.description,
})

/** A wall-clock time on a date; one the clocks skip (refused by the form, possible in old rows) runs that much later. */
function at(day: string, clock: string, timeZone: string): Date {
  const local = localToInstant(day, clock, timeZone)
  if (local.ok) return local.instant
  const date = parseLocalDate(day)
  const [hour, minute] = clock.split(':').map(Number)
  if (!date || hour === undefined || minute === undefined) throw new Error(`bad series time ${day} ${clock}`)
  return new Date(zonedTimeToInstant(date.year, date.month, date.day, hour, minute, timeZone))
}

/** The columns of the event a series has on one date. */
function eventOn(rule: Rule, day: string, timeZone: string) {
  const startsAt = at(day, rule.startTime, timeZone)
  return {
    kind: rule.kind,
    title: rule.title,
    venue_id: rule.venueId,
    section_id: rule.sectionId,
    dress: rule.dress,
    description: rule.description,
    starts_at: startsAt,
    ends_at: at(day, rule.endTime, timeZone),
    call_time: rule.callMinutesBefore === null ? null : new Date(startsAt.getTime() - rule.callMinutesBefore * 60_000),
  }
}

export type SeriesOutcome = { ok: true; id: string; counts: Counts } | { ok: false; status: 400; fieldErrors: FieldErrors } | { ok: false; status: 404; message: string }
type Counts = { created: number; updated: number; cancelled: number; removed: number; restored: number }
const noCounts = (): Counts => ({ created: 0, updated: 0, cancelled: 0, removed: 0, restored: 0 })
const gone = { ok: false, status: 404, message: 'There is no such series. It may have been removed.' } as const

/** Dates typed into "dates to skip": each a real date of the series, or a message. */
export function parseSkipDates(text: string | undefined, rule: { weekday: number; startsOn: string; endsOn: string }): { dates: string[] } | { error: string } {
  const dates = (text ?? '').split(/[\s,;]+/).filter(Boolean)
  for (const day of dates) {
    if (!parseLocalDate(day)) return { error: `“${day}” is not a date: write dates like 2026-10-27, separated by commas` }
    if (day < rule.startsOn || day > rule.endsOn || weekdayOf(day) !== rule.weekday) {
      return { error: `${day} is not a ${WEEKDAYS[rule.weekday]} of this series` }
    }
  }
  return { dates: [...new Set(dates)].sort() }
}

export async function createSeries(
  db: Kysely<Database>,
  value: SeriesFormValue & { skipDates?: string },
  options: { timeZone: string; audit: AuditContext },
): Promise<SeriesOutcome> {
  const fieldErrors = await checkReferences(db, value)
  const skip = parseSkipDates(value.skipDates, value)
  if ('error' in skip) fieldErrors.skipDates = [skip.error]
  if (Object.keys(fieldErrors).length || 'error' in skip) return { ok: false, status: 400, fieldErrors }
  const rule = ruleOf(value)
  return db.transaction().execute(async (trx) => {
    const series = await trx.insertInto('event_series').values(seriesColumns(rule)).returning('id').executeTakeFirstOrThrow()
    if (skip.dates.length) {
      await trx
        .insertInto('event_series_exceptions')
        .values(skip.dates.map((on_date) => ({ series_id: series.id, on_date, reason: null })))
        .execute()
    }
    const dates = seriesDates(rule, new Set(skip.dates))
    await trx
      .insertInto('events')
      .values(dates.map((day) => ({ ...eventOn(rule, day, options.timeZone), series_id: series.id, series_date: day })))
      .execute()
    const counts = { ...noCounts(), created: dates.length }
    await recordAudit(trx, options.audit, {
      action: 'series.create',
      entity: ['event_series', series.id],
      after: { ...seriesColumns(rule), skipped: skip.dates },
      details: counts,
    })
    return { ok: true, id: series.id, counts }
  })
}

/** The series with its exceptions and its dates (event, status, changed by hand), in date order. */
export async function getSeries(db: Db, id: string) {
  if (!UUID.test(id)) return undefined
  const series = await db
    .selectFrom('event_series')
    .select([
      'id', 'kind', 'title', 'weekday', 'start_time as startTime', 'end_time as endTime', 'call_minutes_before as callMinutesBefore',
      'starts_on as startsOn', 'ends_on as endsOn', 'venue_id as venueId', 'section_id as sectionId', 'dress', 'description',
    ])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  if (!series) return undefined
  const [exceptions, events] = await Promise.all([
    db.selectFrom('event_series_exceptions').select(['on_date as onDate', 'reason']).where('series_id', '=', id).orderBy('on_date').execute(),
    db
      .selectFrom('events')
      .select(['id', 'series_date as seriesDate', 'starts_at as startsAt', 'status', 'cancel_reason as cancelReason', 'series_detached as detached'])
      .where('series_id', '=', id)
      .where('deleted_at', 'is', null)
      .orderBy('starts_at')
      .execute(),
  ])
  return { ...series, exceptions, events }
}

/** Series for directors' links, newest first. */
export function listSeries(db: Db, options: { limit: number }) {
  return db
    .selectFrom('event_series')
    .select(['id', 'title', 'weekday', 'start_time as startTime', 'starts_on as startsOn', 'ends_on as endsOn'])
    .where('deleted_at', 'is', null)
    .orderBy('starts_on', 'desc')
    .limit(options.limit)
    .execute()
}

type SeriesEvent = { id: string; series_date: string | null; starts_at: Date; status: string; cancel_reason: string | null; series_detached: boolean; deleted_at: Date | null }

async function seriesEvents(trx: Transaction, seriesId: string): Promise<SeriesEvent[]> {
  return trx
    .selectFrom('events')
    .select(['id', 'series_date', 'starts_at', 'status', 'cancel_reason', 'series_detached', 'deleted_at'])
    .where('series_id', '=', seriesId)
    .forUpdate()
    .execute()
}

/**
 * Takes a date out of the schedule. An event members have already answered is
 * cancelled with the reason, so their answer is kept and they see why; one
 * nobody answered is soft-deleted, as if it had never been planned.
 */
async function takeOut(trx: Transaction, event: SeriesEvent, reason: string, counts: Counts) {
  const answered = await trx.selectFrom('rsvps').select('member_id').where('event_id', '=', event.id).limit(1).executeTakeFirst()
  if (answered) {
    if (event.status !== 'cancelled') {
      await trx.updateTable('events').set({ status: 'cancelled', cancel_reason: reason, updated_at: new Date() }).where('id', '=', event.id).execute()
    }
    counts.cancelled += 1
  } else {
    await trx.updateTable('events').set({ deleted_at: new Date() }).where('id', '=', event.id).execute()
    counts.removed += 1
  }
}

async function lockSeries(trx: Transaction, id: string) {
  return trx
    .selectFrom('event_series')
    .select([
      'kind', 'title', 'weekday', 'start_time', 'end_time', 'call_minutes_before', 'starts_on', 'ends_on', 'venue_id', 'section_id', 'dress', 'description',
    ])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst()
}

const ruleFromRow = (row: NonNullable<Awaited<ReturnType<typeof lockSeries>>>): Rule => ({
  kind: row.kind,
  title: row.title,
  weekday: row.weekday,
  startTime: row.start_time,
  endTime: row.end_time,
  callMinutesBefore: row.call_minutes_before,
  startsOn: row.starts_on,
  endsOn: row.ends_on,
  venueId: row.venue_id,
  sectionId: row.section_id,
  dress: row.dress,
  description: row.description,
})

export async function updateSeries(
  db: Kysely<Database>,
  id: string,
  value: SeriesFormValue,
  options: { timeZone: string; audit: AuditContext; now?: Date },
): Promise<SeriesOutcome> {
  if (!UUID.test(id)) return gone
  const fieldErrors = await checkReferences(db, value)
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors }
  const now = options.now ?? new Date()
  const rule = ruleOf(value)
  return db.transaction().execute(async (trx) => {
    const before = await lockSeries(trx, id)
    if (!before) return gone
    const exceptions = await trx.selectFrom('event_series_exceptions').select('on_date').where('series_id', '=', id).execute()
    const wanted = new Set(seriesDates(rule, new Set(exceptions.map((row) => row.on_date))))
    const events = await seriesEvents(trx, id)
    const counts = noCounts()
    for (const event of events) {
      // Past dates and dates changed by hand stay as they are.
      if (event.deleted_at || event.series_detached || event.starts_at <= now || !event.series_date) continue
      if (wanted.has(event.series_date)) {
        await trx.updateTable('events').set({ ...eventOn(rule, event.series_date, options.timeZone), updated_at: new Date() }).where('id', '=', event.id).execute()
        counts.updated += 1
      } else {
        await takeOut(trx, event, 'No longer part of the series', counts)
      }
    }
    const byDate = new Map(events.map((event) => [event.series_date, event]))
    for (const day of wanted) {
      const existing = byDate.get(day)
      const columns = eventOn(rule, day, options.timeZone)
      if (columns.starts_at <= now) continue
      if (!existing) {
        await trx.insertInto('events').values({ ...columns, series_id: id, series_date: day }).execute()
        counts.created += 1
      } else if (existing.deleted_at && !existing.series_detached) {
        // A date taken out earlier and now wanted again: the same row comes back (its id is in links and feeds).
        await trx.updateTable('events').set({ ...columns, deleted_at: null, updated_at: new Date() }).where('id', '=', existing.id).execute()
        counts.restored += 1
      }
    }
    await trx.updateTable('event_series').set({ ...seriesColumns(rule), updated_at: new Date() }).where('id', '=', id).execute()
    await recordAudit(trx, options.audit, { action: 'series.update', entity: ['event_series', id], before, after: seriesColumns(rule), details: counts })
    return { ok: true, id, counts }
  })
}

export type ExceptionOutcome = { ok: true; message: string } | { ok: false; status: 400; fieldErrors: FieldErrors } | { ok: false; status: 404; message: string }

const skippedReason = (reason: string | null, kind: EventKind) => reason ?? `No ${kind} this week`

export async function addSeriesException(
  db: Kysely<Database>,
  id: string,
  input: { onDate: string; reason?: string },
  options: { audit: AuditContext; now?: Date },
): Promise<ExceptionOutcome> {
  if (!UUID.test(id)) return gone
  const now = options.now ?? new Date()
  return db.transaction().execute(async (trx) => {
    const series = await lockSeries(trx, id)
    if (!series) return gone
    const refuse = (message: string): ExceptionOutcome => ({ ok: false, status: 400, fieldErrors: { onDate: [message] } })
    if (input.onDate < series.starts_on || input.onDate > series.ends_on || weekdayOf(input.onDate) !== series.weekday) {
      return refuse(`${input.onDate} is not a ${WEEKDAYS[series.weekday]} of this series (${series.starts_on} to ${series.ends_on})`)
    }
    const known = await trx.selectFrom('event_series_exceptions').select('on_date').where('series_id', '=', id).where('on_date', '=', input.onDate).executeTakeFirst()
    if (known) return refuse('That date is already skipped')
    const events = await seriesEvents(trx, id)
    const event = events.find((row) => row.series_date === input.onDate && !row.deleted_at)
    if (event && event.starts_at <= now) return refuse('That date has passed: it can no longer be skipped')
    const reason = input.reason ?? null
    await trx.insertInto('event_series_exceptions').values({ series_id: id, on_date: input.onDate, reason }).execute()
    const counts = noCounts()
    if (event) await takeOut(trx, event, skippedReason(reason, series.kind), counts)
    await recordAudit(trx, options.audit, {
      action: 'series.exception_add',
      entity: ['event_series', id],
      after: { on_date: input.onDate, reason },
      details: { eventId: event?.id ?? null, ...counts },
    })
    const outcome = counts.cancelled ? 'Its event is cancelled: members had answered.' : counts.removed ? 'Its event is removed.' : ''
    return { ok: true, message: `${input.onDate} is skipped. ${outcome}`.trim() }
  })
}

export async function removeSeriesException(
  db: Kysely<Database>,
  id: string,
  onDate: string,
  options: { timeZone: string; audit: AuditContext; now?: Date },
): Promise<ExceptionOutcome> {
  if (!UUID.test(id)) return gone
  const now = options.now ?? new Date()
  return db.transaction().execute(async (trx) => {
    const series = await lockSeries(trx, id)
    if (!series) return gone
    const exception = await trx
      .deleteFrom('event_series_exceptions')
      .where('series_id', '=', id)
      .where('on_date', '=', onDate)
      .returning(['on_date', 'reason'])
      .executeTakeFirst()
    if (!exception) return { ok: false, status: 400, fieldErrors: { onDate: ['That date is not skipped'] } }
    const rule = ruleFromRow(series)
    const columns = eventOn(rule, onDate, options.timeZone)
    const event = (await seriesEvents(trx, id)).find((row) => row.series_date === onDate)
    let outcome = 'none'
    if (columns.starts_at > now) {
      if (!event) {
        await trx.insertInto('events').values({ ...columns, series_id: id, series_date: onDate }).execute()
        outcome = 'created'
      } else if (event.deleted_at) {
        await trx.updateTable('events').set({ ...(event.series_detached ? {} : columns), deleted_at: null, updated_at: new Date() }).where('id', '=', event.id).execute()
        outcome = 'restored'
      } else if (event.status === 'cancelled' && event.cancel_reason === skippedReason(exception.reason, series.kind)) {
        // Cancelled by this exception (not by hand for another reason): it is back on.
        await trx.updateTable('events').set({ status: 'scheduled', cancel_reason: null, updated_at: new Date() }).where('id', '=', event.id).execute()
        outcome = 'restored'
      }
    }
    await recordAudit(trx, options.audit, {
      action: 'series.exception_remove',
      entity: ['event_series', id],
      before: { on_date: exception.on_date, reason: exception.reason },
      details: { eventId: event?.id ?? null, outcome },
    })
    return { ok: true, message: outcome === 'none' ? `${onDate} is no longer skipped.` : `${onDate} is back on the schedule.` }
  })
}

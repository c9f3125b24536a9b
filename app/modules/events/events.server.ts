import type { Kysely } from 'kysely'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Database, Db } from '#db/types.ts'
import { instantToLocal } from './local-time.ts'
import { type EventFormValue, eventTimes } from './schedule-schema.ts'
import { venueExists } from './venues.server.ts'

/**
 * Directors' changes to one event: schedule it, change it, cancel it with a
 * reason members see, restore it. Each change and its audit row share one
 * transaction. Changing one date of a series by hand detaches it, so a later
 * edit of the series leaves that date as it was set.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export type FieldErrors = Record<string, string[]>
export type SaveOutcome = { ok: true; id: string } | { ok: false; status: 400; fieldErrors: FieldErrors } | { ok: false; status: 404; message: string }

const gone = { ok: false, status: 404, message: 'There is no such event. It may have been removed.' } as const

/** The event as its edit form shows it: times as the band's dates and wall-clock times. */
export async function getEventForEdit(db: Db, id: string, timeZone: string) {
  if (!UUID.test(id)) return undefined
  const row = await db
    .selectFrom('events')
    .select([
      'id', 'kind', 'title', 'section_id', 'venue_id', 'call_time', 'starts_at', 'ends_at', 'dress', 'description',
      'is_public', 'rsvp_deadline', 'status', 'cancel_reason', 'series_id', 'series_date', 'series_detached',
    ])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  if (!row) return undefined
  const start = instantToLocal(row.starts_at, timeZone)
  const deadline = row.rsvp_deadline ? instantToLocal(row.rsvp_deadline, timeZone) : null
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    cancelReason: row.cancel_reason,
    startsAt: row.starts_at,
    seriesId: row.series_id,
    seriesDate: row.series_date,
    seriesDetached: row.series_detached,
    /** What the edit form starts from, field by field. */
    form: {
      kind: row.kind,
      title: row.title,
      sectionId: row.section_id ?? '',
      date: start.date,
      startTime: start.time,
      endTime: instantToLocal(row.ends_at, timeZone).time,
      callTime: row.call_time ? instantToLocal(row.call_time, timeZone).time : '',
      venueId: row.venue_id ?? '',
      dress: row.dress ?? '',
      description: row.description ?? '',
      isPublic: row.is_public,
      rsvpDeadlineDate: deadline?.date ?? '',
      rsvpDeadlineTime: deadline?.time ?? '',
    },
  }
}

/** What the form's section and venue name must exist: hidden and chosen ids are checked, never trusted. */
export async function checkReferences(db: Db, value: { venueId?: string; sectionId?: string; kind: string }): Promise<FieldErrors> {
  const errors: FieldErrors = {}
  if (value.venueId && !(await venueExists(db, value.venueId))) errors.venueId = ['That venue no longer exists: choose another']
  if (value.kind === 'sectional' && value.sectionId) {
    const section = await db.selectFrom('sections').select('id').where('id', '=', value.sectionId).executeTakeFirst()
    if (!section) errors.sectionId = ['That section no longer exists: choose another']
  }
  return errors
}

function columnsOf(value: EventFormValue, timeZone: string) {
  const times = eventTimes(value, timeZone)
  return {
    kind: value.kind,
    title: value.title,
    // Only a sectional belongs to one section: a section on anything else would hide it from the band.
    section_id: value.kind === 'sectional' ? (value.sectionId ?? null) : null,
    venue_id: value.venueId ?? null,
    call_time: times.callTime,
    starts_at: times.startsAt,
    ends_at: times.endsAt,
    dress: value.dress ?? null,
    description: value.description ?? null,
    is_public: value.isPublic ?? false,
    rsvp_deadline: times.rsvpDeadline,
  }
}

function slugify(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/['’]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'event'
  )
}

/** Public events are read at /concerts/:slug: a free "<title>-<year>" (then -2, -3…). */
async function freeSlug(db: Db, title: string, startsAt: Date): Promise<string> {
  const base = `${slugify(title)}-${startsAt.getUTCFullYear()}`
  const taken = await db.selectFrom('events').select('slug').where('slug', 'like', `${base}%`).where('deleted_at', 'is', null).execute()
  const used = new Set(taken.map((row) => row.slug))
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`
    if (!used.has(slug)) return slug
  }
}

export async function createEvent(db: Kysely<Database>, value: EventFormValue, options: { timeZone: string; audit: AuditContext }): Promise<SaveOutcome> {
  const fieldErrors = await checkReferences(db, value)
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors }
  return db.transaction().execute(async (trx) => {
    const columns = columnsOf(value, options.timeZone)
    const slug = columns.is_public ? await freeSlug(trx, value.title, columns.starts_at) : null
    const row = await trx.insertInto('events').values({ ...columns, slug }).returning('id').executeTakeFirstOrThrow()
    await recordAudit(trx, options.audit, { action: 'event.create', entity: ['event', row.id], after: { ...columns, slug } })
    return { ok: true, id: row.id }
  })
}

export async function updateEvent(
  db: Kysely<Database>,
  id: string,
  value: EventFormValue,
  options: { timeZone: string; audit: AuditContext },
): Promise<SaveOutcome> {
  if (!UUID.test(id)) return gone
  const fieldErrors = await checkReferences(db, value)
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors }
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('events')
      .select([
        'kind', 'title', 'section_id', 'venue_id', 'call_time', 'starts_at', 'ends_at', 'dress', 'description',
        'is_public', 'rsvp_deadline', 'slug', 'series_id', 'series_detached',
      ])
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst()
    if (!before) return gone
    const columns = columnsOf(value, options.timeZone)
    const slug = before.slug ?? (columns.is_public ? await freeSlug(trx, value.title, columns.starts_at) : null)
    // A date of a series changed by hand is a one-off: the series no longer rewrites it.
    const detached = before.series_id !== null ? true : before.series_detached
    await trx
      .updateTable('events')
      .set({ ...columns, slug, series_detached: detached, updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await recordAudit(trx, options.audit, {
      action: 'event.update',
      entity: ['event', id],
      before,
      after: { ...columns, slug, series_detached: detached },
    })
    return { ok: true, id }
  })
}

export type StatusOutcome = { ok: true } | { ok: false; status: 404 | 409; message: string }

/** Cancels an event; members see "Cancelled: <reason>" on it and in the schedule. */
export async function cancelEvent(db: Kysely<Database>, id: string, reason: string, audit: AuditContext): Promise<StatusOutcome> {
  return setStatus(db, id, { status: 'cancelled', reason }, audit)
}

/** Puts a cancelled event back on the schedule. */
export async function restoreEvent(db: Kysely<Database>, id: string, audit: AuditContext): Promise<StatusOutcome> {
  return setStatus(db, id, { status: 'scheduled', reason: null }, audit)
}

async function setStatus(
  db: Kysely<Database>,
  id: string,
  change: { status: 'scheduled' | 'cancelled'; reason: string | null },
  audit: AuditContext,
): Promise<StatusOutcome> {
  if (!UUID.test(id)) return gone
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('events')
      .select(['status', 'cancel_reason'])
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst()
    if (!before) return gone
    if (before.status === change.status) {
      return { ok: false, status: 409, message: change.status === 'cancelled' ? 'This event is already cancelled.' : 'This event is not cancelled.' }
    }
    await trx.updateTable('events').set({ status: change.status, cancel_reason: change.reason, updated_at: new Date() }).where('id', '=', id).execute()
    await recordAudit(trx, audit, {
      action: change.status === 'cancelled' ? 'event.cancel' : 'event.restore',
      entity: ['event', id],
      before,
      after: { status: change.status, cancel_reason: change.reason },
    })
    return { ok: true }
  })
}

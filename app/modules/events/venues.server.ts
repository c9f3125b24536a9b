import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Database, Db } from '#db/types.ts'
import { type Kysely, sql } from 'kysely'
import type { VenueInput } from './schedule-schema.ts'

/**
 * Where the band plays and rehearses. Directors keep the list; a venue still
 * named by an event or a series is never deleted (members would lose the
 * address of their next rehearsal), others are soft-deleted.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const VENUE_COLUMNS = ['id', 'name', 'address', 'city', 'postcode', 'map_url as mapUrl', 'notes'] as const

export type VenueCursor = { name: string; id: string }

/** Venues by name, keyset-paged, each with how many upcoming events it has. */
export async function listVenues(db: Db, options: { after?: VenueCursor; limit: number; now: Date }) {
  const { after } = options
  return db
    .selectFrom('venues')
    .select((eb) => [
      ...VENUE_COLUMNS,
      eb
        .selectFrom('events')
        .select(sql<number>`count(*)::int`.as('count'))
        .whereRef('events.venue_id', '=', 'venues.id')
        .where('events.deleted_at', 'is', null)
        .where('events.ends_at', '>=', options.now)
        .as('upcomingEvents'),
    ])
    .where('deleted_at', 'is', null)
    .$if(Boolean(after), (query) => query.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(after?.name ?? '', after?.id ?? ''))))
    .orderBy('name')
    .orderBy('id')
    .limit(options.limit)
    .execute()
}

/** For the venue picker of the event and series forms. */
export function listVenueChoices(db: Db) {
  return db.selectFrom('venues').select(['id', 'name']).where('deleted_at', 'is', null).orderBy('name').execute()
}

export async function getVenue(db: Db, id: string) {
  if (!UUID.test(id)) return undefined
  return db.selectFrom('venues').select(VENUE_COLUMNS).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst()
}

/** Whether a venue id names a venue that is not deleted (hidden ids are never trusted). */
export async function venueExists(db: Db, id: string): Promise<boolean> {
  return (await getVenue(db, id)) !== undefined
}

const columnsOf = (input: VenueInput) => ({
  name: input.name,
  address: input.address ?? null,
  city: input.city ?? null,
  postcode: input.postcode ?? null,
  map_url: input.mapUrl ?? null,
  notes: input.notes ?? null,
})

export async function createVenue(db: Kysely<Database>, input: VenueInput, audit: AuditContext): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('venues').values(columnsOf(input)).returning('id').executeTakeFirstOrThrow()
    await recordAudit(trx, audit, { action: 'venue.create', entity: ['venue', row.id], after: columnsOf(input) })
    return row.id
  })
}

export async function updateVenue(db: Kysely<Database>, id: string, input: VenueInput, audit: AuditContext): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('venues')
      .select(['name', 'address', 'city', 'postcode', 'map_url', 'notes'])
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst()
    if (!before) return false
    await trx.updateTable('venues').set({ ...columnsOf(input), updated_at: new Date() }).where('id', '=', id).execute()
    await recordAudit(trx, audit, { action: 'venue.update', entity: ['venue', id], before, after: columnsOf(input) })
    return true
  })
}

export type DeleteVenueOutcome = { ok: true } | { ok: false; status: 404 | 409; message: string }

/** Soft-deletes a venue nothing uses; a venue in use is refused with what uses it. */
export async function deleteVenue(db: Kysely<Database>, id: string, audit: AuditContext): Promise<DeleteVenueOutcome> {
  return db.transaction().execute(async (trx) => {
    const venue = await trx.selectFrom('venues').select(['id', 'name']).where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst()
    if (!venue) return { ok: false, status: 404, message: 'There is no such venue. It may have been deleted already.' }
    const events = await trx
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('venue_id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow()
    const series = await trx
      .selectFrom('event_series')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('venue_id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow()
    const [eventCount, seriesCount] = [Number(events.count), Number(series.count)]
    if (eventCount > 0 || seriesCount > 0) {
      const uses = [eventCount ? `${eventCount} event${eventCount === 1 ? '' : 's'}` : '', seriesCount ? `${seriesCount} series` : '']
      return {
        ok: false,
        status: 409,
        message: `${venue.name} is still the venue of ${uses.filter(Boolean).join(' and ')}. Move them to another venue first.`,
      }
    }
    await trx.updateTable('venues').set({ deleted_at: new Date() }).where('id', '=', id).execute()
    await recordAudit(trx, audit, { action: 'venue.delete', entity: ['venue', id], before: { name: venue.name }, after: null })
    return { ok: true }
  })
}

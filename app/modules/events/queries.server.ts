import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Db, EventKind } from '#db/types.ts'

/**
 * The band's schedule as members read it: events that are not deleted, in
 * time order, with their venue; one event with its set list.
 */

/** Where the next page starts: the last event of the page before. */
export type EventCursor = { startsAt: Date; id: string }

export async function listEvents(
  db: Db,
  options: { when: 'upcoming' | 'past'; now: Date; kind?: EventKind; after?: EventCursor; limit: number },
) {
  const upcoming = options.when === 'upcoming'
  let query = db
    .selectFrom('events')
    .leftJoin('venues', 'venues.id', 'events.venue_id')
    .select([
      'events.id',
      'events.kind',
      'events.title',
      'events.starts_at as startsAt',
      'events.ends_at as endsAt',
      'events.status',
      'events.cancel_reason as cancelReason',
      'venues.name as venueName',
    ])
    .where('events.deleted_at', 'is', null)
    // An event still going on counts as upcoming until it ends.
    .where('events.ends_at', upcoming ? '>=' : '<', options.now)
  if (options.kind) query = query.where('events.kind', '=', options.kind)
  const { after } = options
  if (after) {
    query = query.where((eb) => eb(eb.refTuple('events.starts_at', 'events.id'), upcoming ? '>' : '<', eb.tuple(after.startsAt, after.id)))
  }
  return query
    .orderBy('events.starts_at', upcoming ? 'asc' : 'desc')
    .orderBy('events.id', upcoming ? 'asc' : 'desc')
    .limit(options.limit)
    .execute()
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** One event with its venue and set list, or undefined (also for an id that is not a uuid). */
export async function getEvent(db: Db, id: string) {
  if (!UUID.test(id)) return undefined
  return db
    .selectFrom('events')
    .leftJoin('venues', 'venues.id', 'events.venue_id')
    .leftJoin('sections', 'sections.id', 'events.section_id')
    .select((eb) => [
      'events.id',
      'events.kind',
      'events.title',
      'events.description',
      'events.call_time as callTime',
      'events.starts_at as startsAt',
      'events.ends_at as endsAt',
      'events.dress',
      'events.status',
      'events.cancel_reason as cancelReason',
      'events.series_id as seriesId',
      'sections.name as sectionName',
      'venues.name as venueName',
      'venues.address as venueAddress',
      'venues.city as venueCity',
      'venues.postcode as venuePostcode',
      'venues.map_url as venueMapUrl',
      jsonArrayFrom(
        eb
          .selectFrom('set_list_items')
          .innerJoin('pieces', 'pieces.id', 'set_list_items.piece_id')
          .leftJoin('people', 'people.id', 'pieces.composer_id')
          .select(['set_list_items.position', 'set_list_items.notes', 'pieces.title', 'people.name as composer'])
          .whereRef('set_list_items.event_id', '=', 'events.id')
          .orderBy('set_list_items.position'),
      ).as('setList'),
    ])
    .where('events.id', '=', id)
    .where('events.deleted_at', 'is', null)
    .executeTakeFirst()
}

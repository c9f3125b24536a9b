import type { Db } from '#db/types.ts'

/**
 * When the band has played a piece: the past events whose set list held it,
 * cancelled ones left out. Rehearsals count too: a librarian wants to know a
 * piece was read last spring even if it never reached a concert.
 */
export function performanceHistory(db: Db, pieceId: string, now = new Date()) {
  return db
    .selectFrom('set_list_items')
    .innerJoin('events', 'events.id', 'set_list_items.event_id')
    .select(['events.id as eventId', 'events.title', 'events.kind', 'events.starts_at as startsAt'])
    .where('set_list_items.piece_id', '=', pieceId)
    .where('events.deleted_at', 'is', null)
    .where('events.status', '!=', 'cancelled')
    .where('events.ends_at', '<', now)
    .orderBy('events.starts_at', 'desc')
    .orderBy('events.id')
    .limit(200)
    .execute()
}

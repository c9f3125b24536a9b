import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Database, Db } from '#db/types.ts'

/**
 * An event's set list, kept by librarians and directors with plain forms.
 * Every change locks the event's row first, so two people editing at once
 * take turns, and positions are renumbered 1…n in the same transaction: no
 * two pieces ever share a position.
 */

export const SetListFormSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('add'), pieceId: z.uuid('Choose a piece from the catalogue') }),
  z.object({ intent: z.literal('remove'), pieceId: z.uuid('Choose a piece on the set list') }),
  z.object({ intent: z.literal('move'), pieceId: z.uuid('Choose a piece on the set list'), direction: z.enum(['up', 'down']) }),
  z.object({
    intent: z.literal('note'),
    pieceId: z.uuid('Choose a piece on the set list'),
    note: z.string().trim().max(200, 'A note can be at most 200 characters').optional(),
  }),
])
export type SetListChange = z.output<typeof SetListFormSchema>

export const PieceSearchSchema = z.object({ q: z.string().trim().max(100).catch('') })

export function getSetList(db: Db, eventId: string) {
  return db
    .selectFrom('set_list_items')
    .innerJoin('pieces', 'pieces.id', 'set_list_items.piece_id')
    .leftJoin('people', 'people.id', 'pieces.composer_id')
    .select(['set_list_items.piece_id as pieceId', 'set_list_items.position', 'set_list_items.notes', 'pieces.title', 'people.name as composer'])
    .where('set_list_items.event_id', '=', eventId)
    .orderBy('set_list_items.position')
    .execute()
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`

/** Catalogue pieces whose title or composer contains the words asked for, with whether they are already on the list. */
export function searchPieces(db: Db, options: { eventId: string; query: string; limit: number }) {
  const pattern = likePattern(options.query)
  return db
    .selectFrom('pieces')
    .leftJoin('people', 'people.id', 'pieces.composer_id')
    .leftJoin('set_list_items', (join) =>
      join.onRef('set_list_items.piece_id', '=', 'pieces.id').on('set_list_items.event_id', '=', options.eventId),
    )
    .select((eb) => [
      'pieces.id',
      'pieces.title',
      'people.name as composer',
      'pieces.duration_seconds as durationSeconds',
      eb('set_list_items.position', 'is not', null).as('onList'),
    ])
    .where('pieces.deleted_at', 'is', null)
    .where((eb) => eb.or([eb('pieces.title', 'ilike', pattern), eb('people.name', 'ilike', pattern)]))
    .orderBy('pieces.title')
    .orderBy('pieces.id')
    .limit(options.limit)
    .execute()
}

export type SetListOutcome = { ok: true; message: string } | { ok: false; status: 400 | 404; message: string }

async function renumber(trx: Transaction<Database>, eventId: string, pieceIds: string[]) {
  for (const [index, pieceId] of pieceIds.entries()) {
    await trx.updateTable('set_list_items').set({ position: index + 1 }).where('event_id', '=', eventId).where('piece_id', '=', pieceId).execute()
  }
}

export async function changeSetList(db: Kysely<Database>, eventId: string, change: SetListChange, audit: AuditContext): Promise<SetListOutcome> {
  return db.transaction().execute(async (trx) => {
    // The lock every set list change of this event waits for.
    const event = await trx.selectFrom('events').select(['id', 'title']).where('id', '=', eventId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst()
    if (!event) return { ok: false, status: 404, message: 'There is no such event. It may have been removed.' }
    const items = await trx
      .selectFrom('set_list_items')
      .innerJoin('pieces', 'pieces.id', 'set_list_items.piece_id')
      .select(['set_list_items.piece_id', 'set_list_items.notes', 'pieces.title'])
      .where('set_list_items.event_id', '=', eventId)
      .orderBy('set_list_items.position')
      .orderBy('pieces.title')
      .execute()
    const order = items.map((item) => item.piece_id)
    const index = order.indexOf(change.pieceId)
    const item = items[index]
    const entity: [string, string] = ['event', eventId]

    if (change.intent === 'add') {
      const piece = await trx.selectFrom('pieces').select(['id', 'title']).where('id', '=', change.pieceId).where('deleted_at', 'is', null).executeTakeFirst()
      if (!piece) return { ok: false, status: 400, message: 'That piece is not in the catalogue.' }
      if (item) return { ok: false, status: 400, message: `${piece.title} is already on the set list.` }
      await trx.insertInto('set_list_items').values({ event_id: eventId, piece_id: piece.id, position: order.length + 1, notes: null }).execute()
      await recordAudit(trx, audit, { action: 'setlist.add', entity, after: { piece_id: piece.id, title: piece.title, position: order.length + 1 } })
      return { ok: true, message: `${piece.title} is on the set list, at number ${order.length + 1}.` }
    }
    if (!item) return { ok: false, status: 400, message: 'That piece is not on the set list (any more).' }

    switch (change.intent) {
      case 'remove': {
        await trx.deleteFrom('set_list_items').where('event_id', '=', eventId).where('piece_id', '=', change.pieceId).execute()
        await renumber(trx, eventId, order.filter((id) => id !== change.pieceId))
        await recordAudit(trx, audit, { action: 'setlist.remove', entity, before: { piece_id: change.pieceId, title: item.title, position: index + 1 }, after: null })
        return { ok: true, message: `${item.title} is off the set list.` }
      }
      case 'move': {
        const target = change.direction === 'up' ? index - 1 : index + 1
        if (target < 0 || target >= order.length) return { ok: true, message: `${item.title} is already ${change.direction === 'up' ? 'first' : 'last'}.` }
        const moved = [...order]
        moved.splice(index, 1)
        moved.splice(target, 0, change.pieceId)
        await renumber(trx, eventId, moved)
        await recordAudit(trx, audit, { action: 'setlist.move', entity, before: { piece_id: change.pieceId, position: index + 1 }, after: { piece_id: change.pieceId, position: target + 1 } })
        return { ok: true, message: `${item.title} is now number ${target + 1}.` }
      }
      case 'note': {
        const note = change.note ?? null
        await trx.updateTable('set_list_items').set({ notes: note }).where('event_id', '=', eventId).where('piece_id', '=', change.pieceId).execute()
        await recordAudit(trx, audit, { action: 'setlist.note', entity, before: { piece_id: change.pieceId, notes: item.notes }, after: { piece_id: change.pieceId, notes: note } })
        return { ok: true, message: note ? `Note saved for ${item.title}.` : `Note removed from ${item.title}.` }
      }
    }
  })
}

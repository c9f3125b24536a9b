import type { ExpressionBuilder } from 'kysely'
import type { CurrentUser } from '#app/modules/identity/auth.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { isExpectedAt } from '#app/modules/events/roll.server.ts'
import type { Database } from '#db/types.ts'

/**
 * How much of the library a user may see. Librarians, directors and admins
 * (`music.view.all`) see everything; a musician (`music.view.assigned`)
 * sees the pieces on the set lists of upcoming events they are expected at,
 * and of those only the parts for instruments they play. Music library II
 * narrows this to the chair and adds parts assigned to a member directly.
 */
export type LibraryReach = { kind: 'all' } | { kind: 'assigned'; memberId: string }

export function libraryReach(user: Pick<CurrentUser, 'grants' | 'memberId'>): LibraryReach | null {
  if (can(user.grants, 'music.view.all')) return { kind: 'all' }
  if (can(user.grants, 'music.view.assigned') && user.memberId) return { kind: 'assigned', memberId: user.memberId }
  return null
}

/** A `where` for queries over `pieces`: the pieces `reach` shows (never deleted ones). */
export function visiblePiece(reach: LibraryReach, timeZone: string) {
  return (eb: ExpressionBuilder<Database, 'pieces'>) => {
    const live = eb('pieces.deleted_at', 'is', null)
    if (reach.kind === 'all') return live
    return eb.and([
      live,
      eb.exists(
        eb
          .selectFrom('set_list_items')
          .innerJoin('events', 'events.id', 'set_list_items.event_id')
          .innerJoin('members', (join) => join.on('members.id', '=', reach.memberId))
          .whereRef('set_list_items.piece_id', '=', 'pieces.id')
          .where('events.status', '=', 'scheduled')
          .where('events.ends_at', '>=', new Date())
          .where((inner) => isExpectedAt(inner, timeZone)),
      ),
    ])
  }
}

/** A `where` for queries over `parts`: the parts `reach` shows (the piece is checked with `visiblePiece`). */
export function visiblePart(reach: LibraryReach) {
  return (eb: ExpressionBuilder<Database, 'parts'>) => {
    const live = eb('parts.deleted_at', 'is', null)
    if (reach.kind === 'all') return live
    return eb.and([
      live,
      eb.exists(
        eb
          .selectFrom('member_instruments')
          .where('member_instruments.member_id', '=', reach.memberId)
          .whereRef('member_instruments.instrument_id', '=', 'parts.instrument_id'),
      ),
    ])
  }
}

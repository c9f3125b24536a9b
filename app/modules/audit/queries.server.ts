import type { Db } from '#db/types.ts'
import { AUDIT_ENTRY_COLUMNS } from './audit.server.ts'
import type { AuditChanges } from './changes.ts'

export type AuditCursor = { occurredAt: Date; id: number }

export type AuditListFilters = {
  actorId?: string
  action?: string
  entityType?: string
  entityId?: string
  /** Inclusive. */
  from?: Date
  /** Exclusive. */
  to?: Date
  /** The `nextCursor` of the previous page. */
  before?: AuditCursor
  limit: number
}

export type AuditListEntry = {
  id: number
  occurredAt: Date
  actorId: string | null
  actorName: string
  action: string
  entityType: string
  entityId: string | null
  changes: AuditChanges
  ip: string | null
  userAgent: string | null
  requestId: string | null
}

export const AUDIT_PAGE_MAX = 500

/**
 * One page of the audit log, newest first, for the admin audit page. Keyset
 * pagination on (occurred_at, id): pages stay fast years back and never
 * repeat or skip a row while new rows arrive. Rows are written with
 * millisecond times, so a JavaScript Date is an exact cursor.
 */
export async function listAuditEntries(
  db: Db,
  filters: AuditListFilters,
): Promise<{ entries: AuditListEntry[]; nextCursor: AuditCursor | null }> {
  const limit = Math.min(Math.max(1, Math.floor(filters.limit)), AUDIT_PAGE_MAX)
  const { before } = filters

  let query = db
    .selectFrom('audit_log')
    .select(AUDIT_ENTRY_COLUMNS)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    // One extra row tells whether there is a next page.
    .limit(limit + 1)

  if (filters.actorId !== undefined) query = query.where('actor_id', '=', filters.actorId)
  if (filters.action !== undefined) query = query.where('action', '=', filters.action)
  if (filters.entityType !== undefined) query = query.where('entity_type', '=', filters.entityType)
  if (filters.entityId !== undefined) query = query.where('entity_id', '=', filters.entityId)
  if (filters.from) query = query.where('occurred_at', '>=', filters.from)
  if (filters.to) query = query.where('occurred_at', '<', filters.to)
  if (before) {
    query = query.where((eb) =>
      eb.and([
        // Redundant with the row comparison, but lets the planner skip newer partitions.
        eb('occurred_at', '<=', before.occurredAt),
        eb(eb.refTuple('occurred_at', 'id'), '<', eb.tuple(before.occurredAt, before.id)),
      ]),
    )
  }

  const rows = await query.execute()
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    entries: page.map((row) => ({
      id: row.id,
      occurredAt: row.occurred_at,
      actorId: row.actor_id,
      actorName: row.actor_name,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      // Written only by recordAudit, always in this shape.
      changes: row.changes as AuditChanges,
      ip: row.ip,
      userAgent: row.user_agent,
      requestId: row.request_id,
    })),
    nextCursor: rows.length > limit && last ? { occurredAt: last.occurred_at, id: last.id } : null,
  }
}

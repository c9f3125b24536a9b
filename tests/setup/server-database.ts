import { type DatabaseHandle, openDatabase } from '#db/client.server.ts'
import type { TestServer } from './test-server.ts'

/**
 * The test server's database, for checks behind the app's back (audit rows,
 * an invitation made to expire): a second connection to its PostgreSQL, or on
 * the embedded default the server's own PGlite handle (one opener only), which
 * the test server hands over. Close it before stopping the server; closing the
 * borrowed PGlite handle leaves it open for the server.
 */
export async function openServerDatabase(server: TestServer): Promise<DatabaseHandle> {
  if (server.databaseUrl) return openDatabase({ kind: 'postgres', url: server.databaseUrl, poolMax: 2 })
  return { ...server.runtime.database, close: async () => {} }
}

export type AuditRowSummary = { id: number; action: string; actorId: string | null; entityId: string | null; changes: string; row: string }

/** Audit rows written after `afterId` (0: all), oldest first, with `changes` and the whole row as JSON text. */
export async function auditRowsSince(database: DatabaseHandle, afterId = 0): Promise<AuditRowSummary[]> {
  const rows = await database.db
    .selectFrom('audit_log')
    .select(['id', 'occurred_at', 'actor_id', 'actor_name', 'action', 'entity_type', 'entity_id', 'changes', 'ip', 'user_agent', 'request_id'])
    .where('id', '>', afterId)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    action: row.action,
    actorId: row.actor_id,
    entityId: row.entity_id,
    changes: JSON.stringify(row.changes),
    row: JSON.stringify(row),
  }))
}

/** The rows (of `rows`) that contain any of the secrets anywhere, for a readable failure. */
export function rowsLeaking(rows: AuditRowSummary[], secrets: string[]): { id: number; action: string; secret: string }[] {
  const leaks: { id: number; action: string; secret: string }[] = []
  for (const row of rows) {
    for (const secret of secrets) {
      if (secret && row.row.includes(secret)) leaks.push({ id: row.id, action: row.action, secret })
    }
  }
  return leaks
}

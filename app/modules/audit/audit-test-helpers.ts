import { randomUUID } from 'node:crypto'
import { type Kysely, sql, type Transaction } from 'kysely'
import { vi } from 'vitest'
import type { Database } from '#db/types.ts'
import { AUDIT_ENTRY_COLUMNS, type AuditContext } from './audit.server.ts'

// Shared by the audit tests only.

/** The audit key of these tests (a runtime derives its own; see resolveAuditKey). */
export const TEST_CHAIN_KEY = 'audit-test-chain-key-0123456789abcdef0123'

export function memberContext(name = 'Alex Conductor', id: string = randomUUID()): AuditContext {
  return { actor: { id, name }, ip: '203.0.113.7', userAgent: 'Test browser 1.0', requestId: `req-${randomUUID()}`, chainKey: TEST_CHAIN_KEY }
}

/** Runs `work` with the clock (Date only; timers stay real) set to `time`. */
export async function at<T>(time: Date, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(time)
  try {
    return await work()
  } finally {
    vi.useRealTimers()
  }
}

/** One whole audit row, hashes included. */
export function auditRow(db: Kysely<Database>, id: number) {
  return db
    .selectFrom('audit_log')
    .select([...AUDIT_ENTRY_COLUMNS, 'prev_hash', 'hash', 'hash_algorithm'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

export type AuditRow = Awaited<ReturnType<typeof auditRow>>

export async function allAuditIds(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('audit_log').select('id').orderBy('id').execute()
  return rows.map((row) => row.id)
}

/**
 * Does what the triggers forbid, the way an intruder with the owner's
 * rights could: in one transaction, so the triggers are never off for
 * anyone else and come back on even when `work` fails.
 */
export async function withTriggerDisabled(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`alter table audit_log disable trigger audit_log_no_update_or_delete`.execute(trx)
    // PostgreSQL 15.20 and PGlite (18) pass DISABLE on to the partitions'
    // clones of the trigger; older releases did not, so cover that case too.
    const { rows: stillOn } = await sql<{ partition: string }>`
      select tgrelid::regclass::text as partition from pg_trigger
      where tgname = 'audit_log_no_update_or_delete' and tgenabled <> 'D'
    `.execute(trx)
    for (const { partition } of stillOn) {
      await sql`alter table ${sql.id(partition)} disable trigger audit_log_no_update_or_delete`.execute(trx)
    }
    await work(trx)
    await sql`alter table audit_log enable trigger audit_log_no_update_or_delete`.execute(trx)
    for (const { partition } of stillOn) {
      await sql`alter table ${sql.id(partition)} enable trigger audit_log_no_update_or_delete`.execute(trx)
    }
  })
}

/** Puts a deleted row back exactly (same id, time, content and hashes). Inserting is allowed. */
export async function putBack(db: Kysely<Database>, row: AuditRow): Promise<void> {
  await sql`
    insert into audit_log (id, occurred_at, actor_id, actor_name, action, entity_type, entity_id, changes,
      ip, user_agent, request_id, prev_hash, hash, hash_algorithm)
    overriding system value
    values (${row.id}, ${row.occurred_at.toISOString()}, ${row.actor_id}, ${row.actor_name},
      ${row.action}, ${row.entity_type}, ${row.entity_id}, ${JSON.stringify(row.changes)}::jsonb,
      ${row.ip}, ${row.user_agent}, ${row.request_id}, ${row.prev_hash}, ${row.hash}, ${row.hash_algorithm})
  `.execute(db)
}

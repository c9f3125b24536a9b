import type { Kysely } from 'kysely'

/**
 * Each session keeps its own idle timeout: admin roles get shorter sessions
 * (settings `security.admin_session_idle_hours` and
 * `security.admin_session_absolute_days`), and a session keeps the rule it
 * started with (a role change signs the member out anyway).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('idle_timeout_seconds', 'integer', (col) => col.notNull().defaultTo(14 * 24 * 60 * 60))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('idle_timeout_seconds').execute()
}

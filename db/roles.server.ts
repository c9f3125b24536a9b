import { type Kysely, sql } from 'kysely'
import type { Database } from './types.ts'

/**
 * Two database roles on PostgreSQL (finding 8). The owner (MIGRATION_DATABASE_URL)
 * runs migrations and owns every table; the app's runtime role (DATABASE_URL)
 * gets what serving needs and no more. On the audit log it may only INSERT and
 * SELECT: it cannot update or delete rows, truncate, disable the triggers,
 * detach or drop a partition (those need ownership). New monthly partitions
 * come from `audit_log_ensure_partitions()`, which runs with the owner's
 * rights (migration 0012).
 *
 * Run by the owner after every migration, so tables added later are granted
 * too. Creates the runtime role when it does not exist yet and the owner may
 * create roles (the compose file relies on that), with the password in
 * DATABASE_URL.
 */
export type AppRoleReport = { role: string; sameAsOwner: boolean; created: boolean }

export async function provisionAppRole(owner: Kysely<Database>, appDatabaseUrl: string): Promise<AppRoleReport> {
  const url = new URL(appDatabaseUrl)
  const role = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  const { rows } = await sql<{ me: string }>`select current_user as me`.execute(owner)
  if (!role || role === rows[0]?.me) return { role: role || (rows[0]?.me ?? ''), sameAsOwner: true, created: false }

  let created = false
  const exists = await sql<{ found: number }>`select 1 as found from pg_roles where rolname = ${role}`.execute(owner)
  if (exists.rows.length === 0) {
    await sql`create role ${sql.id(role)} login ${password ? sql`password ${sql.lit(password)}` : sql``}`.execute(owner)
    created = true
  }
  const app = sql.id(role)
  const { rows: current } = await sql<{ name: string }>`select current_database() as name`.execute(owner)
  await sql`grant connect on database ${sql.id(current[0]?.name ?? '')} to ${app}`.execute(owner)
  await sql`grant usage on schema public to ${app}`.execute(owner)
  await sql`grant select, insert, update, delete on all tables in schema public to ${app}`.execute(owner)
  await sql`grant usage, select on all sequences in schema public to ${app}`.execute(owner)
  await sql`grant execute on all functions in schema public to ${app}`.execute(owner)
  // The migration bookkeeping is the owner's alone.
  await sql`revoke insert, update, delete, truncate on kysely_migration, kysely_migration_lock from ${app}`.execute(owner)
  // The audit log and each of its partitions: append and read only.
  const partitions = await sql<{ name: string }>`
    select inhrelid::regclass::text as name from pg_inherits where inhparent = 'audit_log'::regclass
  `.execute(owner)
  for (const table of ['audit_log', ...partitions.rows.map((row) => row.name)]) {
    await sql`revoke update, delete, truncate, references, trigger on ${sql.table(table)} from ${app}`.execute(owner)
  }
  return { role, sameAsOwner: false, created }
}

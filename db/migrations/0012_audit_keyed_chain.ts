import { type Kysely, sql } from 'kysely'

/**
 * The audit chain becomes keyed (finding 8): each new row's hash is an
 * HMAC-SHA256 with a key kept outside the database, so whoever can write to
 * the database but lacks the key cannot re-link an edited chain.
 * `hash_algorithm` says how a row was hashed: 1 = plain SHA-256 (rows written
 * before this migration), 2 = HMAC. Once a keyed row exists, every later row
 * must be keyed; the verifier enforces that.
 *
 * Partitions are created by the app's own, less privileged role at run time:
 * `audit_log_ensure_partitions` runs with its owner's rights (security
 * definer, fixed search path), so the app need not own the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_log add column hash_algorithm smallint not null default 1`.execute(db)
  await sql`alter table audit_log add constraint audit_log_hash_algorithm_check check (hash_algorithm in (1, 2))`.execute(db)
  await sql`alter table audit_log alter column hash_algorithm set default 2`.execute(db)
  await sql`alter function audit_log_ensure_partitions(date, integer) security definer set search_path = public, pg_temp`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter function audit_log_ensure_partitions(date, integer) security invoker reset search_path`.execute(db)
  await sql`alter table audit_log drop column hash_algorithm`.execute(db)
}

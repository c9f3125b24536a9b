import { type Kysely, sql } from 'kysely'

/**
 * Mail leaves through the worker (jobs table, 0009): a message is `queued` in
 * the transaction of the change that causes it, then `sent`, `stored` (no
 * SMTP: kept for admins) or, after its last try, `failed`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table email_outbox drop constraint if exists email_outbox_status_check`.execute(db)
  await sql`alter table email_outbox add constraint email_outbox_status_check check (status in ('queued', 'stored', 'sent', 'failed'))`.execute(db)
  await sql`alter table email_outbox alter column status set default 'queued'`.execute(db)
  await db.schema.alterTable('email_outbox').addColumn('last_attempt_at', 'timestamptz').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('email_outbox').dropColumn('last_attempt_at').execute()
  await sql`update email_outbox set status = 'stored' where status = 'queued'`.execute(db)
  await sql`alter table email_outbox drop constraint if exists email_outbox_status_check`.execute(db)
  await sql`alter table email_outbox add constraint email_outbox_status_check check (status in ('stored', 'sent', 'failed'))`.execute(db)
  await sql`alter table email_outbox alter column status set default 'stored'`.execute(db)
}

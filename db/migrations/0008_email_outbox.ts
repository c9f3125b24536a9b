import { type Kysely, sql } from 'kysely'

/**
 * Every email the site sends is first stored here. Without SMTP_URL (the
 * embedded default) the row is the delivery: admins with `outbox.view` read
 * invitation and reset links under /admin/outbox. With SMTP_URL the row
 * records whether the send worked, so a failed invitation can be found.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('to_address', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('text_body', 'text', (col) => col.notNull())
    .addColumn('html_body', 'text')
    // What the mail is for ('invitation', 'password_reset'), for the admin list.
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('stored').check(sql`status in ('stored', 'sent', 'failed')`),
    )
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    // Millisecond precision, so the keyset cursor round-trips exactly through a JS Date.
    .addColumn('created_at', 'timestamptz(3)', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute()
  // Newest first, with id as the tie-breaker of the keyset pagination.
  await db.schema
    .createIndex('email_outbox_created_idx')
    .on('email_outbox')
    .expression(sql`created_at desc, id desc`)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_outbox').execute()
}

import type { Kysely } from 'kysely'

/**
 * Mail that carries a one-time link is stored twice (finding 1): `text_body`
 * and `html_body` with the secret part redacted, for admins to read, and the
 * whole message sealed with the app's key in `sealed_body`, for the worker to
 * send. The sealed copy is wiped once the message is sent or given up on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('email_outbox').addColumn('sealed_body', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('email_outbox').dropColumn('sealed_body').execute()
}

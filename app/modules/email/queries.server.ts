import type { Kysely, Transaction } from 'kysely'
import type { Database, EmailStatus } from '#db/types.ts'

type Db = Kysely<Database> | Transaction<Database>

export type OutboxListItem = {
  id: string
  toAddress: string
  subject: string
  purpose: string
  status: EmailStatus
  error: string | null
  attempts: number
  createdAt: Date
  sentAt: Date | null
}

export type OutboxMessage = OutboxListItem & { textBody: string; htmlBody: string | null }

/** Where the next page starts: the last row of the page before. */
export type OutboxCursor = { createdAt: Date; id: string }

// The list leaves the bodies out: they hold one-time links, shown only on a message's own page.
const listColumns = [
  'id',
  'to_address as toAddress',
  'subject',
  'purpose',
  'status',
  'error',
  'attempts',
  'created_at as createdAt',
  'sent_at as sentAt',
] as const

export async function insertOutboxMessage(
  db: Db,
  message: { to: string; subject: string; text: string; html: string | null; purpose: string },
): Promise<{ id: string }> {
  return db
    .insertInto('email_outbox')
    .values({
      to_address: message.to,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      purpose: message.purpose,
      status: 'stored',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

export async function markOutboxSent(db: Db, id: string): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set((eb) => ({ status: 'sent', error: null, sent_at: new Date(), attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute()
}

export async function markOutboxFailed(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set((eb) => ({ status: 'failed', error, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute()
}

/** Newest first; pass the last row of a page as `before` to get the next one. */
export async function listOutbox(db: Db, options: { before?: OutboxCursor; limit: number }): Promise<OutboxListItem[]> {
  let query = db.selectFrom('email_outbox').select(listColumns)
  const { before } = options
  if (before) {
    query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(before.createdAt, before.id)))
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute()
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function getOutboxMessage(db: Db, id: string): Promise<OutboxMessage | undefined> {
  // An id from a URL that is not a uuid is simply not found (Postgres would reject it with an error).
  if (!uuidPattern.test(id)) return undefined
  return db
    .selectFrom('email_outbox')
    .select([...listColumns, 'text_body as textBody', 'html_body as htmlBody'])
    .where('id', '=', id)
    .executeTakeFirst()
}

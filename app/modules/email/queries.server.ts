import { sql } from 'kysely'
import type { Db, EmailStatus } from '#db/types.ts'

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
  lastAttemptAt: Date | null
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
  'last_attempt_at as lastAttemptAt',
] as const

export async function insertOutboxMessage(
  db: Db,
  message: { to: string; subject: string; text: string; html: string | null; purpose: string; sealed: string | null },
): Promise<{ id: string }> {
  return db
    .insertInto('email_outbox')
    .values({
      to_address: message.to,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      purpose: message.purpose,
      status: 'queued',
      sealed_body: message.sealed,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

/** The message as the worker needs it, if it still waits to go out. */
export async function getQueuedMessage(db: Db, id: string) {
  return db
    .selectFrom('email_outbox')
    .select(['id', 'to_address', 'subject', 'text_body', 'html_body', 'sealed_body', 'purpose', 'attempts'])
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst()
}

/** Delivered (`sent`), or kept for admins because there is no mail server (`stored`). */
export async function markOutboxDone(db: Db, id: string, status: 'sent' | 'stored'): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set((eb) => ({
      status,
      error: null,
      // The sealed copy with the live link has done its work.
      sealed_body: null,
      sent_at: status === 'sent' ? new Date() : null,
      last_attempt_at: new Date(),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .execute()
}

/** A try that did not work: stays `queued` for the next one, or `failed` after the last. */
export async function markOutboxAttemptFailed(db: Db, id: string, error: string, final: boolean): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set((eb) => ({
      status: final ? 'failed' : 'queued',
      error,
      last_attempt_at: new Date(),
      attempts: eb('attempts', '+', 1),
      ...(final ? { sealed_body: null } : {}),
    }))
    .where('id', '=', id)
    .execute()
}

/** How many messages are in each state, for the outbox page's summary. */
export async function countOutboxByStatus(db: Db): Promise<Record<EmailStatus, number>> {
  const rows = await db
    .selectFrom('email_outbox')
    .select(['status', sql<number>`count(*)::int`.as('count')])
    .groupBy('status')
    .execute()
  const counts: Record<EmailStatus, number> = { queued: 0, stored: 0, sent: 0, failed: 0 }
  for (const row of rows) counts[row.status] = row.count
  return counts
}

/** Newest first; pass the last row of a page as `before` to get the next one. */
export async function listOutbox(db: Db, options: { before?: OutboxCursor; limit: number; status?: EmailStatus }): Promise<OutboxListItem[]> {
  let query = db.selectFrom('email_outbox').select(listColumns)
  if (options.status) query = query.where('status', '=', options.status)
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

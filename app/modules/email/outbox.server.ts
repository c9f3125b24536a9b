import { z } from 'zod'
import { enqueueJob, type JobHandler } from '#app/platform/jobs.server.ts'
import type { Logger } from '#app/platform/logger.server.ts'
import type { MailTransport } from '#app/platform/mail-transport.server.ts'
import type { Database, Db } from '#db/types.ts'
import type { Kysely } from 'kysely'
import { getQueuedMessage, insertOutboxMessage, markOutboxAttemptFailed, markOutboxDone } from './queries.server.ts'

/**
 * Every mail goes through the outbox: `enqueueMail(trx, …)` stores it and
 * queues its sending in the transaction of the change that causes it, so a
 * rolled-back change sends nothing and no request waits for a mail server.
 * The worker then runs `email.send` for it, retrying with back-off while the
 * mail server is away.
 */
export type EmailMessage = {
  to: string
  subject: string
  text: string
  html?: string
  /** What the mail is for, e.g. 'invitation' or 'password_reset' (shown in the admin outbox). */
  purpose: string
}

export const SEND_MAIL_JOB = 'email.send'

/** Tries before a message is marked failed: with back-off, about a day of outage. */
export const MAIL_ATTEMPTS = 12

export async function enqueueMail(db: Db, message: EmailMessage): Promise<{ id: string }> {
  const { id } = await insertOutboxMessage(db, { ...message, html: message.html ?? null })
  await enqueueJob(db, { name: SEND_MAIL_JOB, payload: { messageId: id }, idempotencyKey: `email:${id}`, maxAttempts: MAIL_ATTEMPTS })
  return { id }
}

const SendMailPayload = z.object({ messageId: z.uuid() })

/**
 * The worker's handler for `email.send`. Idempotent: a message already sent
 * is left alone. Without a mail server the message is kept for admins; the
 * JSON log says only that it was kept (its body may hold a live link), and
 * `showOperator`, where given, shows the whole message to the person at the
 * terminal of a loopback embedded default (their own machine).
 */
export function sendMailJob(deps: {
  db: Kysely<Database>
  mail: MailTransport
  logger: Logger
  showOperator?: (message: { to: string; subject: string; text: string }) => void
}): JobHandler {
  const logger = deps.logger.child({ component: 'mail' })
  return async (payload, job) => {
    const { messageId } = SendMailPayload.parse(payload)
    const message = await getQueuedMessage(deps.db, messageId)
    if (!message) return
    try {
      await deps.mail.deliver({ to: message.to_address, subject: message.subject, text: message.text_body, html: message.html_body })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      await markOutboxAttemptFailed(deps.db, message.id, reason, job.attempt >= MAIL_ATTEMPTS)
      throw error
    }
    if (deps.mail.mode === 'smtp') {
      await markOutboxDone(deps.db, message.id, 'sent')
      logger.info({ emailId: message.id, purpose: message.purpose }, 'Email sent')
    } else {
      await markOutboxDone(deps.db, message.id, 'stored')
      logger.info({ emailId: message.id, purpose: message.purpose }, 'Email kept in the outbox, not sent (SMTP_URL is not set)')
      deps.showOperator?.({ to: message.to_address, subject: message.subject, text: message.text_body })
    }
  }
}

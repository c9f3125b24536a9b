import { z } from 'zod'
import { enqueueJob, type JobHandler } from '#app/platform/jobs.server.ts'
import { openSecret, sealSecret } from '#app/platform/secret-box.server.ts'
import type { Logger } from '#app/platform/logger.server.ts'
import type { MailTransport } from '#app/platform/mail-transport.server.ts'
import type { Runtime } from '#app/platform/runtime.server.ts'
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
  /**
   * Secret parts of the text (a one-time link's token). The copy admins can
   * read has them redacted; the whole message is sealed with `sealWith` (the
   * app's secret) for the worker, and wiped once sent (finding 1).
   */
  secrets?: { values: string[]; sealWith: string }
}

export const REDACTED = '[hidden: a one-time link, only in the member’s own mail]'

export const SEND_MAIL_JOB = 'email.send'

/** Tries before a message is marked failed: with back-off, about a day of outage. */
export const MAIL_ATTEMPTS = 12

export async function enqueueMail(db: Db, message: EmailMessage): Promise<{ id: string }> {
  const html = message.html ?? null
  const secrets = message.secrets?.values.filter(Boolean) ?? []
  const redact = (text: string) => secrets.reduce((result, secret) => result.replaceAll(secret, REDACTED), text)
  const { id } = await insertOutboxMessage(db, {
    to: message.to,
    subject: message.subject,
    purpose: message.purpose,
    text: redact(message.text),
    html: html === null ? null : redact(html),
    sealed: message.secrets && secrets.length > 0 ? sealSecret(JSON.stringify({ text: message.text, html }), message.secrets.sealWith, 'mail') : null,
  })
  await enqueueJob(db, { name: SEND_MAIL_JOB, payload: { messageId: id }, idempotencyKey: `email:${id}`, maxAttempts: MAIL_ATTEMPTS })
  return { id }
}

const SendMailPayload = z.object({ messageId: z.uuid() })
const SealedBody = z.object({ text: z.string(), html: z.string().nullable() })

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
  /** Opens the sealed copy of a message with a one-time link. */
  sessionSecret: string
  showOperator?: (message: { to: string; subject: string; text: string }) => void
}): JobHandler {
  const logger = deps.logger.child({ component: 'mail' })
  return async (payload, job) => {
    const { messageId } = SendMailPayload.parse(payload)
    const message = await getQueuedMessage(deps.db, messageId)
    if (!message) return
    // The whole message, link included, exists only in the sealed copy.
    const whole = message.sealed_body
      ? SealedBody.parse(JSON.parse(openSecret(message.sealed_body, deps.sessionSecret, 'mail')))
      : { text: message.text_body, html: message.html_body }
    try {
      await deps.mail.deliver({ to: message.to_address, subject: message.subject, text: whole.text, html: whole.html })
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
      deps.showOperator?.({ to: message.to_address, subject: message.subject, text: whole.text })
    }
  }
}

/**
 * Without SMTP on a loopback embedded default, the person who ran `npm start`
 * reads the band's mail (invitation and reset links) in their own terminal:
 * plain text on a TTY, never in the JSON log a collector might keep.
 */
export function operatorTerminal(runtime: Pick<Runtime, 'config' | 'mail'>) {
  const { config } = runtime
  if (runtime.mail.mode !== 'outbox' || !config.loopback || config.database.kind !== 'pglite' || !process.stdout.isTTY) return undefined
  return (message: { to: string; subject: string; text: string }) => {
    process.stdout.write(`\n──── Mail kept in the outbox (no SMTP_URL) ────\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n────────────────────────────────────────────────\n\n`)
  }
}

/** Whether a mailed one-time link reaches anyone: a mail server, or the operator's own terminal. */
export function canDeliverLinks(runtime: Pick<Runtime, 'config' | 'mail'>): boolean {
  return runtime.mail.mode === 'smtp' || operatorTerminal(runtime) !== undefined
}

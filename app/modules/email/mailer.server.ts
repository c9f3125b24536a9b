import type { Kysely, Transaction } from 'kysely'
import nodemailer from 'nodemailer'
import type { Database, EmailStatus } from '#db/types.ts'
import type { Logger } from '#server/logger.ts'
import { insertOutboxMessage, markOutboxFailed, markOutboxSent } from './queries.server.ts'

type Db = Kysely<Database> | Transaction<Database>

export type EmailMessage = {
  to: string
  subject: string
  text: string
  html?: string
  /** What the mail is for, e.g. 'invitation' or 'password_reset' (shown in the admin outbox). */
  purpose: string
}

export type MailerCheck = { status: 'ok' | 'degraded'; mode: 'smtp' | 'outbox'; detail?: string }

export type Mailer = {
  readonly mode: 'smtp' | 'outbox'
  /**
   * Stores the message in the outbox, then sends it when SMTP is configured.
   * Never throws for an SMTP failure (the row says 'failed'); a database error
   * does throw. Call it after the transaction that made the link has committed:
   * a send inside a transaction holds it open for the whole SMTP exchange.
   */
  send(db: Db, message: EmailMessage): Promise<{ id: string; status: EmailStatus }>
  /** One SMTP connection and greeting; for the admin health page rather than a frequent probe. */
  check(): Promise<MailerCheck>
  close(): Promise<void>
}

const SMTP_TIMEOUT_MS = 10_000
const CHECK_TIMEOUT_MS = 3_000

export function createMailer(options: { smtpUrl: string | undefined; from: string; logger: Logger }): Mailer {
  const logger = options.logger.child({ component: 'mail' })
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options.from, logger) : outboxMailer(logger)
}

/** Embedded default: the outbox row is the delivery, and the log shows it to whoever ran `npm start`. */
function outboxMailer(logger: Logger): Mailer {
  return {
    mode: 'outbox',
    async send(db, message) {
      const { id } = await insertOutboxMessage(db, { ...message, html: message.html ?? null })
      logger.info(
        { emailId: id, to: message.to, subject: message.subject, purpose: message.purpose, text: message.text },
        'Email stored in the outbox, not sent (SMTP_URL is not set); admins see it under /admin/outbox',
      )
      return { id, status: 'stored' }
    },
    check: async () => ({ status: 'ok', mode: 'outbox' }),
    close: async () => {},
  }
}

function smtpMailer(smtpUrl: string, from: string, logger: Logger): Mailer {
  // Short timeouts: the request that triggered the mail waits for it. Query
  // parameters in SMTP_URL (e.g. ?connectionTimeout=30000) override these.
  const transport = nodemailer.createTransport(
    {
      url: smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    },
    { from },
  )

  return {
    mode: 'smtp',
    async send(db, message) {
      const { id } = await insertOutboxMessage(db, { ...message, html: message.html ?? null })
      try {
        await transport.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html })
      } catch (error) {
        // The invitation or reset was saved; a mail server outage must not turn it into a 500.
        const reason = errorMessage(error)
        await markOutboxFailed(db, id, reason)
        logger.warn({ emailId: id, purpose: message.purpose, err: error }, 'Email could not be sent; it is marked failed in the outbox')
        return { id, status: 'failed' }
      }
      await markOutboxSent(db, id)
      logger.info({ emailId: id, purpose: message.purpose }, 'Email sent')
      return { id, status: 'sent' }
    },
    async check() {
      try {
        await Promise.race([
          transport.verify(),
          new Promise<never>((_, reject) => {
            setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()
          }),
        ])
        return { status: 'ok', mode: 'smtp' }
      } catch (error) {
        // Mail waits in the outbox as 'failed'; the site still serves, so degraded, not down.
        return { status: 'degraded', mode: 'smtp', detail: errorMessage(error) }
      }
    },
    async close() {
      transport.close()
    },
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

import nodemailer from 'nodemailer'
import type { Logger } from './logger.server.ts'

/**
 * How a message leaves the building. The outbox (app/modules/email) decides
 * what to send and when; the worker hands each message to this transport.
 * Without SMTP_URL the message is not delivered: it stays in the outbox for
 * admins, and the operator's log shows that it was kept.
 */
export type OutgoingMail = { to: string; subject: string; text: string; html?: string | null }

export type MailTransportCheck = { status: 'ok' | 'degraded'; mode: 'smtp' | 'outbox'; detail?: string }

export type MailTransport = {
  readonly mode: 'smtp' | 'outbox'
  /** Resolves when the mail server accepted the message; throws when it did not. */
  deliver(message: OutgoingMail): Promise<void>
  /** One SMTP connection and greeting; for the admin health page rather than a frequent probe. */
  check(): Promise<MailTransportCheck>
  close(): Promise<void>
}

const SMTP_TIMEOUT_MS = 10_000
const CHECK_TIMEOUT_MS = 3_000

export function createMailTransport(options: { smtpUrl: string | undefined; from: string; logger: Logger }): MailTransport {
  if (!options.smtpUrl) {
    return {
      mode: 'outbox',
      // Nothing to deliver to: the caller keeps the message as 'stored'.
      deliver: async () => {},
      check: async () => ({ status: 'ok', mode: 'outbox' }),
      close: async () => {},
    }
  }
  // The worker, not a request, waits for these. Query parameters in SMTP_URL
  // (e.g. ?connectionTimeout=30000) override them.
  const transport = nodemailer.createTransport(
    { url: options.smtpUrl, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS },
    { from: options.from },
  )
  return {
    mode: 'smtp',
    async deliver(message) {
      await transport.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html ?? undefined })
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
        // Mail waits in the outbox; the site still serves, so degraded, not down.
        return { status: 'degraded', mode: 'smtp', detail: error instanceof Error ? error.message : String(error) }
      }
    },
    async close() {
      transport.close()
    },
  }
}

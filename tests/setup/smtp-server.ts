import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/**
 * A real SMTP server in this process, for tests that send mail through
 * nodemailer exactly as production does.
 *
 *   const smtp = await startTestSmtpServer()
 *   afterAll(() => smtp.stop())
 *   // … SMTP_URL = smtp.url for a test server, or createMailTransport({ smtpUrl: smtp.url, from, logger })
 *   const mail = await smtp.waitForMail('musician@example.org')
 *
 * No TLS: STARTTLS is not offered, and the url carries `?ignoreTLS=true` so
 * nodemailer never tries to upgrade the connection either.
 */
export type ReceivedMail = {
  /** The address in the From header, e.g. `no-reply@localhost`. */
  from: string
  /** The first envelope recipient (RCPT TO), lower-cased: our mails have one. */
  to: string
  /** Every envelope recipient, lower-cased. */
  recipients: string[]
  subject: string
  text: string
  html: string | null
}

export type TestSmtpServer = {
  /** `smtp://127.0.0.1:PORT?ignoreTLS=true`, ready for SMTP_URL or createMailTransport. */
  url: string
  /** Every message received so far, oldest first. */
  messages: ReceivedMail[]
  /**
   * The first message to `to` at index `since` or later in `messages` (default 0);
   * pass `messages.length` taken before the action to ignore older mail.
   */
  waitForMail(to: string, options?: { timeoutMs?: number; since?: number }): Promise<ReceivedMail>
  /** While true, every recipient is refused with 451 (a mail server that is up but not taking mail). */
  setRefusing(refusing: boolean): void
  stop(): Promise<void>
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = []
  let refusing = false
  const waiters = new Set<() => void>()

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    // stop() should not wait long for a client that never says QUIT.
    closeTimeout: 1_000,
    onRcptTo(_address, _session, callback) {
      if (!refusing) return callback()
      const error: Error & { responseCode?: number } = new Error('Mailbox unavailable, try again later')
      error.responseCode = 451
      callback(error)
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const recipients = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase())
          messages.push({
            from: parsed.from?.value[0]?.address ?? '',
            to: recipients[0] ?? '',
            recipients,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html || null,
          })
          for (const wake of waiters) wake()
          // Answer only after the message is stored, so it is in `messages` when sendMail resolves.
          callback()
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))))
    },
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  // Errors after start (a client hanging up mid-command) are the test's business, not a crash.
  server.on('error', () => {})
  const { port } = server.server.address() as AddressInfo

  function findMail(to: string, since: number): ReceivedMail | undefined {
    const address = to.toLowerCase()
    return messages.slice(since).find((mail) => mail.recipients.includes(address))
  }

  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    messages,
    waitForMail(to, options = {}) {
      const { timeoutMs = 5_000, since = 0 } = options
      const found = findMail(to, since)
      if (found) return Promise.resolve(found)
      return new Promise<ReceivedMail>((resolve, reject) => {
        const check = () => {
          const mail = findMail(to, since)
          if (!mail) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(mail)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`No mail to ${to} within ${timeoutMs} ms (${messages.length} received in all)`))
        }, timeoutMs)
        waiters.add(check)
      })
    },
    setRefusing(value) {
      refusing = value
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * The first http(s) URL in `text` whose path contains `pathPrefix`, e.g.
 * `extractLink(mail.text, '/reset-password')`. Throws when there is none, so a
 * test fails with the mail text in front of it.
 */
export function extractLink(text: string, pathPrefix: string): string {
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) {
    const candidate = match[0].replace(/[.,;:!?]+$/, '')
    try {
      if (new URL(candidate).pathname.includes(pathPrefix)) return candidate
    } catch {
      // Not a URL after all; keep looking.
    }
  }
  throw new Error(`No link containing ${pathPrefix} in:\n${text}`)
}

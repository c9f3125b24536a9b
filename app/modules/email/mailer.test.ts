import { createServer } from 'node:net'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { extractLink, startTestSmtpServer, type TestSmtpServer } from '#tests/setup/smtp-server.ts'
import { createMailer } from './mailer.server.ts'
import { getOutboxMessage, insertOutboxMessage, listOutbox, type OutboxListItem } from './queries.server.ts'

const from = 'Riverside Community Band <no-reply@band.test>'
// Long enough that quoted-printable wraps it: the link must still arrive whole.
const resetLink = `https://band.example.org/reset-password?token=${'a1b2c3d4'.repeat(8)}`

let database: TestDatabase
let smtp: TestSmtpServer
beforeAll(async () => {
  database = await createTestDatabase()
  smtp = await startTestSmtpServer()
})
afterAll(async () => {
  await smtp?.stop()
  await database?.drop()
})

type LogLine = { level: number; msg: string; [field: string]: unknown }

function capturedLogger() {
  const lines: LogLine[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) })
  return { logger, lines }
}

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

function resetMail(to: string) {
  return {
    to,
    subject: 'Reset your password',
    text: `Hello,\n\nTo choose a new password, open this link within an hour:\n\n${resetLink}\n\nIf you did not ask for it, ignore this mail.`,
    html: `<p>To choose a new password, <a href="${resetLink}">open this link</a> within an hour.</p>`,
    purpose: 'password_reset',
  }
}

describe(`email on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('sends through SMTP and marks the outbox row sent', async () => {
    const { logger } = capturedLogger()
    const mailer = createMailer({ smtpUrl: smtp.url, from, logger })
    expect(mailer.mode).toBe('smtp')
    expect(await mailer.check()).toEqual({ status: 'ok', mode: 'smtp' })

    const since = smtp.messages.length
    const result = await mailer.send(database.db, resetMail('Musician@Example.org'))
    expect(result.status).toBe('sent')

    const mail = await smtp.waitForMail('musician@example.org', { since })
    expect(mail.from).toBe('no-reply@band.test')
    expect(mail.subject).toBe('Reset your password')
    expect(mail.text).toContain('open this link within an hour')
    expect(extractLink(mail.text, '/reset-password')).toBe(resetLink)
    expect(mail.html).toContain(`href="${resetLink}"`)

    const row = await getOutboxMessage(database.db, result.id)
    expect(row).toMatchObject({ status: 'sent', attempts: 1, error: null, purpose: 'password_reset', toAddress: 'Musician@Example.org' })
    expect(row?.sentAt).toBeInstanceOf(Date)
    expect(row?.textBody).toContain(resetLink)
    await mailer.close()
  })

  it('without SMTP_URL keeps the mail in the outbox and prints it to the log', async () => {
    const { logger, lines } = capturedLogger()
    const mailer = createMailer({ smtpUrl: undefined, from, logger })
    expect(mailer.mode).toBe('outbox')
    expect(await mailer.check()).toEqual({ status: 'ok', mode: 'outbox' })

    const received = smtp.messages.length
    const result = await mailer.send(database.db, resetMail('leader@example.org'))
    expect(result.status).toBe('stored')
    expect(smtp.messages).toHaveLength(received)

    const row = await getOutboxMessage(database.db, result.id)
    expect(row).toMatchObject({ status: 'stored', attempts: 0, sentAt: null, error: null })
    expect(row?.htmlBody).toContain(resetLink)

    const logged = lines.find((line) => line.emailId === result.id)
    expect(logged).toMatchObject({ level: 30, to: 'leader@example.org', subject: 'Reset your password', purpose: 'password_reset' })
    expect(extractLink(String(logged?.text), '/reset-password')).toBe(resetLink)
  })

  it('records an unreachable SMTP server as failed instead of throwing', async () => {
    const { logger, lines } = capturedLogger()
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}?ignoreTLS=true`, from, logger })

    const result = await mailer.send(database.db, resetMail('director@example.org'))
    expect(result.status).toBe('failed')

    const row = await getOutboxMessage(database.db, result.id)
    expect(row).toMatchObject({ status: 'failed', attempts: 1, sentAt: null })
    expect(row?.error).toMatch(/ECONNREFUSED/)
    expect(lines.find((line) => line.emailId === result.id)).toMatchObject({ level: 40 })
    expect(await mailer.check()).toMatchObject({ status: 'degraded', mode: 'smtp', detail: expect.stringMatching(/ECONNREFUSED/) })
  })

  it('pages the outbox newest first without duplicates, ties broken by id', async () => {
    const { db } = database
    for (let index = 0; index < 7; index++) {
      await insertOutboxMessage(db, { to: `member${index}@example.org`, subject: `Mail ${index}`, text: 'Hello', html: null, purpose: 'invitation' })
    }
    // Rows sharing one timestamp: only the id can order them.
    await db
      .insertInto('email_outbox')
      .values(
        [1, 2, 3, 4].map((index) => ({
          to_address: `tie${index}@example.org`,
          subject: 'Same moment',
          text_body: 'Hello',
          purpose: 'invitation',
          created_at: '2026-03-01T12:00:00.123Z',
        })),
      )
      .execute()

    const everything = await listOutbox(db, { limit: 1000 })
    const total = await db.selectFrom('email_outbox').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
    expect(everything).toHaveLength(Number(total.count))

    const paged: OutboxListItem[] = []
    let before: { createdAt: Date; id: string } | undefined
    for (;;) {
      const page = await listOutbox(db, { before, limit: 3 })
      paged.push(...page)
      const last = page.at(-1)
      if (page.length < 3 || !last) break
      before = { createdAt: last.createdAt, id: last.id }
    }

    expect(paged.map((row) => row.id)).toEqual(everything.map((row) => row.id))
    expect(new Set(paged.map((row) => row.id)).size).toBe(paged.length)
    for (let index = 1; index < paged.length; index++) {
      const [newer, older] = [paged[index - 1]!, paged[index]!]
      const ordered =
        newer.createdAt.getTime() > older.createdAt.getTime() ||
        (newer.createdAt.getTime() === older.createdAt.getTime() && newer.id > older.id)
      expect(ordered).toBe(true)
    }
    // The list never carries the bodies: they hold one-time links.
    expect(Object.keys(paged[0]!)).not.toContain('textBody')
  })

  it('finds no message for an id that is not a uuid', async () => {
    expect(await getOutboxMessage(database.db, 'not-a-uuid')).toBeUndefined()
  })
})

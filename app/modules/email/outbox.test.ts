import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { systemContext } from '#app/modules/audit/audit.server.ts'
import { inviteMember } from '#app/modules/identity/invitations.server.ts'
import { startWorker } from '#app/platform/jobs.server.ts'
import { createMailTransport } from '#app/platform/mail-transport.server.ts'
import { openDatabase } from '#db/client.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { extractLink, startTestSmtpServer, type TestSmtpServer } from '#tests/setup/smtp-server.ts'
import { enqueueMail, MAIL_ATTEMPTS, REDACTED, SEND_MAIL_JOB, sendMailJob } from './outbox.server.ts'
import { countOutboxByStatus, getOutboxMessage } from './queries.server.ts'

const from = 'Riverside Community Band <no-reply@band.test>'
const silent = pino({ level: 'silent' })
const SECRET = 'outbox-test-app-secret-0123456789abcdef0123'
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
// Each test counts its own jobs and messages.
beforeEach(async () => {
  await database.db.deleteFrom('jobs').execute()
  await database.db.deleteFrom('email_outbox').execute()
})

/** The worker's clock: real time plus what the test has skipped ahead. */
function testClock() {
  let skippedMs = 0
  return {
    now: () => new Date(Date.now() + skippedMs),
    skip(ms: number) {
      skippedMs += ms
    },
  }
}

/** A worker driven by hand (`runOnce`) on a clock the test moves. */
function manualWorker(options: { smtpUrl: string | undefined; clock: ReturnType<typeof testClock> }) {
  const mail = createMailTransport({ smtpUrl: options.smtpUrl, from, logger: silent })
  const worker = startWorker({
    db: database.db,
    handlers: { [SEND_MAIL_JOB]: sendMailJob({ db: database.db, mail, logger: silent, sessionSecret: SECRET }) },
    logger: silent,
    poll: false,
    now: options.clock.now,
  })
  return {
    worker,
    async close() {
      await worker.stop()
      await mail.close()
    },
  }
}

describe(`the outbox on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('queues a message in the caller’s transaction and the worker sends it through SMTP', async () => {
    const clock = testClock()
    const { worker, close } = manualWorker({ smtpUrl: smtp.url, clock })
    const since = smtp.messages.length
    const { id } = await database.db.transaction().execute((trx) =>
      enqueueMail(trx, {
        to: 'Musician@Example.org',
        subject: 'Reset your password',
        text: `To choose a new password, open this link within an hour:\n\n${resetLink}\n`,
        html: `<p><a href="${resetLink}">Choose a new password</a></p>`,
        purpose: 'password_reset',
      }),
    )
    expect(await getOutboxMessage(database.db, id)).toMatchObject({ status: 'queued', attempts: 0 })
    expect(smtp.messages.length).toBe(since)

    expect(await worker.runOnce()).toBe(1)
    const mail = await smtp.waitForMail('musician@example.org', { since })
    expect(mail.from).toBe('no-reply@band.test')
    expect(extractLink(mail.text, '/reset-password')).toBe(resetLink)
    expect(mail.html).toContain(`href="${resetLink}"`)
    const row = await getOutboxMessage(database.db, id)
    expect(row).toMatchObject({ status: 'sent', attempts: 1, error: null })
    expect(row?.sentAt).toBeInstanceOf(Date)

    // Running again sends nothing twice.
    expect(await worker.runOnce()).toBe(0)
    expect(smtp.messages.length).toBe(since + 1)
    await close()
  })

  it('keeps a one-time link only sealed: admins read the redacted copy, the member gets the link, then the sealed copy is wiped (finding 1)', async () => {
    const clock = testClock()
    const { worker, close } = manualWorker({ smtpUrl: smtp.url, clock })
    const token = 'a1b2c3d4'.repeat(8)
    const since = smtp.messages.length
    const { id } = await enqueueMail(database.db, {
      to: 'cora@example.net',
      subject: 'Your invitation',
      text: `Choose your password: https://band.example.org/invite/${token}\n`,
      html: `<a href="https://band.example.org/invite/${token}">Choose your password</a>`,
      purpose: 'invitation',
      secrets: { values: [token], sealWith: SECRET },
    })
    const stored = await database.db.selectFrom('email_outbox').select(['text_body', 'html_body', 'sealed_body']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(JSON.stringify(stored.text_body) + JSON.stringify(stored.html_body)).not.toContain(token)
    expect(stored.text_body).toContain(REDACTED)
    expect(stored.sealed_body).toBeTruthy()
    expect(stored.sealed_body).not.toContain(token)
    expect((await getOutboxMessage(database.db, id))?.textBody).not.toContain(token)

    expect(await worker.runOnce()).toBe(1)
    const mail = await smtp.waitForMail('cora@example.net', { since })
    expect(extractLink(mail.text, '/invite/')).toBe(`https://band.example.org/invite/${token}`)
    const after = await database.db.selectFrom('email_outbox').select(['sealed_body', 'status']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(after).toEqual({ sealed_body: null, status: 'sent' })
    await close()
  })

  it('a change that rolls back sends nothing: a failed invitation leaves no mail, no job, no invitation', async () => {
    // A deferred check that fails at COMMIT, after the invitation, its audit
    // row and its mail were all written: the whole transaction must go.
    await sql`create function refuse_outbox_commit() returns trigger language plpgsql as $$
      begin raise exception 'refused at commit for the test'; end $$`.execute(database.db)
    await sql`create constraint trigger refuse_outbox_commit after insert on email_outbox
      deferrable initially deferred for each row execute function refuse_outbox_commit()`.execute(database.db)
    const inviter = await database.db
      .insertInto('users')
      .values({ email: 'director.rollback@example.net', display_name: 'Director' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const before = await counts()
    try {
      await expect(
        inviteMember(database.db, {
          email: 'rolled.back@example.net',
          displayName: 'Rolled Back',
          role: 'musician',
          sectionId: null,
          inviter: { id: inviter.id, grants: { roles: ['admin'], permissions: ['user.invite', 'role.assign'], sections: {} } },
          siteOrigin: 'https://band.example.org',
          sealWith: SECRET,
          audit: systemContext('Test', 'outbox-test-chain-key-0123456789abcdef01'),
        }),
      ).rejects.toThrow(/refused at commit/)
    } finally {
      await sql`drop trigger refuse_outbox_commit on email_outbox`.execute(database.db)
      await sql`drop function refuse_outbox_commit()`.execute(database.db)
    }
    expect(await counts()).toEqual(before)
  })

  it('while SMTP refuses, mail stays queued and retries with back-off; when it accepts again, every message arrives once', async () => {
    const clock = testClock()
    const { worker, close } = manualWorker({ smtpUrl: smtp.url, clock })
    const since = smtp.messages.length
    const recipients = ['one@example.net', 'two@example.net', 'three@example.net']
    const ids: string[] = []
    for (const to of recipients) {
      ids.push((await enqueueMail(database.db, { to, subject: 'Rehearsal moved', text: 'To the church hall.', purpose: 'notice' })).id)
    }

    smtp.setRefusing(true)
    expect(await worker.runOnce()).toBe(3)
    for (const id of ids) {
      const row = await getOutboxMessage(database.db, id)
      expect(row).toMatchObject({ status: 'queued', attempts: 1 })
      expect(row?.error).toMatch(/451|try again later/i)
    }
    // Not due again until the back-off has passed.
    expect(await worker.runOnce()).toBe(0)
    clock.skip(60 * 60 * 1000)
    expect(await worker.runOnce()).toBe(3)

    smtp.setRefusing(false)
    clock.skip(2 * 60 * 60 * 1000)
    expect(await worker.runOnce()).toBe(3)
    for (const id of ids) expect(await getOutboxMessage(database.db, id)).toMatchObject({ status: 'sent', attempts: 3, error: null })
    const received = smtp.messages.slice(since).map((mail) => mail.to).sort()
    expect(received).toEqual([...recipients].sort())
    await close()
  })

  it('marks a message failed, with the reason, after its last try', async () => {
    const clock = testClock()
    const { worker, close } = manualWorker({ smtpUrl: smtp.url, clock })
    const { id } = await enqueueMail(database.db, { to: 'never@example.net', subject: 'Never', text: 'Never arrives.', purpose: 'notice' })
    smtp.setRefusing(true)
    try {
      for (let attempt = 1; attempt <= MAIL_ATTEMPTS; attempt++) {
        expect(await worker.runOnce()).toBe(1)
        clock.skip(24 * 60 * 60 * 1000)
      }
    } finally {
      smtp.setRefusing(false)
    }
    expect(await worker.runOnce()).toBe(0)
    const row = await getOutboxMessage(database.db, id)
    expect(row).toMatchObject({ status: 'failed', attempts: MAIL_ATTEMPTS })
    expect(row?.error).toMatch(/451|try again later/i)
    await close()
  })

  it('without SMTP_URL keeps the message in the outbox as stored', async () => {
    const clock = testClock()
    const { worker, close } = manualWorker({ smtpUrl: undefined, clock })
    const since = smtp.messages.length
    const { id } = await enqueueMail(database.db, { to: 'kept@example.net', subject: 'Kept', text: 'Kept here.', purpose: 'notice' })
    expect(await worker.runOnce()).toBe(1)
    expect(await getOutboxMessage(database.db, id)).toMatchObject({ status: 'stored', attempts: 1, sentAt: null })
    expect(smtp.messages.length).toBe(since)
    await close()
  })
})

// PGlite is one connection in one process: there is nothing to run concurrently.
describe.skipIf(!process.env.DATABASE_URL)('two workers on PostgreSQL', () => {
  it('send each of 500 messages exactly once', async () => {
    const mark = `batch-${Date.now()}`
    const since = smtp.messages.length
    for (let start = 0; start < 500; start += 100) {
      await database.db.transaction().execute(async (trx) => {
        for (let index = start; index < start + 100; index++) {
          await enqueueMail(trx, { to: `player${index}@${mark}.example`, subject: `Part ${index}`, text: 'Your part is ready.', purpose: 'notice' })
        }
      })
    }
    const pools = await Promise.all([1, 2].map(() => openDatabase({ kind: 'postgres', url: database.url ?? '', poolMax: 4 })))
    const transports = pools.map(() => createMailTransport({ smtpUrl: smtp.url, from, logger: silent }))
    const workers = pools.map((pool, index) =>
      startWorker({
        db: pool.db,
        handlers: { [SEND_MAIL_JOB]: sendMailJob({ db: pool.db, mail: transports[index] ?? transports[0]!, logger: silent, sessionSecret: SECRET }) },
        logger: silent,
        poll: false,
        concurrency: 4,
      }),
    )
    try {
      const ran = await Promise.all(workers.map((worker) => worker.runOnce()))
      expect(ran.reduce((sum, count) => sum + count, 0)).toBe(500)
      // Both took a share: the test really ran two workers against each other.
      expect(Math.min(...ran)).toBeGreaterThan(0)
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()))
      await Promise.all(transports.map((transport) => transport.close()))
      await Promise.all(pools.map((pool) => pool.close()))
    }
    const received = smtp.messages.slice(since).filter((mail) => mail.to.endsWith(`@${mark}.example`))
    expect(received).toHaveLength(500)
    expect(new Set(received.map((mail) => mail.to)).size).toBe(500)
    const statuses = await countOutboxByStatus(database.db)
    expect(statuses.queued).toBe(0)
  })
})

async function counts() {
  const [outbox, jobs, invitations] = await Promise.all([
    database.db.selectFrom('email_outbox').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    database.db.selectFrom('jobs').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    database.db.selectFrom('invitations').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ])
  return { outbox: outbox.n, jobs: jobs.n, invitations: invitations.n }
}

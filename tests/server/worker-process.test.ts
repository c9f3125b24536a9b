import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueueMail } from '#app/modules/email/outbox.server.ts'
import { getOutboxMessage } from '#app/modules/email/queries.server.ts'
import { loadConfig } from '#app/platform/config.server.ts'
import { createLogger } from '#app/platform/logger.server.ts'
import { createRuntime } from '#app/platform/runtime.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { spawnServer } from '#tests/setup/server-process.ts'
import { startTestSmtpServer, type TestSmtpServer } from '#tests/setup/smtp-server.ts'

// `npm run worker` is `node server/index.ts worker`: the production build's
// worker in a process of its own, sending what the outbox holds.

let smtp: TestSmtpServer
let database: TestDatabase | undefined
const dataDir = mkdtempSync(path.join(tmpdir(), 'band-worker-'))
let env: Record<string, string>

beforeAll(async () => {
  smtp = await startTestSmtpServer()
  // PostgreSQL: a database of its own; embedded: a DATA_DIR this test hands over to the worker.
  if (process.env.DATABASE_URL) database = await createTestDatabase()
  env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    SMTP_URL: smtp.url,
    ...(database?.url
      ? { DATABASE_URL: database.url, SESSION_SECRET: 'worker-test-secret-0123456789abcdef0123', PUBLIC_URL: 'https://band.example.org' }
      : {}),
  }
}, 60_000)
afterAll(async () => {
  await database?.drop()
  await smtp?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** The same runtime the app builds, for putting a message in the outbox and reading it back. */
async function withRuntime<T>(work: (runtime: Awaited<ReturnType<typeof createRuntime>>) => Promise<T>): Promise<T> {
  const config = loadConfig(env)
  const runtime = await createRuntime(config, 'command', { logger: createLogger({ logLevel: 'silent' }) })
  try {
    return await work(runtime)
  } finally {
    await runtime.close()
  }
}

describe('the worker process', () => {
  it('sends the outbox, then stops cleanly on SIGTERM', async () => {
    const queued = await withRuntime((runtime) =>
      runtime.db.transaction().execute((trx) =>
        enqueueMail(trx, { to: 'section.leader@example.net', subject: 'Parts are up', text: 'New parts for Saturday.', purpose: 'notice' }),
      ),
    )
    const since = smtp.messages.length
    const worker = spawnServer(['worker'], env)
    try {
      const mail = await smtp.waitForMail('section.leader@example.net', { since, timeoutMs: 30_000 })
      expect(mail.subject).toBe('Parts are up')
      await expect.poll(() => worker.output(), { timeout: 10_000 }).toContain('"msg":"Email sent"')
    } finally {
      worker.child.kill('SIGTERM')
    }
    expect(await worker.exited).toBe(0)
    expect(worker.output()).toContain('worker stopped')
    // The embedded DATA_DIR is free again, and the row says sent.
    const row = await withRuntime((runtime) => getOutboxMessage(runtime.db, queued.id))
    expect(row).toMatchObject({ status: 'sent', attempts: 1 })
  }, 90_000)
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findUsableReset } from '#app/modules/identity/password-reset.server.ts'
import { runCommand } from '#server/cli.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Finding 1 without a mail server: nobody can read a usable link of someone
// else's mail. A reset is then started only from the operator's command line.

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
}, 120_000)
afterAll(() => server?.stop())

const resetsOf = async (email: string) =>
  server.runtime.db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select('password_resets.id')
    .where('users.email', '=', email)
    .execute()

describe('without SMTP, away from the operator’s terminal', () => {
  it('answers "forgot password" as usual but makes no link anyone could read', async () => {
    const before = (await resetsOf('director@example.org')).length
    const browser = new BrowserSession(server.url)
    const page = await browser.post('/forgot-password', { email: 'director@example.org' })
    expect(page.status).toBe(302)
    expect((await browser.follow(page)).toast).toContain('If that address belongs to an account')
    // The worker does the work: wait until it has, by its audit row.
    await expect
      .poll(async () => {
        const rows = await server.runtime.db.selectFrom('audit_log').select('changes').where('action', '=', 'auth.password_reset.requested').execute()
        return rows.some((row) => JSON.stringify(row.changes).includes('admin:reset') && JSON.stringify(row.changes).includes('director@example.org'))
      }, { timeout: 10_000 })
      .toBe(true)
    expect((await resetsOf('director@example.org')).length).toBe(before)
    const outbox = await server.runtime.db.selectFrom('email_outbox').select(['text_body', 'sealed_body']).where('to_address', '=', 'director@example.org').execute()
    expect(outbox.filter((row) => row.text_body.includes('/reset-password?token='))).toEqual([])
  })

  it('lets the operator start a reset with admin:reset, which prints a working link once', async () => {
    // The command needs the database to itself on the embedded default, so it runs against PostgreSQL only there;
    // on PGlite the same service is exercised through the server's own handle below.
    if (server.databaseUrl) {
      const output = await runCommand(['admin:reset', '--email', 'musician@example.org'], { ...server.env, LOG_LEVEL: 'silent' })
      const link = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(output)?.[0]
      expect(link, output).toBeTruthy()
      const token = new URL(link ?? '').searchParams.get('token') ?? ''
      expect(await findUsableReset(server.runtime.db, token)).toMatchObject({ email: 'musician@example.org' })
      await expect(runCommand(['admin:reset', '--email', 'nobody@example.net'], { ...server.env, LOG_LEVEL: 'silent' })).rejects.toThrow(/no account/)
    } else {
      const { createResetLinkForOperator } = await import('#app/modules/identity/password-reset.server.ts')
      const { systemContext } = await import('#app/modules/audit/audit.server.ts')
      const result = await createResetLinkForOperator(server.runtime.db, {
        email: 'musician@example.org',
        siteOrigin: server.runtime.config.siteUrl,
        audit: systemContext('Command line', server.runtime.auditKey),
      })
      expect(result.ok).toBe(true)
      const token = result.ok ? (new URL(result.link).searchParams.get('token') ?? '') : ''
      expect(await findUsableReset(server.runtime.db, token)).toMatchObject({ email: 'musician@example.org' })
    }
  })
})

describe('forgot password, known address or not (finding 15)', () => {
  it('does the same work in the request, one job, and leaves the lookup to the worker', async () => {
    const jobsFor = (email: string) =>
      server.runtime.db.selectFrom('jobs').select(['name', 'payload']).where('name', '=', 'identity.password_reset').execute()
        .then((rows) => rows.filter((row) => JSON.stringify(row.payload).includes(email)))
    for (const email of ['librarian@example.org', 'nobody-at-all@example.net']) {
      const page = await new BrowserSession(server.url).post('/forgot-password', { email })
      expect(page.status).toBe(302)
      expect(await jobsFor(email)).toHaveLength(1)
    }
  })
})


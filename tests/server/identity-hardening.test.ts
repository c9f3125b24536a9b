import { request as httpRequest } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as ServerEntry from '#server/main.ts'
import { resolveAuditKey } from '#app/platform/config.server.ts'
import { seedDemoBand } from '#db/seed/seed.server.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { freePort, startServerProcess } from '#tests/setup/server-process.ts'
import { extractLink, startTestSmtpServer, type TestSmtpServer } from '#tests/setup/smtp-server.ts'
import { serverBundle } from '#tests/setup/test-server.ts'

// Regression tests for the security review's findings (identity hardening),
// against the production build in its own process, so its log can be read.

let smtp: TestSmtpServer
let database: TestDatabase | undefined
let server: Awaited<ReturnType<typeof startServerProcess>>
// The site's configured address: localhost, while the tests connect to 127.0.0.1,
// so a link built from the request's Host would show.
let site: string
const dataDir = mkdtempSync(path.join(tmpdir(), 'band-hardening-'))

beforeAll(async () => {
  smtp = await startTestSmtpServer()
  const port = await freePort()
  site = `http://localhost:${port}`
  const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: String(port), SMTP_URL: smtp.url, RATE_LIMIT_POINTS: '100000' }
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase()
    const secret = 'hardening-secret-0123456789abcdef0123'
    await seedDemoBand(database.db, { chainKey: resolveAuditKey({ auditKey: undefined }, secret) })
    Object.assign(env, { DATABASE_URL: database.url ?? '', SESSION_SECRET: secret, PUBLIC_URL: site })
  }
  server = await startServerProcess(env)
}, 120_000)
afterAll(async () => {
  server?.child.kill('SIGTERM')
  await server?.exited
  await database?.drop()
  await smtp?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

type LogLine = { level: number; msg: string; [field: string]: unknown }
const logLines = (): LogLine[] =>
  server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)

/** A request with a Host header of our choosing (fetch drops one it is given). */
function rawPost(pathname: string, body: string, headers: Record<string, string>): Promise<{ status: number }> {
  const url = new URL(server.url)
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: url.hostname, port: url.port, path: pathname, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        response.resume()
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }))
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

describe('finding 2: links and the CSRF origin come from configuration, never the Host header', () => {
  it('refuses a form whose Origin matches only a forged Host', async () => {
    const answer = await rawPost('/forgot-password', 'email=superadmin%40example.org', { host: 'evil.example', origin: 'http://evil.example' })
    expect(answer.status).toBe(403)
  })

  it('refuses a forged Host even with the site’s own Origin (React Router compares the two)', async () => {
    const answer = await rawPost('/forgot-password', 'email=superadmin%40example.org', { host: 'evil.example', origin: site })
    expect(answer.status).toBe(400)
  })

  it('mails a reset link to the configured site, not to the address the request came to', async () => {
    const since = smtp.messages.length
    const answer = await rawPost('/forgot-password', 'email=superadmin%40example.org', { host: new URL(site).host, origin: site })
    expect(answer.status).toBe(302)
    const mail = await smtp.waitForMail('superadmin@example.org', { since, timeoutMs: 15_000 })
    const link = new URL(extractLink(mail.text, '/reset-password'))
    expect(link.origin).toBe(site)
    expect(mail.text).not.toContain('127.0.0.1')
  })
})

describe('finding 10: tokens never reach the log', () => {
  it('redacts invitation tokens in paths and reset tokens in query strings', async () => {
    const invitationToken = 'inviteTokenThatMustNotBeLogged0123456789abc'
    const resetToken = 'resetTokenThatMustNotBeLogged0123456789abcd'
    await fetch(new URL(`/invite/${invitationToken}`, server.url))
    await fetch(new URL(`/reset-password?token=${resetToken}&x=1`, server.url))
    await expect.poll(() => logLines().some((line) => String(line.path ?? '').startsWith('/reset-password'))).toBe(true)
    const output = server.output()
    expect(output).not.toContain(invitationToken)
    expect(output).not.toContain(resetToken)
    expect(output).toContain('/invite/[redacted]')
    expect(output).toContain('token=%5Bredacted%5D')
  })
})

describe('finding 14: a denial is logged once, with request id, user, IP and user agent', () => {
  it('writes one authorisation.denied line for a musician asking for /admin', async () => {
    const musician = new BrowserSession(site, { userAgent: 'HardeningTest/1.0' })
    await musician.signIn('musician@example.org')
    const page = await musician.get('/admin/members')
    expect(page.status).toBe(403)
    const requestId = page.headers.get('x-request-id')
    await expect.poll(() => logLines().filter((line) => line.event === 'authorisation.denied' && line.requestId === requestId).length).toBe(1)
    const denial = logLines().find((line) => line.event === 'authorisation.denied' && line.requestId === requestId)
    expect(denial).toMatchObject({ level: 40, requestId, ip: '127.0.0.1', userAgent: 'HardeningTest/1.0', method: 'GET', path: '/admin/members' })
    expect(typeof denial?.userId).toBe('string')
  })
})

describe('finding 12: caching and browser features', () => {
  it('marks every page of a signed-in user no-store and switches unused browser features off, route by route', async () => {
    const entry = (await import(pathToFileURL(serverBundle).href)) as typeof ServerEntry
    const routes = await entry.listRoutes()
    const admin = new BrowserSession(site)
    await admin.signIn('superadmin@example.org')
    const sample = (pattern: string) =>
      pattern.replace(':token', 'not-a-real-token').replace(':slug', 'about').replace(':messageId', '00000000-0000-4000-8000-000000000000').replace(/\/\*$/, '/no-such-page')
    const checked: string[] = []
    for (const route of routes) {
      if (route.id === 'routes/logout') continue // a POST-only action; its GET only redirects home
      const url = sample(route.pattern)
      const page = await admin.get(url)
      expect(page.headers.get('cache-control'), `${route.id} at ${url}`).toContain('no-store')
      expect(page.headers.get('permissions-policy'), `${route.id} at ${url}`).toMatch(/camera=\(\).*geolocation=\(\)/)
      checked.push(route.id)
    }
    expect(checked.length).toBeGreaterThan(15)
  })

  it('marks the pages that carry a token or a sign-in in progress no-store for anonymous visitors too', async () => {
    for (const url of ['/login', '/login/two-factor', '/forgot-password', '/reset-password?token=x', '/invite/not-a-real-token']) {
      const response = await fetch(new URL(url, server.url), { redirect: 'manual' })
      expect(response.headers.get('cache-control'), url).toContain('no-store')
    }
  })
})

describe('finding 11: a reset or a password change ends every other reset link', () => {
  async function resetLink(email: string): Promise<string> {
    const since = smtp.messages.length
    const page = await new BrowserSession(site).post('/forgot-password', { email })
    expect(page.status).toBe(302)
    const link = new URL(extractLink((await smtp.waitForMail(email, { since, timeoutMs: 15_000 })).text, '/reset-password'))
    return `${link.pathname}${link.search}`
  }
  const tokenOf = (path: string) => new URL(path, site).searchParams.get('token') ?? ''

  it('refuses an older link once a newer one was used', async () => {
    const older = await resetLink('leader@example.org')
    const newer = await resetLink('leader@example.org')
    const browser = new BrowserSession(site)
    const used = await browser.post('/reset-password', { token: tokenOf(newer), newPassword: 'quiet harbour lantern 2026', confirmPassword: 'quiet harbour lantern 2026' })
    expect(used.status).toBe(302)
    const again = await browser.post('/reset-password', { token: tokenOf(older), newPassword: 'another long phrase 2026', confirmPassword: 'another long phrase 2026' })
    expect(again.status).toBe(400)
    expect(again.errors.join(' ')).toContain('This link has expired or was already used')
  })

  it('refuses a waiting link after the member changed their password', async () => {
    const waiting = await resetLink('librarian@example.org')
    const member = new BrowserSession(site)
    await member.signIn('librarian@example.org')
    const changed = await member.post('/settings/security/password', {
      currentPassword: 'band-demo-2026',
      newPassword: 'violin meadow copper kite',
      confirmPassword: 'violin meadow copper kite',
    })
    expect(changed.status).toBe(302)
    const attempt = await new BrowserSession(site).post('/reset-password', { token: tokenOf(waiting), newPassword: 'sneaky new phrase 2026', confirmPassword: 'sneaky new phrase 2026' })
    expect(attempt.status).toBe(400)
    expect((await new BrowserSession(site).login('librarian@example.org', 'violin meadow copper kite')).location).toBe('/portal')
  })
})

describe('signing in again in the same browser', () => {
  it('ends the browser’s previous session (finding 15)', async () => {
    const browser = new BrowserSession(site)
    await browser.signIn('director@example.org')
    const first = browser.cookie('band_session') ?? ''
    // Signed in, the login form sends one on; a second sign-in still goes through its action.
    const again = await browser.login('director@example.org')
    expect(again.location).toBe('/portal')
    expect(browser.cookie('band_session')).not.toBe(first)
    const stale = new BrowserSession(site)
    stale.setCookie('band_session', first)
    expect(await stale.isSignedIn()).toBe(false)
  })
})


import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Pages for basic phones (members-and-events issue): routes hydrate only when
// their handle asks (docs/decisions/010-hydrate-only-where-asked.md). The
// phone pages ship HTML and CSS only; a route that asked still gets React.

let server: TestServer
let musician: BrowserSession
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
}, 120_000)
afterAll(() => server?.stop())

const scripts = (html: string) => html.match(/<script\b[^>]*>/g) ?? []
const preloads = (html: string) => html.match(/<link\b[^>]*rel="modulepreload"[^>]*>/g) ?? []

async function nextRehearsalId(): Promise<string> {
  const row = await server.runtime.db
    .selectFrom('events')
    .select('id')
    .where('kind', '=', 'rehearsal')
    .where('deleted_at', 'is', null)
    .where('starts_at', '>', new Date())
    .orderBy('starts_at')
    .executeTakeFirstOrThrow()
  return row.id
}

describe('the phone pages', () => {
  it('ship no script, no module preload and no hydration data', async () => {
    const pages = ['/portal', `/portal/events/${await nextRehearsalId()}`, '/portal/availability', '/portal/events', '/portal/calendar', '/']
    for (const path of pages) {
      const page = await musician.get(path)
      expect(page.status, path).toBe(200)
      expect(scripts(page.html), path).toEqual([])
      expect(preloads(page.html), path).toEqual([])
      expect(page.html, path).not.toContain('__reactRouterContext')
      // The stylesheet is still there.
      expect(page.html, path).toMatch(/<link\b[^>]*rel="stylesheet" href="\/assets\/[^"]+\.css"/)
    }
  })

  it('still work as plain forms: the sign-out button posts without JavaScript', async () => {
    const page = await musician.get('/portal')
    expect(page.html).toMatch(/<form(?=[^>]*method="post")(?=[^>]*action="\/logout")[^>]*>/)
  })
})

describe('a route that asks for hydration', () => {
  it('ships React, its module preloads and its data (sign-in, security settings)', async () => {
    const visitor = new BrowserSession(server.url)
    const login = await visitor.get('/login')
    expect(login.status).toBe(200)
    expect(scripts(login.html).length).toBeGreaterThan(0)
    expect(preloads(login.html).length).toBeGreaterThan(0)
    expect(login.html).toContain('__reactRouterContext')
    // Every script carries the page's CSP nonce.
    for (const tag of scripts(login.html)) expect(tag).toMatch(/nonce="[^"]+"/)

    const security = await musician.get('/settings/security')
    expect(security.status).toBe(200)
    expect(preloads(security.html).length).toBeGreaterThan(0)
  })
})

import { readdirSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readyzDetails, startTestServer, type TestServer } from '#tests/setup/test-server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ env: { MAX_BODY_BYTES: '4096' } })
}, 120_000)
afterAll(() => server?.stop())

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), { redirect: 'manual', ...init })

describe('the public home page', () => {
  it('renders the demo band with landmarks and a skip link', async () => {
    const response = await get('/')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Riverside Community Band')
    expect(html).toContain('Upcoming concerts')
    expect(html).toMatch(/<a href="#main"[^>]*>Skip to content<\/a>/)
    expect(html).toMatch(/<main id="main"/)
    expect(html).toMatch(/<header/)
    expect(html).toMatch(/<footer/)
  })

  it('sends security headers with a CSP nonce that the page scripts carry', async () => {
    // /login asks for hydration (ADR 010), so it has scripts; the home page has none.
    const response = await get('/login')
    const csp = response.headers.get('content-security-policy') ?? ''
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"]) {
      expect(csp).toContain(directive)
    }
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    const html = await response.text()
    const scriptNonces = [...html.matchAll(/<script[^>]*nonce="([^"]+)"/g)].map((match) => match[1])
    expect(scriptNonces.length).toBeGreaterThan(0)
    expect(new Set(scriptNonces)).toEqual(new Set([nonce]))
    // A new nonce for every response.
    const again = (await get('/login')).headers.get('content-security-policy')
    expect(again).not.toBe(csp)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    expect(response.headers.get('x-powered-by')).toBeNull()
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('is compressed for browsers that accept gzip', async () => {
    const response = await get('/', { headers: { 'accept-encoding': 'gzip' } })
    expect(response.headers.get('content-encoding')).toBe('gzip')
  })
})

describe('pages and errors', () => {
  it('serves CMS pages at /:slug', async () => {
    const response = await get('/about')
    expect(response.status).toBe(200)
    expect(await response.text()).toMatch(/<h1[^>]*>About/)
  })

  it.each(['/no-such-page', '/news-that-never-was', '/about/no/such/page'])('answers %s with a 404 page', async (path) => {
    const response = await get(path)
    expect(response.status).toBe(404)
    const html = await response.text()
    expect(html).toContain('Page not found')
    expect(html).not.toMatch(/\n\s+at /)
  })

  it.each(['/portal', '/library', '/admin', '/settings/security'])('sends an anonymous visitor from %s to sign in, and back afterwards', async (path) => {
    const response = await get(path)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(`/login?${new URLSearchParams({ redirectTo: path })}`)
  })

  it('answers a malformed URL with 400, not 500', async () => {
    const response = await get('/%E0%A4%A')
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('Bad address')
  })

  it('refuses an oversized body with 413 before reading it', async () => {
    // Announce 50 MB but send nothing: the answer must come without the body.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(new URL('/contact', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(50 * 1024 * 1024) },
      })
      req.on('response', (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
        req.destroy()
      })
      req.on('error', reject)
      req.flushHeaders()
    })
    expect(status).toBe(413)
  })
})

describe('health and assets', () => {
  it('reports liveness', async () => {
    const response = await get('/healthz')
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok' })
  })

  it('says only ok or not to anyone, and the details of database, cache and storage to monitoring with its token', async () => {
    const anonymous = await get('/readyz')
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toEqual({ status: 'ok' })
    expect(await (await get('/readyz', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).json()).toEqual({ status: 'ok' })
    const response = await get('/readyz', { headers: readyzDetails })
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.status).toBe('ok')
    expect(body.checks.database).toMatchObject({ status: 'ok', kind: process.env.DATABASE_URL ? 'postgres' : 'pglite' })
    expect(body.checks.cache).toMatchObject({ status: 'ok', mode: process.env.REDIS_URL ? 'redis' : 'memory' })
    expect(body.checks.storage).toMatchObject({ status: 'ok', kind: 'local' })
  })

  it('serves hashed assets with a year-long immutable cache', async () => {
    const asset = readdirSync('build/client/assets').find((name) => name.endsWith('.css'))
    expect(asset).toBeDefined()
    const response = await get(`/assets/${asset}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  })
})

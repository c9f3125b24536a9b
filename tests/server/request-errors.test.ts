import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Junk sent to the app answers with a 4xx page, never a 500 (DESIGN.md rule 2).

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
}, 120_000)
afterAll(() => server?.stop())

function post(path: string, body: BodyInit | null, contentType?: string) {
  const headers: Record<string, string> = { origin: server.url }
  if (contentType) headers['content-type'] = contentType
  return fetch(new URL(path, server.url), { method: 'POST', body, headers, redirect: 'manual' })
}

describe('a body that is not a form', () => {
  for (const path of ['/login', '/forgot-password', '/logout']) {
    it(`is refused with 415 at ${path}: JSON and plain text`, async () => {
      const json = await post(path, JSON.stringify({ email: 'musician@example.org', password: 'x' }), 'application/json')
      expect(json.status).toBe(415)
      const text = await post(path, 'email=musician@example.org', 'text/plain')
      expect(text.status).toBe(415)
      expect(await text.text()).not.toMatch(/\bat .*\.(js|ts):\d+/)
    })
  }

  it('gets 400 for broken multipart: a missing boundary, a truncated body', async () => {
    const noBoundary = await post('/login', 'email=a', 'multipart/form-data')
    expect(noBoundary.status).toBe(400)
    const truncated = await post(
      '/login',
      '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nmusician@example.org\r\n--XyZ\r\nContent-Disposition: form-da',
      'multipart/form-data; boundary=XyZ',
    )
    expect(truncated.status).toBe(400)
    const html = await truncated.text()
    expect(html).toContain('Bad request')
    expect(html).not.toMatch(/\bat .*\.(js|ts):\d+/)
  })

  it('still takes a well-formed multipart form', async () => {
    const form = new FormData()
    form.set('email', 'nobody@example.net')
    const response = await fetch(new URL('/forgot-password', server.url), { method: 'POST', body: form, headers: { origin: server.url }, redirect: 'manual' })
    expect(response.status).toBe(302)
  })
})

describe('junk in a public slug', () => {
  for (const path of ['/%00', '/about%00', '/about%00.txt', '/%E2%80%AE', "/a'b", '/' + 'x'.repeat(300), '/ABOUT']) {
    it(`${path.slice(0, 40)} is a 404 page`, async () => {
      const response = await fetch(new URL(path, server.url))
      expect(response.status).toBe(404)
      expect(await response.text()).toContain('Page not found')
    })
  }
})

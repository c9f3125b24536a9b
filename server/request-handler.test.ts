import { createHash, randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Request, type Response } from 'express'
import { afterEach, describe, expect, test } from 'vitest'
import { RequestBody, webRequestOf } from './request-handler.ts'

/**
 * The body handed to React Router is read once, as a web stream or as the
 * Node stream under it, never both; and the web Request carries what the
 * route needs (URL, headers, an abort when the client leaves). Real HTTP on a
 * free port; no database, so the same in both runtime modes.
 */

let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  server = undefined
})

/** An Express app on 127.0.0.1 whose one handler gets the request's RequestBody and web Request. */
async function serve(handle: (body: RequestBody, request: globalThis.Request, req: Request, res: Response) => Promise<void>, trustProxy = false) {
  const app = express()
  if (trustProxy) app.set('trust proxy', 'loopback')
  app.all('/{*path}', (req, res) => {
    const body = new RequestBody(req)
    handle(body, webRequestOf(req, res, body), req, res).catch((error: unknown) => res.status(500).send(String(error)))
  })
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server?.once('listening', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('the request body', () => {
  test('read through the web Request: every byte, and the Node stream is then not offered', async () => {
    const payload = randomBytes(3 * 1024 * 1024 + 17)
    const url = await serve(async (body, request, _req, res) => {
      const read = new Uint8Array(await request.arrayBuffer())
      res.json({ size: read.length, sha256: sha256(read), node: body.node() === null ? 'none' : 'given' })
    })
    const answer = await (await fetch(`${url}/form`, { method: 'POST', body: payload })).json()
    expect(answer).toEqual({ size: payload.length, sha256: sha256(payload), node: 'none' })
  })

  test('taken as the Node stream: the same bytes, and the web body then refuses to be read', async () => {
    const payload = randomBytes(2 * 1024 * 1024 + 5)
    const url = await serve(async (body, request, req, res) => {
      const stream = body.node()
      expect(stream).toBe(req)
      const chunks: Buffer[] = []
      for await (const chunk of stream ?? []) chunks.push(chunk as Buffer)
      const read = Buffer.concat(chunks)
      const web = await request.text().then(() => 'read', (error: unknown) => String(error))
      res.json({ size: read.length, sha256: sha256(read), web })
    })
    const answer = await (await fetch(`${url}/library/upload`, { method: 'POST', body: payload })).json()
    expect(answer).toMatchObject({ size: payload.length, sha256: sha256(payload) })
    expect(answer.web).toMatch(/already taken as a Node stream/)
  })

  test('nothing is read before someone asks: an unread body is still whole for the Node stream', async () => {
    const payload = randomBytes(1024 * 1024)
    const url = await serve(async (body, _request, _req, res) => {
      // Time for the body to arrive while nobody reads it (the adapter used to start copying it at once).
      await new Promise((resolve) => setTimeout(resolve, 100))
      let size = 0
      for await (const chunk of body.node() ?? []) size += (chunk as Buffer).length
      res.json({ size })
    })
    expect(await (await fetch(`${url}/upload`, { method: 'POST', body: payload })).json()).toEqual({ size: payload.length })
  })
})

describe('the web Request', () => {
  test('carries the method, the URL with its query and the headers; GET has no body', async () => {
    const url = await serve(async (_body, request, _req, res) => {
      res.json({ method: request.method, url: request.url, accept: request.headers.get('accept-language'), hasBody: request.body !== null })
    })
    const answer = await (await fetch(`${url}/library?q=holst+suite&sort=title`, { headers: { 'accept-language': 'en-GB' } })).json()
    expect(answer).toEqual({ method: 'GET', url: `${url}/library?q=holst+suite&sort=title`, accept: 'en-GB', hasBody: false })
  })

  test('behind a trusted proxy, the forwarded host and port', async () => {
    const url = await serve(async (_body, request, _req, res) => {
      res.json({ url: request.url })
    }, true)
    const answer = await (await fetch(`${url}/concerts`, { headers: { 'x-forwarded-host': 'band.example.org:8443', 'x-forwarded-proto': 'https' } })).json()
    expect(answer).toEqual({ url: 'https://band.example.org:8443/concerts' })
  })

  test('its signal aborts when the client goes away before the response, and not after a finished one', async () => {
    const outcomes: string[] = []
    const url = await serve(async (_body, request, _req, res) => {
      if (request.url.endsWith('/finished')) {
        res.end('ok')
        await new Promise((resolve) => setTimeout(resolve, 50))
        outcomes.push(request.signal.aborted ? 'finished: aborted' : 'finished: not aborted')
        return
      }
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }))
      outcomes.push('left: aborted')
    })
    await (await fetch(`${url}/finished`)).text()
    const leaving = new AbortController()
    const request = fetch(`${url}/slow`, { signal: leaving.signal }).catch(() => 'gone')
    await new Promise((resolve) => setTimeout(resolve, 100))
    leaving.abort()
    await request
    await expect.poll(() => outcomes).toEqual(['finished: not aborted', 'left: aborted'])
  })
})

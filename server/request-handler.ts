import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import { writeReadableStreamToWritable } from '@react-router/node'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { createRequestHandler as createReactRouterHandler, type RouterContextProvider, type ServerBuild } from 'react-router'

/**
 * Express in front of React Router: what @react-router/express does (a web
 * Request from Express's request, the Response written back), with the body
 * handed over differently. That adapter wraps the body in a web stream that
 * starts reading at once and copies every chunk (`new Uint8Array(chunk)`), and
 * the batch upload turned it back into a Node stream: for 530 MiB that was
 * ~8,500 copies and as many promise hops, a tenth of the server's CPU in the
 * upload benchmark. Here the web stream reads only when something reads it,
 * without copying, and a route that reads a large body itself (the upload)
 * can take the Node stream instead (`nodeBody`), as long as nothing has read
 * the web one. ADR 014.
 */

type Options = {
  build: ServerBuild | (() => Promise<ServerBuild>)
  mode: string
  /** The router context for one request; `body` gives the request's Node stream once, unless its web stream was read. */
  getLoadContext: (req: Request, res: Response, body: RequestBody) => RouterContextProvider
}

export function createRequestHandler({ build, mode, getLoadContext }: Options): RequestHandler {
  const handleRequest = createReactRouterHandler(build, mode)
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const body = new RequestBody(req)
      const request = webRequestOf(req, res, body)
      await sendResponse(res, await handleRequest(request, getLoadContext(req, res, body)))
    } catch (error) {
      next(error)
    }
  }
}

/** One request's body: read once, either as a web stream or as the Node stream it arrives on. */
export class RequestBody {
  #taken: 'web' | 'node' | null = null
  readonly #source: Request
  constructor(source: Request) {
    this.#source = source
  }

  /** The Node stream, or null when the web stream has been read from (its bytes are gone). */
  node(): Readable | null {
    if (this.#taken === 'web') return null
    this.#taken = 'node'
    return this.#source
  }

  /** A web stream that pulls from the Node one only when read (highWaterMark 0), chunk by chunk, without copies. */
  web(): ReadableStream<Uint8Array> {
    let chunks: AsyncIterator<Buffer> | undefined
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (!chunks) {
            if (this.#taken === 'node') throw new Error('The request body was already taken as a Node stream')
            this.#taken = 'web'
            chunks = this.#source[Symbol.asyncIterator]()
          }
          const next = await chunks.next()
          if (next.done) controller.close()
          else controller.enqueue(next.value)
        },
        cancel: (reason) => {
          if (this.#taken !== 'node') this.#source.destroy(reason instanceof Error ? reason : undefined)
        },
      },
      { highWaterMark: 0 },
    )
  }
}

export function webRequestOf(req: Request, res: Response, body: RequestBody): globalThis.Request {
  // The host as @react-router/express works it out: X-Forwarded-Host's port behind a trusted proxy, else Host's.
  const [, forwardedPort] = req.app.enabled('trust proxy') ? (req.get('x-forwarded-host')?.split(':') ?? []) : []
  const [, hostPort] = req.get('host')?.split(':') ?? []
  const port = [Number.parseInt(forwardedPort ?? '', 10), Number.parseInt(hostPort ?? '', 10)].find(Number.isSafeInteger)
  const host = `${req.hostname.split(/[\\/?#@]/)[0] || 'localhost'}${port ? `:${port}` : ''}`
  const url = new URL(`${req.protocol}://${host}${req.originalUrl}`)
  // Aborted when the client goes away before the response is finished (an upload cut off, a closed tab).
  const controller = new AbortController()
  let finished = false
  res.on('finish', () => (finished = true))
  res.on('close', () => {
    if (!finished) controller.abort()
  })
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: headersOf(req.headers), signal: controller.signal }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = body.web()
    init.duplex = 'half'
  }
  return new globalThis.Request(url.href, init)
}

function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one)
    else if (value) headers.set(name, value)
  }
  return headers
}

async function sendResponse(res: Response, response: globalThis.Response) {
  const closed = () => res.destroyed || res.writableEnded
  if (closed()) {
    await response.body?.cancel()
    return
  }
  res.statusMessage = response.statusText
  res.status(response.status)
  for (const [name, value] of response.headers.entries()) res.append(name, value)
  // Server-sent events must reach the client before the first event.
  if (/text\/event-stream/i.test(response.headers.get('content-type') ?? '')) res.flushHeaders()
  if (!response.body) {
    res.end()
    return
  }
  try {
    await writeReadableStreamToWritable(response.body, res)
  } catch (error) {
    if (!closed()) throw error
  }
}

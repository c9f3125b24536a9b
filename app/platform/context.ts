import type { Readable } from 'node:stream'
import { createContext } from 'react-router'
import type { Runtime } from './runtime.server.ts'

/**
 * What every loader, action and middleware reads from the router context:
 * `context.get(runtimeContext)` for the process-wide services and
 * `context.get(requestInfoContext)` for this request. The HTTP edge (server/)
 * puts both in; a test builds its own.
 */
export const runtimeContext = createContext<Runtime>()

/** What the HTTP edge knows about a request. */
export type RequestInfo = {
  requestId: string
  /** Per-response CSP nonce; React Router's scripts carry it. */
  cspNonce: string
  clientIp: string
  userAgent: string | null
}

export const requestInfoContext = createContext<RequestInfo>()

/**
 * The request body as the Node stream it arrives on, for a route that reads a
 * large body itself (the batch upload) and so skips the web stream around it.
 * Gives the stream once, and null when the web body was read first or when no
 * HTTP edge put one in (a test calling an action with a web Request).
 */
export const nodeBodyContext = createContext<() => Readable | null>(() => null)

import { PassThrough } from 'node:stream'
import { renderToPipeableStream } from 'react-dom/server'
import { type EntryContext, type HandleErrorFunction, type RouterContextProvider, ServerRouter } from 'react-router'
import { NonceProvider } from './components/nonce.tsx'
import { requestInfoContext, runtimeContext } from './platform/context.ts'
import { describeFailure } from './platform/errors.ts'

export const streamTimeout = 5_000

/**
 * Every loader, action, middleware or render failure: one JSON log line with
 * the request id, the error's name and message (and its causes'), never a
 * stack trace. The visitor sees the error page, never the error.
 */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return
  const { logger } = context.get(runtimeContext)
  const { requestId } = context.get(requestInfoContext)
  logger.error({ requestId, method: request.method, path: new URL(request.url).pathname, error: describeFailure(error) }, 'request failed')
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: RouterContextProvider,
) {
  if (request.method.toUpperCase() === 'HEAD') {
    return new Response(null, { status: responseStatusCode, headers: responseHeaders })
  }
  const { cspNonce } = loadContext.get(requestInfoContext)


  // Our pages load their data before rendering (no streamed Suspense), so the
  // whole document is rendered first and sent in one write: much cheaper than
  // many small socket writes, and a no-JS reader gets a complete page at once.
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const timeoutId = setTimeout(() => abort(), streamTimeout + 1000)

    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={cspNonce}>
        <ServerRouter context={routerContext} url={request.url} nonce={cspNonce} />
      </NonceProvider>,
      {
        nonce: cspNonce,
        onShellReady() {
          shellRendered = true
        },
        onAllReady() {
          const chunks: Buffer[] = []
          const body = new PassThrough()
          body.on('data', (chunk: Buffer) => chunks.push(chunk))
          body.on('end', () => {
            clearTimeout(timeoutId)
            responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
            resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }))
          })
          body.on('error', reject)
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          if (shellRendered) handleError(error, { request, params: {}, context: loadContext })
        },
      },
    )
  })
}

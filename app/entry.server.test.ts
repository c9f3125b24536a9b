import { pino } from 'pino'
import { RouterContextProvider } from 'react-router'
import { describe, expect, it } from 'vitest'
import { handleError } from './entry.server.tsx'
import { requestInfoContext, runtimeContext } from './platform/context.ts'
import type { Runtime } from './platform/runtime.server.ts'

function contextWithLog() {
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })
  const context = new RouterContextProvider()
  // Only the logger is read by handleError; the rest of the runtime is not needed here.
  context.set(runtimeContext, { logger } as unknown as Runtime)
  context.set(requestInfoContext, { requestId: 'req-1234abcd', cspNonce: 'n', clientIp: '203.0.113.9', userAgent: 'test' })
  return { context, lines }
}

describe('handleError', () => {
  it('logs a loader failure as one JSON line with the request id and the causes, without a stack trace', () => {
    const { context, lines } = contextWithLog()
    const failure = new Error('relation "events" does not exist', { cause: Object.assign(new Error('socket closed'), { code: 'ECONNRESET' }) })
    handleError(failure, { request: new Request('http://band.test/concerts?x=1'), params: {}, context })
    expect(lines).toHaveLength(1)
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>
    expect(line).toMatchObject({
      level: 50,
      msg: 'request failed',
      requestId: 'req-1234abcd',
      method: 'GET',
      path: '/concerts',
      error: { name: 'Error', message: 'relation "events" does not exist', cause: { message: 'socket closed', code: 'ECONNRESET' } },
    })
    expect(lines[0]).not.toContain('at ')
    expect(lines[0]).not.toContain('stack')
  })

  it('says nothing for a request the browser gave up on', () => {
    const { context, lines } = contextWithLog()
    const controller = new AbortController()
    controller.abort()
    handleError(new Error('aborted'), { request: new Request('http://band.test/', { signal: controller.signal }), params: {}, context })
    expect(lines).toHaveLength(0)
  })
})

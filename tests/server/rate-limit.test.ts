import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// A limit small enough to reach in a test; production reads its own numbers
// from RATE_LIMIT_POINTS and RATE_LIMIT_WINDOW_SECONDS.
const limits = { RATE_LIMIT_POINTS: '5', RATE_LIMIT_WINDOW_SECONDS: '60' }

async function hitUntilRefused(url: string, attempts: number) {
  const statuses: number[] = []
  let refused: Response | undefined
  for (let i = 0; i < attempts; i++) {
    const response = await fetch(`${url}/healthz`, { headers: { accept: 'text/html' } })
    statuses.push(response.status)
    if (response.status === 429) {
      refused = response
      break
    }
    await response.arrayBuffer()
  }
  return { statuses, refused }
}

describe(`the general per-IP limit (${process.env.REDIS_URL ? 'Redis' : 'memory'} counters)`, () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ env: limits })
  }, 120_000)
  afterAll(() => server?.stop())

  it('answers 429 with Retry-After and a readable page once the points are used', async () => {
    const { statuses, refused } = await hitUntilRefused(server.url, 10)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused?.text()).toContain('Too many requests')
  })

  it.runIf(process.env.REDIS_URL)('keeps its counters in Redis, where other instances see them', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? '')
    try {
      const keys = await redis.keys(`${server.env.REDIS_KEY_PREFIX}rl:ip:*`)
      expect(keys.length).toBe(1)
      expect(Number(await redis.get(keys[0] ?? ''))).toBeGreaterThanOrEqual(5)
    } finally {
      redis.disconnect()
    }
  })

  it('leaves static assets outside the limit', async () => {
    expect((await fetch(`${server.url}/favicon.svg`)).status).toBe(200)
  })
})

describe('when Redis is configured but down', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ env: { ...limits, REDIS_URL: 'redis://127.0.0.1:1' } })
  }, 120_000)
  afterAll(() => server?.stop())

  it('keeps serving, reports the cache as degraded, and still limits from memory', async () => {
    const ready = await fetch(`${server.url}/readyz`)
    expect(ready.status).toBe(200)
    const body = await ready.json()
    expect(body.status).toBe('degraded')
    expect(body.checks.cache).toMatchObject({ status: 'degraded', mode: 'memory' })

    expect((await fetch(`${server.url}/`)).status).toBe(200)
    // Two requests used above; the memory fallback refuses the sixth.
    const { statuses } = await hitUntilRefused(server.url, 10)
    expect(statuses).toEqual([200, 200, 200, 429])
  })
})

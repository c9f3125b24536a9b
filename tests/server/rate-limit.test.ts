import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readyzDetails, startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// A limit small enough to reach in a test; production reads its own numbers
// from RATE_LIMIT_POINTS and RATE_LIMIT_WINDOW_SECONDS.
const limits = { RATE_LIMIT_POINTS: '10', RATE_LIMIT_WINDOW_SECONDS: '60' }

/**
 * Requests until the first 429. Returns what each answer said: its status and
 * the points it said were left, so the test checks the count, not a guess.
 */
async function hitUntilRefused(url: string, attempts: number) {
  const answers: { status: number; remaining: number | null }[] = []
  let refused: Response | undefined
  for (let i = 0; i < attempts; i++) {
    const response = await fetch(`${url}/healthz`, { headers: { accept: 'text/html' } })
    const remaining = response.headers.get('ratelimit-remaining')
    answers.push({ status: response.status, remaining: remaining === null ? null : Number(remaining) })
    if (response.status === 429) {
      refused = response
      break
    }
    await response.arrayBuffer()
  }
  return { answers, refused }
}

/** Waits until the cache reports the given status (Redis connects in the background). */
async function cacheIs(url: string, status: 'ok' | 'degraded') {
  await expect
    .poll(async () => ((await (await fetch(`${url}/readyz`, { headers: readyzDetails })).json()) as { checks: { cache: { status: string } } }).checks.cache.status)
    .toBe(status)
}

describe(`the general per-IP limit (${process.env.REDIS_URL ? 'Redis' : 'memory'} counters)`, () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ env: limits })
  }, 120_000)
  afterAll(() => server?.stop())

  it('answers 429 with Retry-After and a readable page once the points are used', async () => {
    await cacheIs(server.url, 'ok')
    const { answers, refused } = await hitUntilRefused(server.url, 20)
    const first = answers[0]?.remaining ?? -1
    expect(first).toBeGreaterThanOrEqual(0)
    // Every answer counts one point down, and the one after the last point is refused.
    expect(answers).toEqual([
      ...Array.from({ length: first + 1 }, (_, i) => ({ status: 200, remaining: first - i })),
      { status: 429, remaining: null },
    ])
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused?.text()).toContain('Too many requests')
  })

  it.runIf(process.env.REDIS_URL)('keeps its counters in Redis, where other instances see them', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? '')
    try {
      const keys = await redis.keys(`${server.env.REDIS_KEY_PREFIX}rl:ip:*`)
      expect(keys.length).toBe(1)
      expect(Number(await redis.get(keys[0] ?? ''))).toBeGreaterThanOrEqual(10)
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
    const ready = await fetch(`${server.url}/readyz`, { headers: readyzDetails })
    expect(ready.status).toBe(200)
    const body = await ready.json()
    expect(body.status).toBe('degraded')
    expect(body.checks.cache).toMatchObject({ status: 'degraded', mode: 'memory' })

    expect((await fetch(`${server.url}/`)).status).toBe(200)
    // Two requests used above: the memory fallback lets eight more through, then refuses.
    const { answers } = await hitUntilRefused(server.url, 20)
    expect(answers.map((answer) => answer.status)).toEqual([...Array(8).fill(200), 429])
  })
})

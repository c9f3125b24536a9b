import { Redis } from 'ioredis'
import type { Logger } from './logger.server.ts'

/**
 * A small string cache: Redis when REDIS_URL is set, process memory otherwise.
 * Nothing may need Redis to be correct (DESIGN.md): when Redis is down every
 * call falls back to memory and /readyz says "degraded".
 */
export type Cache = {
  readonly mode: 'redis' | 'memory'
  /** The Redis connection, for rate limiters; undefined in memory mode. */
  readonly redis: Redis | undefined
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  delete(key: string): Promise<void>
  check(): Promise<{ status: 'ok' | 'degraded'; mode: 'redis' | 'memory'; detail?: string }>
  close(): Promise<void>
}

export function createCache(options: { redisUrl: string | undefined; keyPrefix: string; logger: Logger }): Cache {
  const memory = new MemoryStore(10_000)
  if (!options.redisUrl) {
    return {
      mode: 'memory',
      redis: undefined,
      get: async (key) => memory.get(key),
      set: async (key, value, ttl) => memory.set(key, value, ttl),
      delete: async (key) => memory.delete(key),
      check: async () => ({ status: 'ok', mode: 'memory' }),
      close: async () => {},
    }
  }

  const logger = options.logger.child({ component: 'cache' })
  const redis = new Redis(options.redisUrl, {
    keyPrefix: options.keyPrefix,
    // Fail fast instead of queueing commands while Redis is away; the caller
    // falls back to memory. Reconnect attempts go on in the background.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
  })
  let reportedDown = false
  redis.on('error', (error) => {
    if (reportedDown) return
    reportedDown = true
    logger.warn({ err: error }, 'Redis is unavailable; using in-process memory until it returns')
  })
  redis.on('ready', () => {
    if (reportedDown) logger.info('Redis is back')
    reportedDown = false
  })

  async function fallback<T>(work: () => Promise<T>, fromMemory: () => T): Promise<T> {
    if (redis.status !== 'ready') return fromMemory()
    try {
      return await work()
    } catch {
      return fromMemory()
    }
  }

  return {
    mode: 'redis',
    redis,
    get: (key) => fallback(() => redis.get(key), () => memory.get(key)),
    async set(key, value, ttl) {
      memory.set(key, value, ttl)
      await fallback(async () => void (await redis.set(key, value, 'EX', ttl)), () => undefined)
    },
    async delete(key) {
      memory.delete(key)
      await fallback(async () => void (await redis.del(key)), () => undefined)
    },
    async check() {
      if (redis.status !== 'ready') return { status: 'degraded', mode: 'memory', detail: `Redis ${redis.status}` }
      try {
        await redis.ping()
        return { status: 'ok', mode: 'redis' }
      } catch (error) {
        return { status: 'degraded', mode: 'memory', detail: error instanceof Error ? error.message : String(error) }
      }
    },
    async close() {
      redis.disconnect()
    },
  }
}

/** Bounded map with expiry; the oldest entry goes first when full. */
class MemoryStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>()
  readonly #capacity: number

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get(key: string): string | null {
    const entry = this.#entries.get(key)
    if (!entry) return null
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return null
    }
    return entry.value
  }

  set(key: string, value: string, ttlSeconds: number): void {
    this.#entries.delete(key)
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 })
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }
}

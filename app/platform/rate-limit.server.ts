import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible'

export type LimiterOptions = {
  /** Distinguishes this limiter's counters from others' in Redis. */
  keyPrefix: string
  points: number
  durationSeconds: number
  /** Seconds to keep refusing once the points are used up (0: until the window ends). */
  blockSeconds?: number
}

/**
 * Counters in Redis when there is one, so several app instances share them;
 * in process memory otherwise. When Redis fails the same limits keep applying
 * from memory (rate-limiter-flexible's insurance limiter).
 */
export function createLimiter(redis: Redis | undefined, options: LimiterOptions) {
  const shape = {
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
    blockDuration: options.blockSeconds ?? 0,
  }
  const memory = new RateLimiterMemory(shape)
  if (!redis) return memory
  return new RateLimiterRedis({ ...shape, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
}

export type Limiter = ReturnType<typeof createLimiter>

/**
 * The limiters of one runtime, made on first use and kept by key prefix, so
 * every request of a process counts in the same memory counters.
 */
export type RateLimits = { get(options: LimiterOptions): Limiter }

export function createRateLimits(redis: Redis | undefined): RateLimits {
  const made = new Map<string, Limiter>()
  return {
    get(options) {
      let limiter = made.get(options.keyPrefix)
      if (!limiter) {
        limiter = createLimiter(redis, options)
        made.set(options.keyPrefix, limiter)
      }
      return limiter
    },
  }
}

import type { NextFunction, Request, Response } from 'express'
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { sendStatusPage } from './status-page.ts'

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

/** Express middleware: one point per request, keyed by client IP. */
export function limitByIp(limiter: Limiter) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await limiter.consume(req.ip ?? 'unknown')
      res.set('RateLimit-Remaining', String(result.remainingPoints))
      next()
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return next(rejection)
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
      res.set('Retry-After', String(retryAfter))
      sendStatusPage(req, res, 429, {
        title: 'Too many requests',
        message: `We have had a lot of requests from your connection. Please wait ${retryAfter} seconds and try again.`,
      })
    }
  }
}

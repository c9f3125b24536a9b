import type { NextFunction, Request, Response } from 'express'
import { RateLimiterRes } from 'rate-limiter-flexible'
import type { Limiter } from '#app/platform/rate-limit.server.ts'
import { sendStatusPage } from './status-page.ts'

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

import { timingSafeEqual } from 'node:crypto'
import type { Request, Response } from 'express'
import type { Runtime } from '#app/platform/runtime.server.ts'

type CheckResult = { status: 'ok' | 'degraded' | 'fail'; [detail: string]: unknown }

/** Liveness: the process is up and its event loop answers. No dependencies. */
export function liveness(_req: Request, res: Response) {
  res.set('Cache-Control', 'no-store').json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) })
}

/**
 * Readiness: can this instance serve pages? The database and storage are
 * required (503 without them); Redis is optional, so without it we are
 * "degraded" but still ready.
 */
export function readiness(services: Pick<Runtime, 'database' | 'cache' | 'storage' | 'config'>) {
  const token = services.config.healthToken
  return async (req: Request, res: Response) => {
    const [database, cache, storage] = await Promise.all([
      checkDatabase(services.database),
      services.cache.check() as Promise<CheckResult>,
      services.storage.check() as Promise<CheckResult>,
    ])
    const checks = { database, cache, storage }
    const failed = Object.values(checks).some((check) => check.status === 'fail')
    const degraded = Object.values(checks).some((check) => check.status === 'degraded')
    res.status(failed ? 503 : 200).set('Cache-Control', 'no-store')
    // What runs where (database kind, cache mode, error texts) is for monitoring
    // with the token, not for anyone who asks (finding 15).
    if (!token || !timingSafeEqualText(req.get('authorization') ?? '', `Bearer ${token}`)) {
      res.json({ status: failed ? 'fail' : 'ok' })
      return
    }
    res.json({ status: failed ? 'fail' : degraded ? 'degraded' : 'ok', checks })
  }
}

function timingSafeEqualText(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function checkDatabase(database: Runtime['database']): Promise<CheckResult> {
  const started = performance.now()
  try {
    await database.ping(2_000)
    return { status: 'ok', kind: database.kind, latencyMs: Math.round(performance.now() - started) }
  } catch (error) {
    // An outage arrives as the web app's 503 response, not an Error (docs/decisions/003).
    return { status: 'fail', kind: database.kind, detail: error instanceof Error ? error.message : 'cannot be reached' }
  }
}

import type { DatabaseHandle } from '#db/client.server.ts'
import type { Mailer } from '#app/modules/email/mailer.server.ts'
import type { Cache } from './cache.ts'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import type { Storage } from './storage.ts'

/**
 * The process-wide services the app runs on. server/main.ts builds them once at
 * start; tests build their own. Route loaders and services reach them through
 * `runtime()` (one copy per process: the server bundle holds every module once).
 */
export type Runtime = {
  config: Config
  database: DatabaseHandle
  cache: Cache
  storage: Storage
  mailer: Mailer
  logger: Logger
  sessionSecret: string
}

let current: Runtime | undefined

export function setRuntime(next: Runtime | undefined): void {
  current = next
}

export function runtime(): Runtime {
  if (!current) throw new Error('The runtime is not set: start the server through server/main.ts, or call setRuntime() in the test')
  return current
}

/** The database of the running app (shorthand for `runtime().database.db`). */
export function db(): DatabaseHandle['db'] {
  return runtime().database.db
}

/**
 * A value made once per running app (cookies signed with its secret, rate
 * limiters on its Redis, caches of its database), so a second app started in
 * the same process (tests do) never sees the first one's.
 */
export function perRuntime<T>(make: (current: Runtime) => T): () => T {
  const made = new WeakMap<Runtime, T>()
  return () => {
    const current = runtime()
    if (!made.has(current)) made.set(current, make(current))
    return made.get(current) as T
  }
}

import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { createHash } from 'node:crypto'
import pg from 'pg'
import { wantsGenericPlan } from './generic-plan.ts'
import type { Database } from './types.ts'

/**
 * One factory for both runtime modes: PostgreSQL through `pg` when
 * DATABASE_URL is set, embedded PGlite (real Postgres in WASM) otherwise.
 * The same migrations and queries run on both.
 */

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolMax?: number }
  // directory undefined = in memory (tests)
  | { kind: 'pglite'; directory: string | undefined }

export type DatabaseHandle = {
  kind: DatabaseTarget['kind']
  db: Kysely<Database>
  /** Where the data lives, safe to log (no password). */
  description: string
  /** Resolves when the database answers `select 1` within the time limit. */
  ping(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The database cannot be reached', { cause })
    this.name = 'DatabaseUnavailableError'
  }
}

type OpenOptions = {
  /**
   * What to throw when PostgreSQL cannot be reached. The web app turns it into
   * a 503 page; command-line tools keep the default error.
   */
  unavailable?: (cause: unknown) => unknown
  onPoolError?: (error: Error) => void
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<DatabaseHandle> {
  return target.kind === 'postgres' ? openPostgres(target, options) : openPglite(target)
}

function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgres' }>, options: OpenOptions): DatabaseHandle {
  const poolOptions = {
    connectionString: target.url,
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => typeParsers[oid] ?? pg.types.getTypeParser(oid, format) },
    max: target.poolMax ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  }
  const pool = new pg.Pool(poolOptions)
  // Statements marked for a generic plan (db/generic-plan.ts, ADR 013) run here, prepared by name.
  const genericPlanPool = new pg.Pool({ ...poolOptions, options: '-c plan_cache_mode=force_generic_plan' })
  for (const each of [pool, genericPlanPool]) {
    // An idle client whose server went away emits 'error' on the pool; without a
    // listener that would crash the process instead of reconnecting later.
    each.on('error', (error) => options.onPoolError?.(error))
    // A checked-out client has no pool listener: if the server goes away between
    // two queries of a transaction, its 'error' would be uncaught. The query that
    // follows fails on its own and is answered as "database unavailable".
    each.on('connect', (client) => client.on('error', (error) => options.onPoolError?.(error)))
  }
  const unavailable = options.unavailable ?? ((cause: unknown) => new DatabaseUnavailableError(cause))
  const rethrow = (error: unknown): never => {
    throw isConnectionError(error) ? unavailable(error) : error
  }

  const guardedPool = {
    options: pool.options,
    async end() {
      await Promise.all([pool.end(), genericPlanPool.end()])
    },
    async connect() {
      const client = await pool.connect().catch(rethrow)
      // Kysely opens and closes its transactions with these statements; a marked statement inside one stays on its connection.
      let inTransaction = false
      return new Proxy(client, {
        get(target, property, receiver) {
          if (property === 'query') {
            return (...args: Parameters<pg.PoolClient['query']>) => {
              const [text, values] = args
              if (typeof text === 'string') {
                if (/^(begin|start transaction)\b/i.test(text)) inTransaction = true
                else if (/^(commit|rollback)$/i.test(text)) inTransaction = false
                else if (!inTransaction && wantsGenericPlan(text)) {
                  const name = `generic_${createHash('sha1').update(text).digest('base64url')}`
                  return genericPlanPool.query({ name, text, values: values as unknown[] }).catch(rethrow)
                }
              }
              return (target.query as (...a: unknown[]) => Promise<unknown>)(...args).catch(rethrow)
            }
          }
          const value: unknown = Reflect.get(target, property, receiver)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    },
  }

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool }) })
  let closed = false
  return {
    kind: 'postgres',
    db,
    description: describePostgresUrl(target.url),
    ping: (timeoutMs = 2_000) => withTimeout(sql`select 1`.execute(db), timeoutMs).then(() => undefined),
    async close() {
      if (closed) return
      closed = true
      await db.destroy()
    },
  }
}

async function openPglite(target: Extract<DatabaseTarget, { kind: 'pglite' }>): Promise<DatabaseHandle> {
  const pglite = await PGlite.create({
    ...(target.directory ? { dataDir: target.directory } : {}),
    extensions: { pg_trgm, unaccent },
    parsers: typeParsers,
  })
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  let closed = false
  return {
    kind: 'pglite',
    db,
    description: target.directory ? `embedded PostgreSQL (PGlite) in ${target.directory}` : 'embedded PostgreSQL (PGlite) in memory',
    ping: (timeoutMs = 2_000) => withTimeout(sql`select 1`.execute(db), timeoutMs).then(() => undefined),
    async close() {
      if (closed) return
      closed = true
      await db.destroy()
      if (!pglite.closed) await pglite.close()
    },
  }
}

// Both drivers read these types the same way: a `date` stays 'YYYY-MM-DD'
// (no time-zone shift), int8 (counts, identities) becomes a number.
const typeParsers: Record<number, (value: string) => unknown> = {
  20: (value) => Number.parseInt(value, 10),
  1082: (value) => value,
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
])

/** True when an error means "no database to talk to", as opposed to a bad query. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (connectionErrorCodes.has(code) || code.startsWith('08'))) return true
  if (error instanceof AggregateError) return error.errors.some(isConnectionError)
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  )
}

function describePostgresUrl(url: string): string {
  const parsed = new URL(url)
  return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

import { data } from 'react-router'
import { type DatabaseHandle, openDatabase } from '#db/client.server.ts'
import { type DataDirLock, lockDataDir } from '#db/data-dir-lock.server.ts'
import { migrateToLatest } from '#db/migrate.server.ts'
import { provisionAppRole } from '#db/roles.server.ts'
import { type BriefCache, createBriefCache } from './brief-cache.server.ts'
import { type Cache, createCache } from './cache.server.ts'
import { type Config, memberDataKeyWarning, resolveAuditKey, resolveMemberDataKeys, resolveSessionSecret } from './config.server.ts'
import { createLogger, type Logger } from './logger.server.ts'
import { createMailTransport, type MailTransport } from './mail-transport.server.ts'
import { createRateLimits, type RateLimits } from './rate-limit.server.ts'
import type { DataKeyRing } from './secret-box.server.ts'
import { createStorage, type Storage } from './storage.server.ts'

/**
 * The process-wide services, built once by `createRuntime` (the composition
 * root, in the style of atproto's AppContext.fromConfig). The web server, the
 * worker, the command line and the tests each build theirs the same way and
 * hand it on: to loaders and actions through the router context
 * (`context.get(runtimeContext)`), to services as arguments. Nothing reaches
 * it through a global.
 */
export type Runtime = {
  readonly role: RuntimeRole
  readonly config: Config
  readonly logger: Logger
  readonly database: DatabaseHandle
  /** Shorthand for `database.db`. */
  readonly db: DatabaseHandle['db']
  readonly cache: Cache
  readonly storage: Storage
  readonly mail: MailTransport
  readonly rateLimits: RateLimits
  readonly briefCache: BriefCache
  /** Signs cookies and encrypts two-step secrets. */
  readonly sessionSecret: string
  /** The audit chain's HMAC key; kept out of the database. */
  readonly auditKey: string
  /** Seal and open members' emergency contacts (MEMBER_DATA_KEY and the keys it replaced). */
  readonly memberDataKeys: DataKeyRing
  /** Closes everything it opened, in reverse order; safe to call twice. */
  close(): Promise<void>
}

/** Who the runtime is for: the lock's label, and how a lost database shows. */
export type RuntimeRole = 'web' | 'worker' | 'command'

export type RuntimeOverrides = Partial<Pick<Runtime, 'logger' | 'database' | 'cache' | 'storage' | 'mail'>> & {
  /** false: open the database without migrating (`migrate --status`, `--down`). */
  migrate?: boolean
}

const lockPurpose: Record<RuntimeRole, string> = {
  web: 'the band web server',
  worker: 'the band background worker',
  command: 'a band command',
}

/**
 * Opens and migrates the database (taking the DATA_DIR lock first on the
 * embedded default), then builds cache, storage, mail transport and limiters.
 * A test may hand in its own database or logger; whatever it hands in, it
 * closes itself.
 */
export async function createRuntime(config: Config, role: RuntimeRole, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config)
  const closers: (() => Promise<void>)[] = []
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => logger.warn({ err: error }, 'could not close a service'))
  }
  try {
    const sessionSecret = resolveSessionSecret(config)
    const keyWarning = memberDataKeyWarning(config, role)
    if (keyWarning) logger.warn(keyWarning)
    // The owner migrates (and creates the app's role) before the app's role connects.
    const ownerUrl = config.database.kind === 'postgres' && overrides.migrate !== false ? config.migrationDatabaseUrl : undefined
    if (ownerUrl && config.database.kind === 'postgres') await migrateAsOwner(ownerUrl, config.database.url, logger)
    let database = overrides.database
    if (!database) {
      if (config.database.kind === 'pglite') {
        const lock: DataDirLock = await lockDataDir(config.dataDir, lockPurpose[role], (error) => {
          logger.fatal({ err: error }, 'Lost the lock on the data directory; stopping to protect the database')
          process.exit(1)
        })
        closers.push(() => lock.release())
      }
      database = await openReachableDatabase(config, role, logger)
      const opened = database
      closers.push(() => opened.close())
    }
    if (overrides.migrate !== false && !ownerUrl) {
      if (config.database.kind === 'postgres') {
        logger.warn('MIGRATION_DATABASE_URL is not set: migrations run as the app’s own database role, which can then alter the audit log; see docs/deploying.md')
      }
      const { applied } = await migrateToLatest(database.db)
      if (applied.length > 0) logger.info({ applied }, 'database migrated')
    }
    const cache = overrides.cache ?? createCache({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, logger })
    if (!overrides.cache) closers.push(() => cache.close())
    const storage = overrides.storage ?? createStorage(config.storage)
    if (!overrides.storage) closers.push(() => storage.close())
    const mail = overrides.mail ?? createMailTransport({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger })
    if (!overrides.mail) closers.push(() => mail.close())

    return {
      role,
      config,
      logger,
      database,
      db: database.db,
      cache,
      storage,
      mail,
      rateLimits: createRateLimits(cache.redis),
      briefCache: createBriefCache(),
      sessionSecret,
      auditKey: resolveAuditKey(config, sessionSecret),
      memberDataKeys: resolveMemberDataKeys(config, sessionSecret),
      close: closeAll,
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}

/**
 * Migrations run as the owner role (MIGRATION_DATABASE_URL), which then grants
 * the app's own role what it needs and no more (db/roles.server.ts). Without
 * it they run as the app's role, which then owns the audit log too: said in
 * the log, and in docs/deploying.md.
 */
async function migrateAsOwner(ownerUrl: string, appUrl: string, logger: Logger): Promise<void> {
  const owner = await openDatabase({ kind: 'postgres', url: ownerUrl, poolMax: 1 })
  try {
    await owner.ping(10_000).catch((error: unknown) => {
      throw new StartupError('Cannot reach the database at MIGRATION_DATABASE_URL. Check it and that PostgreSQL is running.', error)
    })
    const { applied } = await migrateToLatest(owner.db)
    if (applied.length > 0) logger.info({ applied }, 'database migrated (as the owner role)')
    const report = await provisionAppRole(owner.db, appUrl)
    if (report.sameAsOwner) logger.warn('DATABASE_URL and MIGRATION_DATABASE_URL use the same role: the audit log is not protected from it')
    else if (report.created) logger.info({ role: report.role }, 'created the app’s database role')
  } finally {
    await owner.close()
  }
}

async function openReachableDatabase(config: Config, role: RuntimeRole, logger: Logger): Promise<DatabaseHandle> {
  const target = config.database.kind === 'postgres' && role === 'command' ? { ...config.database, poolMax: 2 } : config.database
  const database = await openDatabase(target, {
    // A page whose database is away gets the friendly 503 page (root
    // ErrorBoundary) instead of a 500; the pool reconnects on its own.
    unavailable:
      role === 'web' ? () => data({ reason: 'database-unavailable' }, { status: 503, statusText: 'Service Unavailable' }) : undefined,
    onPoolError: (error) => logger.warn({ err: error }, 'a database connection was lost'),
  })
  try {
    await database.ping(10_000)
  } catch (error) {
    await database.close().catch(() => {})
    throw new StartupError(
      `Cannot reach the database (${database.description}). Check DATABASE_URL and that PostgreSQL is running.`,
      error,
    )
  }
  return database
}

export class StartupError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'StartupError'
  }
}

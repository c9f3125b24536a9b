import path from 'node:path'
import type { RequestHandler } from 'express'
import { data, type ServerBuild } from 'react-router'
import { type DatabaseHandle, openDatabase } from '#db/client.server.ts'
import { lockDataDir } from '#db/data-dir-lock.server.ts'
import { migrateToLatest } from '#db/migrate.server.ts'
import { isDatabaseEmpty, seedDemoBand } from '#db/seed/seed.server.ts'
import { ensureAuditPartitions } from '#app/modules/audit/audit.server.ts'
import { createMailer } from '#app/modules/email/mailer.server.ts'
import { createApp } from './app.ts'
import { createCache } from './cache.ts'
import { type Config, loadConfig, resolveSessionSecret } from './config.ts'
import { createLogger, type Logger } from './logger.ts'
import { setRuntime } from './runtime.server.ts'
import { createStorage } from './storage.ts'

export { runCommand } from './cli.ts'

type StartOptions = {
  /** Development: Vite's middleware and its live server build. */
  dev?: { middleware: RequestHandler; build: () => Promise<ServerBuild> }
  env?: NodeJS.ProcessEnv
}

export type RunningServer = { url: string; stop(): Promise<void> }

/**
 * Starts the web server: configuration, the lock on DATA_DIR (embedded
 * database), database and migrations, the demo band on a new embedded
 * database, then Express. Exits with one clear message when something it
 * needs is missing.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env)
  const logger = createLogger(config)
  const lock = config.database.kind === 'pglite'
    ? await lockDataDir(config.dataDir, 'the band web server', (error) => {
        logger.fatal({ err: error }, 'Lost the lock on the data directory; stopping to protect the database')
        process.exit(1)
      })
    : undefined
  let database: DatabaseHandle
  let sessionSecret: string
  try {
    sessionSecret = resolveSessionSecret(config)
    database = await openAndPrepareDatabase(config, logger)
  } catch (error) {
    await lock?.release()
    throw error
  }
  const cache = createCache({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix, logger })
  const storage = createStorage(config.storage)
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger })
  await ensureAuditPartitions(database.db)
  // Next months' audit partitions must exist before their first row arrives.
  const partitionTimer = setInterval(() => {
    ensureAuditPartitions(database.db).catch((error: unknown) => logger.error({ err: error }, 'could not create audit partitions'))
  }, 12 * 60 * 60 * 1000)
  partitionTimer.unref()
  const runtime = { config, database, cache, storage, mailer, logger, sessionSecret }
  setRuntime(runtime)

  // Production imports the route build once; dev asks Vite each time for fresh code.
  const productionBuild = options.dev ? undefined : import('virtual:react-router/server-build')
  const app = createApp(runtime, {
    build: options.dev?.build ?? (() => productionBuild as Promise<ServerBuild>),
    clientDirectory: path.resolve('build/client'),
    devMiddleware: options.dev?.middleware,
  })

  const server = app.listen(config.port, config.host)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  logger.info({ url, database: database.description, cache: cache.mode, storage: storage.kind }, 'band platform is listening')

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: no new connections, finishing requests in flight')
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs)
      await closed
      clearTimeout(timer)
      clearInterval(partitionTimer)
      setRuntime(undefined)
      await cache.close()
      await mailer.close()
      await database.close()
      await lock?.release()
      logger.info('stopped')
    })()
    return stopping
  }
  return { url, stop }
}

async function openAndPrepareDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  const database = await openDatabase(config.database, {
    // A page whose database is away gets the friendly 503 page (root
    // ErrorBoundary) instead of a 500; the pool reconnects on its own.
    unavailable: () => data({ reason: 'database-unavailable' }, { status: 503, statusText: 'Service Unavailable' }),
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
  const { applied } = await migrateToLatest(database.db)
  if (applied.length > 0) logger.info({ applied }, 'database migrated')

  if (config.database.kind === 'pglite' && (await isDatabaseEmpty(database.db))) {
    logger.info('new embedded database: adding the demo band')
    const summary = await seedDemoBand(database.db, { demoPassword: config.demoPassword })
    logger.info({ summary }, 'demo band ready')
  }
  return database
}

export class StartupError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'StartupError'
  }
}


/**
 * Every route module of the app with the URL pattern it answers, from the
 * route build itself; the access-matrix test walks it so no route can be
 * added without saying who may open it.
 */
export async function listRoutes(): Promise<{ id: string; pattern: string; hasAction: boolean }[]> {
  const build = (await import('virtual:react-router/server-build')) as ServerBuild
  const routes = Object.values(build.routes).filter((route) => route !== undefined)
  const byId = new Map(routes.map((route) => [route.id, route]))
  const patternOf = (id: string): string => {
    const route = byId.get(id)
    if (!route) return ''
    const parent = route.parentId ? patternOf(route.parentId) : ''
    return route.path ? `${parent.replace(/\/$/, '')}/${route.path}` : parent || '/'
  }
  return routes
    .filter((route) => route.id !== 'root')
    .map((route) => ({ id: route.id, pattern: patternOf(route.id) || '/', hasAction: Boolean(route.module.action) }))
    .sort((a, b) => a.id.localeCompare(b.id))
}

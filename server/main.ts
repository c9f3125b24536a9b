import { createServer, type Server } from 'node:http'
import path from 'node:path'
import type { RequestHandler } from 'express'
import type { ServerBuild } from 'react-router'
import { DEMO_ACCOUNTS } from '#db/seed/demo-accounts.server.ts'
import { isDatabaseEmpty, seedDemoBand } from '#db/seed/seed.server.ts'
import { accountsWithPassword } from '#app/modules/identity/queries.server.ts'
import { ensureAuditPartitions } from '#app/modules/audit/audit.server.ts'
import { loadConfig } from '#app/platform/config.server.ts'
import { createRuntime, type Runtime, StartupError } from '#app/platform/runtime.server.ts'
import { startBackgroundWorker } from '#app/worker.server.ts'
import { createApp } from './app.ts'

export { runCommand } from './cli.ts'
export { runWorkerProcess } from './worker.ts'

type StartOptions = {
  /** Development: Vite's middleware and its live server build. */
  dev?: { middleware: RequestHandler; build: () => Promise<ServerBuild> }
  env?: NodeJS.ProcessEnv
}

export type RunningServer = {
  url: string
  /** The server's own runtime: tests read its database through it (PGlite has one opener). */
  runtime: Runtime
  stop(): Promise<void>
}

/**
 * Starts the web server: configuration, the port (so a port in use says so
 * before anything is migrated or seeded), the runtime (lock, database,
 * migrations, services), the demo band on a new embedded database, the
 * background worker unless RUN_WORKER=false, then Express.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env)
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' }).end('The band site is starting. Try again in a moment.\n')
  })
  await listen(server, config.port, config.host)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  // With PORT=0 the port is known only now; the site's address names it.
  const listening = { ...config, port, siteUrl: config.publicUrl ?? `http://localhost:${port}` }

  let runtime: Runtime
  let runtimeInProgress: Runtime | undefined
  try {
    runtime = runtimeInProgress = await createRuntime(listening, 'web')
    await addDemoBandToNewEmbeddedDatabase(runtime)
    await refuseReachableDemoPasswords(runtime)
    await ensureAuditPartitions(runtime.db)
  } catch (error) {
    await runtimeInProgress?.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    throw error
  }
  const { logger } = runtime
  const worker = config.runWorkerInWeb ? await startBackgroundWorker(runtime) : undefined

  // Production hands React Router the build itself, so its route tables are
  // made once (given a function, it rebuilds them on every request: ~8% of a
  // signed-in page's CPU); dev asks Vite each time for fresh code.
  const app = createApp(runtime, {
    build: options.dev?.build ?? ((await import('virtual:react-router/server-build')) as ServerBuild),
    clientDirectory: path.resolve('build/client'),
    devMiddleware: options.dev?.middleware,
  })
  server.removeAllListeners('request')
  server.on('request', app)

  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  logger.info(
    { url, database: runtime.database.description, cache: runtime.cache.mode, storage: runtime.storage.kind, worker: Boolean(worker) },
    'band platform is listening',
  )

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: no new connections, finishing requests in flight')
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs)
      await closed
      clearTimeout(timer)
      await worker?.stop()
      await runtime.close()
      logger.info('stopped')
    })()
    return stopping
  }
  return { url, runtime, stop }
}

export class PortInUseError extends Error {
  constructor(host: string, port: number) {
    super(`Port ${port} on ${host} is already in use: another program (perhaps another copy of the band site) is listening there. Stop it, or choose another port with PORT=…`)
    this.name = 'PortInUseError'
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error)
    server.once('error', failed)
    server.listen(port, host, () => {
      server.off('error', failed)
      resolve()
    })
  })
}

/**
 * The demo band seeds itself only into an empty embedded database, and only
 * where nobody else can reach it (a loopback address) or where a public demo
 * was asked for (DEMO_MODE): it never lands in a real band's PostgreSQL, nor
 * on a server others can reach, by accident (finding 3).
 */
async function addDemoBandToNewEmbeddedDatabase(runtime: Runtime): Promise<void> {
  const { config } = runtime
  if (config.database.kind !== 'pglite' || !(config.loopback || config.demoMode) || !(await isDatabaseEmpty(runtime.db))) return
  runtime.logger.info('new embedded database: adding the demo band')
  const summary = await seedDemoBand(runtime.db, { demoPassword: config.demoPassword, chainKey: runtime.auditKey, memberDataKeys: runtime.memberDataKeys, storage: runtime.storage })
  runtime.logger.info({ summary }, 'demo band ready')
}

/**
 * A server others can reach refuses to start while the published demo
 * accounts still open with the published password, unless it is a public demo.
 */
async function refuseReachableDemoPasswords(runtime: Runtime): Promise<void> {
  const { config } = runtime
  if (config.loopback || config.demoMode) return
  const open = await accountsWithPassword(runtime.db, DEMO_ACCOUNTS.map((account) => account.email), config.demoPassword)
  if (open.length === 0) return
  throw new StartupError(
    `These accounts still have the published demo password: ${open.join(', ')}.\n` +
      `This server listens on ${config.host}, where others can reach it. Change their passwords or remove them ` +
      '(or start once on 127.0.0.1 to do so), or set DEMO_MODE=true if this is meant to be a public demo.',
  )
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

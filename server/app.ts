import { randomBytes, randomUUID } from 'node:crypto'
import path from 'node:path'
import compression from 'compression'
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express'
import helmet from 'helmet'
import { RouterContextProvider, type ServerBuild } from 'react-router'
import { nodeBodyContext, requestInfoContext, runtimeContext } from '#app/platform/context.ts'
import { wakeLocalWorkers } from '#app/platform/jobs.server.ts'
import type { Runtime } from '#app/platform/runtime.server.ts'
import { bodyLimitFor } from './body-limit.ts'
import { liveness, readiness } from './health.ts'
import { limitByIp } from './rate-limit.ts'
import { createRequestHandler } from './request-handler.ts'
import { sendStatusPage } from './status-page.ts'

export type AppOptions = {
  /** The production build, or (dev) a function that loads fresh code for each request. */
  build: ServerBuild | (() => Promise<ServerBuild>)
  /** Folder with the client build (hashed files under assets/). */
  clientDirectory: string
  /** Vite's dev middleware, in development only. */
  devMiddleware?: RequestHandler
}

/**
 * The Express pipeline, in the order the foundation issue sets: request id and
 * logging, security headers, compression, static files, rate limit, health,
 * body limits, then React Router.
 */
export function createApp(runtime: Runtime, options: AppOptions) {
  const { config, logger } = runtime
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy)

  app.use(requestIdAndLogging(runtime))
  app.use(securityHeaders(runtime))
  app.use(compression())

  if (options.devMiddleware) {
    app.use(options.devMiddleware)
  } else {
    // Hashed file names never change content, so browsers may keep them a year.
    app.use(
      '/assets',
      express.static(path.join(options.clientDirectory, 'assets'), { immutable: true, maxAge: '1y', index: false }),
    )
    // Other public files (favicon.svg): only paths that name a file are looked
    // up, so page requests do not pay for a disk lookup.
    const publicFiles = express.static(options.clientDirectory, { maxAge: '1h', index: false })
    app.use((req, res, next) => (path.extname(req.path) ? publicFiles(req, res, next) : next()))
  }

  app.use(limitByIp(runtime.rateLimits.get({
    keyPrefix: 'rl:ip',
    points: config.rateLimit.points,
    durationSeconds: config.rateLimit.windowSeconds,
  })))

  app.get('/healthz', liveness)
  app.get('/readyz', readiness(runtime))

  app.use(rejectMalformedUrls)
  app.use(limitBodySize((pathname) => bodyLimitFor(options.build, pathname, config.maxBodyBytes)))
  app.use(requireSameOrigin(runtime))
  app.use(requireFormBody)

  app.all(
    '/{*path}',
    createRequestHandler({
      build: options.build,
      mode: config.isProduction ? 'production' : 'development',
      // What every loader, action and middleware reads: the runtime and this request.
      getLoadContext: (req, res, body) => {
        const context = new RouterContextProvider()
        context.set(runtimeContext, runtime)
        context.set(nodeBodyContext, () => body.node())
        context.set(requestInfoContext, {
          requestId: String(res.locals.requestId),
          cspNonce: String(res.locals.cspNonce),
          clientIp: req.ip ?? '',
          userAgent: req.get('user-agent') ?? null,
        })
        return context
      },
    }),
  )

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(error)
    if (status >= 500) logger.error({ err: error, requestId: res.locals.requestId }, 'request failed')
    sendStatusPage(req, res, status, status === 413
      ? { title: 'Too much data', message: 'What you sent is larger than this site accepts.' }
      : status === 400
        ? { title: 'Bad request', message: 'Your browser sent a request this site could not understand.' }
        : { title: 'Something went wrong', message: 'Sorry, something went wrong on our side. Please try again in a moment.' })
  })

  return app
}

function requestIdAndLogging(runtime: Runtime): RequestHandler {
  const logger = runtime.logger.child({ component: 'http' })
  return (req, res, next) => {
    const incoming = req.get('x-request-id')
    const requestId = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID()
    res.locals.requestId = requestId
    res.set('X-Request-Id', requestId)
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      // A form post may have queued work (mail) in its transaction: start it now.
      if (req.method === 'POST') wakeLocalWorkers()
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6
      const entry = {
        requestId,
        method: req.method,
        path: redactSecrets(req.originalUrl),
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        ip: req.ip,
      }
      if (res.statusCode >= 500) logger.error(entry, 'request')
      else if (req.path.startsWith('/assets/') || req.path === '/healthz') logger.debug(entry, 'request')
      else logger.info(entry, 'request')
    })
    next()
  }
}

/**
 * Paths and query strings with the secret part taken out, for the log
 * (finding 10): invitation and one-tap RSVP tokens live in the path, reset tokens in the query.
 */
export function redactSecrets(url: string): string {
  const [path = '', query] = url.split('?', 2)
  // One-tap RSVP links (/rsvp/<token>) answer for a member without a sign-in: as secret as an invitation.
  const safePath = path.replace(/^\/(invite|rsvp)\/[^/]+/, '/$1/[redacted]').replace(/^\/calendar\/[^/]+/, '/calendar/[redacted].ics')
  if (query === undefined) return safePath
  const params = new URLSearchParams(query)
  for (const name of [...params.keys()]) {
    if (/token|code|secret|password|signature/i.test(name)) params.set(name, '[redacted]')
  }
  return `${safePath}?${params.toString()}`
}

// Features no page of ours uses, switched off for every page (finding 12).
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), midi=(), display-capture=(), browsing-topics=()'

function securityHeaders(runtime: Runtime): RequestHandler {
  const { config } = runtime
  const https = config.publicUrl?.startsWith('https:') ?? false
  const development = !config.isProduction
  const csp = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        // Vite's dev client injects inline code; production allows only our nonce.
        'script-src': development
          ? ["'self'", "'unsafe-inline'"]
          : ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': development ? ["'self'", 'ws:'] : ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // HSTS only where the site really is served over HTTPS.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  })
  return (req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64')
    res.set('Permissions-Policy', PERMISSIONS_POLICY)
    csp(req, res, next)
  }
}

/** "/%E0%A4%A" and friends: a 400, not a crash deeper in the router. */
function rejectMalformedUrls(req: Request, res: Response, next: NextFunction) {
  try {
    decodeURIComponent(req.path)
    next()
  } catch {
    sendStatusPage(req, res, 400, {
      title: 'Bad address',
      message: 'The address you asked for is not valid. Please check the link.',
    })
  }
}

/**
 * Refuses a body larger than the route's limit before reading it, by its
 * Content-Length. Browsers always send one for forms and uploads; a chunked
 * body of unknown size gets 411 so nothing unbounded reaches the router.
 */
function limitBodySize(limitFor: (pathname: string) => Promise<number>): RequestHandler {
  return async (req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next()
    const maxBytes = await limitFor(req.path)
    const declared = req.get('content-length')
    if (declared === undefined && req.get('transfer-encoding')) {
      res.set('Connection', 'close')
      sendStatusPage(req, res, 411, {
        title: 'Length required',
        message: 'Please send the size of what you are sending (Content-Length).',
      })
      return
    }
    if (declared !== undefined && Number(declared) > maxBytes) {
      // Close instead of draining: the client may be sending gigabytes.
      res.set('Connection', 'close')
      sendStatusPage(req, res, 413, {
        title: 'Too much data',
        message: `What you sent is larger than this site accepts (${Math.round(maxBytes / 1024)} KB).`,
      })
      return
    }
    next()
  }
}

/**
 * CSRF (ASVS 3.5): a state-changing request must come from one of our own
 * pages. Browsers send Origin on every form POST, with or without JavaScript;
 * we fall back to Referer, and refuse when neither matches. Session cookies
 * are also SameSite=Lax, and no GET changes anything.
 */
function requireSameOrigin(runtime: Runtime): RequestHandler {
  const allowed = allowedOrigins(runtime.config)
  const logger = runtime.logger.child({ component: 'csrf' })
  return (req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next()
    const claimed = req.get('origin') ?? originOf(req.get('referer'))
    if (claimed && allowed.has(claimed)) return next()
    const expected = [...allowed].join(' ')
    logger.warn({ requestId: res.locals.requestId, method: req.method, path: req.path, origin: claimed ?? null, expected }, 'cross-site request refused')
    sendStatusPage(req, res, 403, {
      title: 'Request refused',
      message: 'This form was sent from another site, or your browser did not say where it came from. Please go back, reload the page and try again.',
    })
  }
}

/**
 * Every action reads an HTML form: a body of another type (JSON, text/plain,
 * XML) is refused with 415 here instead of failing inside the action.
 */
function requireFormBody(req: Request, res: Response, next: NextFunction) {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next()
  const hasBody = Number(req.get('content-length') ?? 0) > 0
  const type = req.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (!hasBody && !type) return next()
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') return next()
  sendStatusPage(req, res, 415, {
    title: 'Not a form',
    message: 'This address only accepts forms sent from the site’s own pages.',
  })
}

/**
 * The site's own origin from configuration (finding 2: never the Host
 * header). Without PUBLIC_URL the server listens on loopback only, where
 * localhost, 127.0.0.1 and [::1] on its port all name this one machine.
 */
function allowedOrigins(config: Runtime['config']): Set<string> {
  if (config.publicUrl) return new Set([new URL(config.publicUrl).origin])
  const { port } = new URL(config.siteUrl)
  return new Set([`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`])
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}

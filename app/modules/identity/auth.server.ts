import { createContext, data, type MiddlewareFunction, redirect, type RouterContextProvider } from 'react-router'
import type { AuditContext } from '#app/modules/audit/audit.server.ts'
import { getSettings } from '#app/modules/settings/queries.server.ts'
import { requestInfoContext, runtimeContext } from '#app/platform/context.ts'
import { signedCookie } from '#app/platform/cookies.server.ts'
import type { Runtime } from '#app/platform/runtime.server.ts'
import { can, canAny, type Grants, type Permission } from './permissions.ts'
import { grantsOf, loadRolePermissions } from './permissions.server.ts'
import { ADMIN_ROLES } from './roles.ts'
import { findSession, SESSION_ABSOLUTE_MS } from './sessions.server.ts'
import { hasConfirmedTotp } from './totp.server.ts'

/**
 * The one place that decides who is asking and what they may do. The root
 * route's middleware looks the signed-in user up once per request and puts
 * them in the router context; the layouts of the signed-in areas require a
 * user in their middleware, so every child route is protected by default.
 * Loaders and actions then call `requireUser`, `requirePermission` or
 * `requireSectionPermission` with their args; nothing is open by default.
 */

export type CurrentUser = {
  id: string
  email: string
  displayName: string
  memberId: string | null
  sessionId: string
  grants: Grants
  /** An admin without two-step sign-in where the band requires it: only /settings/security is open. */
  mustSetUpMfa: boolean
}

/** The signed-in user of this request, or null; set by `loadCurrentUser` on the root route. */
export const currentUserContext = createContext<CurrentUser | null>(null)

type Args = { request: Request; context: Readonly<RouterContextProvider> }

export function sessionCookie(runtime: Pick<Runtime, 'config' | 'sessionSecret'>) {
  return signedCookie(runtime, 'band_session', SESSION_ABSOLUTE_MS / 1000)
}

/**
 * Root middleware: who is asking, once per request. A page shown to a
 * signed-in user is never kept by a browser or proxy cache (ASVS 14.3.2).
 */
export const loadCurrentUser: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const user = await lookUpUser(context.get(runtimeContext), request)
  context.set(currentUserContext, user)
  const response = await next()
  if (user || carriesSecrets(new URL(request.url).pathname)) response.headers.set('Cache-Control', 'no-store')
  return response
}

/** Pages that hold a one-time or one-tap RSVP link's token, a sign-in in progress or a two-step key (finding 12). */
function carriesSecrets(pathname: string): boolean {
  return /^\/(login|invite|reset-password|forgot-password|settings|rsvp)(\/|\.data|$)/.test(pathname)
}

async function lookUpUser(runtime: Runtime, request: Request): Promise<CurrentUser | null> {
  const token: unknown = await sessionCookie(runtime).parse(request.headers.get('cookie'))
  if (typeof token !== 'string') return null
  const session = await findSession(runtime.db, token)
  if (!session) return null
  const grants = grantsOf(await loadRolePermissions(runtime.db), session.roles)
  return {
    id: session.user_id,
    email: session.email,
    displayName: session.display_name,
    memberId: session.member_id,
    sessionId: session.session_id,
    grants,
    mustSetUpMfa: await mustSetUpMfa(runtime, session.user_id, grants),
  }
}

/** The band may require two-step sign-in for admin roles (on unless a setting turns it off). */
async function mustSetUpMfa(runtime: Runtime, userId: string, grants: Grants): Promise<boolean> {
  if (!grants.roles.some((role) => (ADMIN_ROLES as readonly string[]).includes(role))) return false
  const [setting, enrolled] = await Promise.all([
    getSettings(runtime.db, ['security.require_mfa_for_admins']),
    hasConfirmedTotp(runtime.db, userId),
  ])
  return setting.get('security.require_mfa_for_admins') !== false && !enrolled
}

/** The signed-in user or null, without requiring one (public pages, logout). */
export function getCurrentUser(args: Pick<Args, 'context'>): CurrentUser | null {
  return args.context.get(currentUserContext)
}

/** Signed-in users only; anyone else goes to /login and comes back afterwards. */
export function requireUser({ request, context }: Args): CurrentUser {
  const user = context.get(currentUserContext)
  const url = new URL(request.url)
  if (!user) throw redirect(`/login?${new URLSearchParams({ redirectTo: pageAddress(url) })}`)
  const path = url.pathname.replace(/\.data$/, '')
  if (user.mustSetUpMfa && path !== '/settings/security' && !path.startsWith('/settings/security/')) {
    throw redirect('/settings/security?setup-mfa')
  }
  return user
}

export function requirePermission(args: Args, permission: Permission): CurrentUser {
  const user = requireUser(args)
  if (!can(user.grants, permission)) refuse(args, user, permission)
  return user
}

export function requireAnyPermission(args: Args, permissions: readonly Permission[]): CurrentUser {
  const user = requireUser(args)
  if (!canAny(user.grants, permissions)) refuse(args, user, permissions.join(' | '))
  return user
}

/** A check that is more than one permission (e.g. "may open /admin"); `needed` names it in the denial log. */
export function requireGrants(args: Args, allowed: (grants: Grants) => boolean, needed: string): CurrentUser {
  const user = requireUser(args)
  if (!allowed(user.grants)) refuse(args, user, needed)
  return user
}

/** A permission for one section: a section leader acts on their own section only. */
export function requireSectionPermission(args: Args, permission: Permission, sectionId: string): CurrentUser {
  const user = requireUser(args)
  if (!can(user.grants, permission, sectionId)) refuse(args, user, `${permission} @ ${sectionId}`)
  return user
}

/** Pages for signed-out visitors only (the login form): signed-in users go on. */
export function requireAnonymous(args: Pick<Args, 'context'>, to = '/portal'): void {
  if (getCurrentUser(args)) throw redirect(to)
}

/**
 * The page a request is for. With JavaScript on, loaders are called at
 * "/portal.data?_routes=…" (React Router's data requests): after signing in
 * the member must land on /portal, not on that data.
 */
function pageAddress(url: URL): string {
  const pathname = url.pathname === '/_root.data' ? '/' : url.pathname.replace(/\.data$/, '')
  const search = new URLSearchParams(url.search)
  search.delete('_routes')
  // A form posted to an index route names it (`?index`); the page to come back to is the route itself.
  search.delete('index')
  const query = search.toString()
  return query ? `${pathname}?${query}` : pathname
}

function refuse({ request, context }: Args, user: CurrentUser, needed: string): never {
  // Failed authorisation is logged once, with who and from where (ASVS 16.3.2); the page says only "not allowed".
  const info = context.get(requestInfoContext)
  context.get(runtimeContext).logger.warn(
    {
      event: 'authorisation.denied',
      requestId: info.requestId,
      userId: user.id,
      ip: info.clientIp,
      userAgent: info.userAgent,
      permission: needed,
      method: request.method,
      path: new URL(request.url).pathname,
    },
    'permission denied',
  )
  throw data({ reason: 'forbidden' }, { status: 403 })
}

/**
 * Only same-site paths: never a redirect to another site (ASVS 3.7.x). The
 * target is resolved the way a browser resolves a Location header, and what
 * comes back must still be a path on this site: "/./\/evil.example",
 * "/%2e//evil.example" or "/\tevil" normalise to "//…", which a browser would
 * take for another host, so they fall back.
 */
export function safeRedirectPath(target: unknown, fallback = '/portal'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.length > 2048) return fallback
  let url: URL
  try {
    url = new URL(target, SAME_SITE)
  } catch {
    return fallback
  }
  const path = `${url.pathname}${url.search}${url.hash}`
  if (url.origin !== SAME_SITE || path.startsWith('//') || path.startsWith('/\\')) return fallback
  return path
}

const SAME_SITE = 'http://band.invalid'

/** Who did it, from where: for the audit row of a mutation in this request. */
export function auditContextFor(args: Pick<Args, 'context'>, actor: { id: string | null; name: string }): AuditContext {
  const info = args.context.get(requestInfoContext)
  return {
    actor,
    ip: info.clientIp || null,
    userAgent: info.userAgent?.slice(0, 512) ?? null,
    requestId: info.requestId,
    chainKey: args.context.get(runtimeContext).auditKey,
  }
}

/** The audit context of the signed-in user's own action. */
export function auditContextOf(args: Pick<Args, 'context'>, user: Pick<CurrentUser, 'id' | 'displayName'>): AuditContext {
  return auditContextFor(args, { id: user.id, name: user.displayName })
}

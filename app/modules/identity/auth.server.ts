import { createCookie, data, redirect, type RouterContextProvider } from 'react-router'
import type { AuditContext } from '#app/modules/audit/audit.server.ts'
import { requestInfoContext } from '#app/context.ts'
import { getSettings } from '#app/modules/settings/queries.server.ts'
import { db, perRuntime, runtime } from '#server/runtime.server.ts'
import { can, canAny, type Grants } from './permissions.ts'
import { loadGrants } from './permissions.server.ts'
import { createSession, findSession, SESSION_ABSOLUTE_MS } from './sessions.server.ts'

/**
 * The one place that decides who is asking and what they may do. Every
 * loader and action outside the public site calls `requireUser`,
 * `requirePermission` or `requireSectionPermission`; nothing is open by default.
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

/** `__Host-` + Secure when the site is served over HTTPS (ASVS 3.3). */
export const getSessionCookie = perRuntime(({ config, sessionSecret }) => {
  const secure = config.publicUrl?.startsWith('https:') ?? false
  return createCookie(secure ? '__Host-band_session' : 'band_session', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
    secrets: [sessionSecret],
  })
})

const known = new WeakMap<Request, Promise<CurrentUser | null>>()

/** The signed-in user of this request, or null. Looked up once per request. */
export function getCurrentUser(request: Request): Promise<CurrentUser | null> {
  let user = known.get(request)
  if (!user) {
    user = lookUpUser(request)
    known.set(request, user)
  }
  return user
}

async function lookUpUser(request: Request): Promise<CurrentUser | null> {
  const token: unknown = await getSessionCookie().parse(request.headers.get('cookie'))
  if (typeof token !== 'string') return null
  const session = await findSession(db(), token)
  if (!session) return null
  const grants = await loadGrants(db(), session.user_id)
  return {
    id: session.user_id,
    email: session.email,
    displayName: session.display_name,
    memberId: session.member_id,
    sessionId: session.session_id,
    grants,
    mustSetUpMfa: await mustSetUpMfa(session.user_id, grants),
  }
}

const ADMIN_ROLES = ['admin', 'super_admin']

/** The band may require two-step sign-in for admin roles (on unless a setting turns it off). */
async function mustSetUpMfa(userId: string, grants: Grants): Promise<boolean> {
  if (!grants.roles.some((role) => ADMIN_ROLES.includes(role))) return false
  const [setting, totp] = await Promise.all([
    getSettings(db(), ['security.require_mfa_for_admins']),
    db().selectFrom('totp_credentials').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst(),
  ])
  const required = setting.get('security.require_mfa_for_admins') !== false
  return required && !totp?.confirmed_at
}

/** Signed-in users only; anyone else goes to /login and comes back afterwards. */
export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getCurrentUser(request)
  const url = new URL(request.url)
  if (!user) throw redirect(`/login?${new URLSearchParams({ redirectTo: pageAddress(url) })}`)
  if (user.mustSetUpMfa && url.pathname !== '/settings/security' && !url.pathname.startsWith('/settings/security.')) {
    throw redirect('/settings/security?setup-mfa')
  }
  return user
}

export async function requirePermission(request: Request, permission: string): Promise<CurrentUser> {
  const user = await requireUser(request)
  if (!can(user.grants, permission)) refuse(request, user, permission)
  return user
}

export async function requireAnyPermission(request: Request, permissions: readonly string[]): Promise<CurrentUser> {
  const user = await requireUser(request)
  if (!canAny(user.grants, permissions)) refuse(request, user, permissions.join(' | '))
  return user
}

/** A permission for one section: a section leader acts on their own section only. */
export async function requireSectionPermission(request: Request, permission: string, sectionId: string): Promise<CurrentUser> {
  const user = await requireUser(request)
  if (!can(user.grants, permission, sectionId)) refuse(request, user, `${permission} @ ${sectionId}`)
  return user
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
  const query = search.toString()
  return query ? `${pathname}?${query}` : pathname
}

/** Pages for signed-out visitors only (the login form): signed-in users go on. */
export async function requireAnonymous(request: Request, to = '/portal'): Promise<void> {
  if (await getCurrentUser(request)) throw redirect(to)
}

function refuse(request: Request, user: CurrentUser, needed: string): never {
  // Failed authorisation is logged (ASVS 16.3.2); the page says only "not allowed".
  runtime().logger.warn(
    { event: 'authorisation.denied', userId: user.id, permission: needed, method: request.method, path: new URL(request.url).pathname },
    'permission denied',
  )
  throw data({ reason: 'forbidden' }, { status: 403 })
}

/** Starts a session and returns the Set-Cookie header; the old cookie's session, if any, is left to the caller. */
export async function startSession(input: { userId: string; ip: string | null; userAgent: string | null }): Promise<string> {
  const session = await createSession(db(), input)
  return getSessionCookie().serialize(session.token, { expires: session.absoluteExpiresAt })
}

export function clearSessionCookie(): Promise<string> {
  return getSessionCookie().serialize('', { maxAge: 0 })
}

/** Only same-site paths: never a redirect to another site (ASVS 3.x, open redirects). */
export function safeRedirectPath(target: unknown, fallback = '/portal'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback
  try {
    const url = new URL(target, 'http://band.invalid')
    return url.origin === 'http://band.invalid' ? `${url.pathname}${url.search}${url.hash}` : fallback
  } catch {
    return fallback
  }
}

/** Who did it, from where: for the audit row of a mutation in this request. */
export function auditContextFor(
  args: { request: Request; context: Readonly<RouterContextProvider> },
  actor: { id: string | null; name: string },
): AuditContext {
  const info = args.context.get(requestInfoContext)
  return {
    actor,
    ip: info.clientIp || null,
    userAgent: args.request.headers.get('user-agent')?.slice(0, 512) ?? null,
    requestId: info.requestId,
  }
}

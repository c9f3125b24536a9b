import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { Runtime } from '#app/platform/runtime.server.ts'
import type { Db } from '#db/types.ts'
import { signedCookie } from '#app/platform/cookies.server.ts'
import { sessionCookie } from './auth.server.ts'
import { createSession, deleteSession } from './sessions.server.ts'
import { accountKey } from './throttle.server.ts'

/**
 * The end of a successful sign-in: a brand-new session (never a reused id,
 * ASVS 7.2.4), last_login_at and the audit row in one transaction.
 */
export type NewSession = { token: string; absoluteExpiresAt: Date }

export async function completeSignIn(
  db: Db,
  input: {
    userId: string
    displayName: string
    audit: AuditContext
    method: 'password' | 'password+totp' | 'password+recovery-code' | 'invitation' | 'password-reset'
    replacingSessionId?: string
  },
): Promise<NewSession> {
  return db.transaction().execute(async (trx) => {
    if (input.replacingSessionId) await deleteSession(trx, input.replacingSessionId)
    const created = await createSession(trx, { userId: input.userId, ip: input.audit.ip, userAgent: input.audit.userAgent })
    await trx.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', input.userId).execute()
    await recordAudit(trx, { ...input.audit, actor: { id: input.userId, name: input.displayName } }, {
      action: 'auth.login.succeeded',
      entity: ['user', input.userId],
      details: { method: input.method, sessionId: created.id },
    })
    return { token: created.token, absoluteExpiresAt: created.absoluteExpiresAt }
  })
}

/** The Set-Cookie value that carries a new session to the browser. */
export function sessionCookieHeader(runtime: Pick<Runtime, 'config' | 'sessionSecret'>, session: NewSession): Promise<string> {
  return sessionCookie(runtime).serialize(session.token, { expires: session.absoluteExpiresAt })
}

export function clearSessionCookie(runtime: Pick<Runtime, 'config' | 'sessionSecret'>): Promise<string> {
  return sessionCookie(runtime).serialize('', { maxAge: 0 })
}

/** Logout deletes the session record, not just the cookie (ASVS 7.4.1). */
export async function signOut(db: Db, input: { sessionId: string; userId: string; audit: AuditContext }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, input.sessionId)
    await recordAudit(trx, input.audit, { action: 'auth.logout', entity: ['user', input.userId], details: { sessionId: input.sessionId } })
  })
}

/**
 * Between the password and the second factor: who passed the password, for
 * five minutes, in a signed cookie. It grants nothing but the code form.
 */
export const PENDING_SECOND_FACTOR_MS = 5 * 60 * 1000

export function pendingSecondFactorCookie(runtime: Pick<Runtime, 'config' | 'sessionSecret'>) {
  return signedCookie(runtime, 'band_2fa', PENDING_SECOND_FACTOR_MS / 1000)
}

export type PendingSecondFactor = { userId: string; displayName: string; redirectTo: string; expiresAt: number }

export async function readPendingSecondFactor(
  runtime: Pick<Runtime, 'config' | 'sessionSecret'>,
  request: Request,
): Promise<PendingSecondFactor | null> {
  const value: unknown = await pendingSecondFactorCookie(runtime).parse(request.headers.get('cookie'))
  if (!value || typeof value !== 'object') return null
  const pending = value as Partial<PendingSecondFactor>
  if (typeof pending.userId !== 'string' || typeof pending.expiresAt !== 'number' || pending.expiresAt < Date.now()) return null
  return {
    userId: pending.userId,
    displayName: String(pending.displayName ?? ''),
    redirectTo: String(pending.redirectTo ?? '/portal'),
    expiresAt: pending.expiresAt,
  }
}

/**
 * A browser that has signed in to an account before is a "known device" for
 * it: a long-lived signed cookie with a random id and the (hashed) accounts
 * it signed in to. Someone guessing at the account elsewhere cannot lock the
 * owner's known device out (throttle.server.ts).
 */
const DEVICE_COOKIE_DAYS = 400
const MAX_ACCOUNTS_PER_DEVICE = 10
const DeviceSchema = z.object({ id: z.string().regex(/^[\w-]{16,64}$/), accounts: z.array(z.string().regex(/^[0-9a-f]{32}$/)).max(MAX_ACCOUNTS_PER_DEVICE) })
type Device = z.infer<typeof DeviceSchema>

function deviceCookie(runtime: Pick<Runtime, 'config' | 'sessionSecret'>) {
  return signedCookie(runtime, 'band_device', DEVICE_COOKIE_DAYS * 24 * 60 * 60)
}

export async function readDevice(runtime: Pick<Runtime, 'config' | 'sessionSecret'>, request: Request): Promise<Device | null> {
  const parsed = DeviceSchema.safeParse(await deviceCookie(runtime).parse(request.headers.get('cookie')))
  return parsed.success ? parsed.data : null
}

/** The device's key for throttling sign-ins to `email`, if it signed in to that account before. */
export function knownDeviceKey(device: Device | null, email: string): string | null {
  return device && device.accounts.includes(accountKey(email)) ? device.id : null
}

/** The Set-Cookie value that remembers this browser for `email` after a successful sign-in. */
export async function rememberDevice(runtime: Pick<Runtime, 'config' | 'sessionSecret'>, device: Device | null, email: string): Promise<string> {
  const key = accountKey(email)
  const accounts = [key, ...(device?.accounts ?? []).filter((known) => known !== key)].slice(0, MAX_ACCOUNTS_PER_DEVICE)
  return deviceCookie(runtime).serialize({ id: device?.id ?? randomBytes(18).toString('base64url'), accounts })
}

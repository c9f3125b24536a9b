import { createCookie } from 'react-router'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import { db, perRuntime } from '#server/runtime.server.ts'
import { getSessionCookie } from './auth.server.ts'
import { createSession, deleteSession } from './sessions.server.ts'

/**
 * The end of a successful sign-in: a brand-new session (never a reused id,
 * ASVS 7.2.4), last_login_at and the audit row in one transaction.
 */
export async function completeSignIn(input: {
  userId: string
  displayName: string
  audit: AuditContext
  method: 'password' | 'password+totp' | 'password+recovery-code' | 'invitation' | 'password-reset'
  replacingSessionId?: string
}): Promise<string> {
  const session = await db().transaction().execute(async (trx) => {
    if (input.replacingSessionId) await deleteSession(trx, input.replacingSessionId)
    const created = await createSession(trx, { userId: input.userId, ip: input.audit.ip, userAgent: input.audit.userAgent })
    await trx.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', input.userId).execute()
    await recordAudit(trx, { ...input.audit, actor: { id: input.userId, name: input.displayName } }, {
      action: 'auth.login.succeeded',
      entity: ['user', input.userId],
      details: { method: input.method, sessionId: created.id },
    })
    return created
  })
  return getSessionCookie().serialize(session.token, { expires: session.absoluteExpiresAt })
}

/** Logout deletes the session record, not just the cookie (ASVS 7.4.1). */
export async function signOut(input: { sessionId: string; userId: string; audit: AuditContext }): Promise<string> {
  await db().transaction().execute(async (trx) => {
    await deleteSession(trx, input.sessionId)
    await recordAudit(trx, input.audit, { action: 'auth.logout', entity: ['user', input.userId], details: { sessionId: input.sessionId } })
  })
  return getSessionCookie().serialize('', { maxAge: 0 })
}

/**
 * Between the password and the second factor: who passed the password, for
 * five minutes, in a signed cookie. It grants nothing but the code form.
 */
export const pendingSecondFactorCookie = perRuntime(({ config, sessionSecret }) => {
  const secure = config.publicUrl?.startsWith('https:') ?? false
  return createCookie(secure ? '__Host-band_2fa' : 'band_2fa', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: 5 * 60,
    secrets: [sessionSecret],
  })
})

export type PendingSecondFactor = { userId: string; displayName: string; redirectTo: string; expiresAt: number }

export async function readPendingSecondFactor(request: Request): Promise<PendingSecondFactor | null> {
  const value: unknown = await pendingSecondFactorCookie().parse(request.headers.get('cookie'))
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

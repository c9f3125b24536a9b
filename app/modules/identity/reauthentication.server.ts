import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { RateLimits } from '#app/platform/rate-limit.server.ts'
import type { Db } from '#db/types.ts'
import { verifyPassword } from './passwords.server.ts'
import { useRecoveryCode as redeemRecoveryCode } from './recovery-codes.server.ts'
import { takeAttempt } from './throttle.server.ts'
import { hasConfirmedTotp, verifyTotpCode } from './totp.server.ts'

/**
 * Proving it is still you before a change to how you sign in (finding 7):
 * the current password, throttled and audited like sign-in; for the changes
 * that would let a thief keep the account (turning two-step sign-in off,
 * moving the email address) also a current code or a recovery code, when
 * two-step sign-in is on.
 */
export type Reauthentication = {
  rateLimits: RateLimits
  password: string
  /** A code from the authenticator app, or a recovery code. */
  code?: string
  /** Opens the sealed TOTP secret. */
  appSecret: string
}

export type ReauthFailure = { ok: false; field: 'currentPassword' | 'code'; message: string; retryAfterSeconds?: number }

export async function confirmIdentity(
  db: Db,
  input: Reauthentication & { userId: string; audit: AuditContext; purpose: string; needsCode: boolean },
): Promise<{ ok: true } | ReauthFailure> {
  const attempt = await takeAttempt(input.rateLimits, 'reauth', { ip: input.audit.ip ?? 'unknown', account: `user:${input.userId}` })
  if (!attempt.allowed) {
    const minutes = Math.ceil(attempt.retryAfterSeconds / 60)
    return { ok: false, field: 'currentPassword', message: `Too many attempts. Please wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`, retryAfterSeconds: attempt.retryAfterSeconds }
  }
  const fail = async (field: ReauthFailure['field'], reason: string, message: string): Promise<ReauthFailure> => {
    await recordAudit(db, input.audit, { action: 'auth.reauth.failed', entity: ['user', input.userId], details: { purpose: input.purpose, reason } })
    return { ok: false, field, message }
  }
  const row = await db.selectFrom('password_credentials').select('hash').where('user_id', '=', input.userId).executeTakeFirst()
  if (!row || !(await verifyPassword(input.password, row.hash))) return fail('currentPassword', 'wrong password', 'That is not your current password.')
  if (input.needsCode && (await hasConfirmedTotp(db, input.userId))) {
    const code = (input.code ?? '').replace(/\s+/g, '')
    if (!code) return fail('code', 'no code', 'Enter the code from your authenticator app, or one of your recovery codes.')
    const accepted = /^\d{6}$/.test(code)
      ? (await verifyTotpCode(db, { userId: input.userId, code, appSecret: input.appSecret })).ok
      : await redeemRecoveryCode(db, { userId: input.userId, code })
    if (!accepted) return fail('code', 'wrong code', 'That code is not valid, or it was already used.')
  }
  await attempt.succeeded()
  return { ok: true }
}

/** What the security pages pass: the runtime's limiters and secret, and what the member typed. */
export function reauthenticationFrom(
  runtime: { rateLimits: RateLimits; sessionSecret: string },
  typed: { currentPassword: string; code?: string },
): Reauthentication {
  return { rateLimits: runtime.rateLimits, appSecret: runtime.sessionSecret, password: typed.currentPassword, code: typed.code }
}

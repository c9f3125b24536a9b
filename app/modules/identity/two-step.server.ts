import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { RateLimits } from '#app/platform/rate-limit.server.ts'
import type { Db } from '#db/types.ts'
import { useRecoveryCode as redeemRecoveryCode } from './recovery-codes.server.ts'
import { takeAttempt } from './throttle.server.ts'
import { verifyTotpCode } from './totp.server.ts'

/**
 * The second step of signing in: a code from the authenticator app, or one
 * of the recovery codes. Throttled per account and per IP like the password;
 * every failure is audited.
 */
export type SecondFactorOutcome =
  | { kind: 'accepted'; method: 'password+totp' | 'password+recovery-code' }
  | { kind: 'refused' }
  | { kind: 'throttled'; retryAfterSeconds: number }

export async function verifySecondFactor(
  db: Db,
  rateLimits: RateLimits,
  input: { userId: string; code: string; appSecret: string; audit: AuditContext },
): Promise<SecondFactorOutcome> {
  // Taken before the code is checked: a burst of guesses checks no more than the limit.
  const attempt = await takeAttempt(rateLimits, 'two-factor', { ip: input.audit.ip ?? 'unknown', account: `user:${input.userId}` })
  if (!attempt.allowed) return { kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds }

  const code = input.code.replace(/\s+/g, '')
  // Six digits: the authenticator app. Anything else: one of the recovery codes.
  const method = /^\d{6}$/.test(code) ? 'password+totp' : 'password+recovery-code'
  const accepted =
    method === 'password+totp'
      ? (await verifyTotpCode(db, { userId: input.userId, code, appSecret: input.appSecret })).ok
      : await redeemRecoveryCode(db, { userId: input.userId, code })
  if (!accepted) {
    await recordAudit(db, input.audit, {
      action: 'auth.mfa.failed',
      entity: ['user', input.userId],
      details: { method: method === 'password+totp' ? 'totp' : 'recovery code' },
    })
    return { kind: 'refused' }
  }
  await attempt.succeeded()
  return { kind: 'accepted', method }
}

import { Authenticator } from 'remix-auth'
import { FormStrategy } from 'remix-auth-form'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { RateLimits } from '#app/platform/rate-limit.server.ts'
import type { Db } from '#db/types.ts'
import { emailIs } from './queries.server.ts'
import { verifyPassword, spendPasswordCheckTime } from './passwords.server.ts'
import { takeAttempt } from './throttle.server.ts'

/**
 * Checking a password (ASVS 6.3). remix-auth only authenticates: the form
 * strategy checks email and password and says what happened; the login route
 * then starts the session, or asks for the second factor first.
 */
export type LoginOutcome =
  | { kind: 'signed-in'; userId: string; displayName: string; needsSecondFactor: boolean }
  | { kind: 'refused' }
  | { kind: 'must-reset-password' }
  | { kind: 'throttled'; retryAfterSeconds: number }

export function loginAuthenticator(
  db: Db,
  rateLimits: RateLimits,
  audit: AuditContext,
  /** The device key of this browser for the email asked for, when it signed in to it before. */
  knownDeviceFor: (email: string) => string | null,
) {
  return new Authenticator<LoginOutcome>().use(
    new FormStrategy(async ({ form }) => {
      const email = String(form.get('email') ?? '').trim()
      const password = String(form.get('password') ?? '')
      return checkPassword(db, rateLimits, { email, password, audit, knownDevice: knownDeviceFor(email) })
    }),
    'password',
  )
}

export async function checkPassword(
  db: Db,
  rateLimits: RateLimits,
  input: { email: string; password: string; audit: AuditContext; knownDevice?: string | null },
): Promise<LoginOutcome> {
  const { email, password, audit } = input
  // Taken before the password is checked, so a burst checks no more than the limit.
  const attempt = await takeAttempt(rateLimits, 'login', { ip: audit.ip ?? 'unknown', account: email, knownDevice: input.knownDevice })
  if (!attempt.allowed) {
    await recordAudit(db, audit, {
      action: 'auth.login.throttled',
      entity: ['user', null],
      details: { email, retryAfterSeconds: attempt.retryAfterSeconds },
    })
    return { kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds }
  }

  const account = await db
    .selectFrom('users')
    .leftJoin('password_credentials', 'password_credentials.user_id', 'users.id')
    .leftJoin('totp_credentials', 'totp_credentials.user_id', 'users.id')
    .select([
      'users.id',
      'users.display_name',
      'users.status',
      'users.must_reset_password',
      'password_credentials.hash as password_hash',
      'totp_credentials.confirmed_at as totp_confirmed_at',
    ])
    .where(emailIs('users', email))
    .executeTakeFirst()

  const passwordOk = account?.password_hash
    ? await verifyPassword(password, account.password_hash)
    : (await spendPasswordCheckTime(password), false)

  if (!account || !passwordOk || account.status !== 'active') {
    await recordAudit(db, audit, {
      action: 'auth.login.failed',
      entity: ['user', account?.id ?? null],
      details: {
        email,
        reason: !account ? 'unknown email' : !passwordOk ? 'wrong password' : `account ${account.status}`,
      },
    })
    return { kind: 'refused' }
  }
  await attempt.succeeded()
  if (account.must_reset_password) return { kind: 'must-reset-password' }
  return {
    kind: 'signed-in',
    userId: account.id,
    displayName: account.display_name,
    needsSecondFactor: account.totp_confirmed_at !== null,
  }
}

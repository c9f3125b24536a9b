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

type SignIn = {
  userId: string
  displayName: string
  audit: AuditContext
  method: 'password' | 'password+totp' | 'password+recovery-code' | 'invitation' | 'password-reset'
  replacingSessionId?: string
}

export async function completeSignIn(db: Db, input: SignIn): Promise<NewSession> {
  const session = await startSignedInSession(db, input, undefined)
  if (!session) throw new Error('a sign-in without a challenge is never refused')
  return session
}

/**
 * The end of a two-step sign-in: uses up the challenge the pending cookie
 * names, so that cookie opens one session, once. Null when it was used already.
 */
export function completeSecondStep(db: Db, input: SignIn & { challengeId: string }): Promise<NewSession | null> {
  return startSignedInSession(db, input, input.challengeId)
}

async function startSignedInSession(db: Db, input: SignIn, challengeId: string | undefined): Promise<NewSession | null> {
  return db.transaction().execute(async (trx) => {
    if (challengeId) {
      const claimed = await trx
        .updateTable('sign_in_challenges')
        .set({ used_at: new Date() })
        .where('id', '=', challengeId)
        .where('user_id', '=', input.userId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', new Date())
        .executeTakeFirst()
      if (claimed.numUpdatedRows === 0n) return null
    }
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
 * five minutes, in a signed cookie that names a challenge row. It grants
 * nothing but the code form, and works once (the row is used up).
 */
export const PENDING_SECOND_FACTOR_MS = 5 * 60 * 1000

export function pendingSecondFactorCookie(runtime: Pick<Runtime, 'config' | 'sessionSecret'>) {
  return signedCookie(runtime, 'band_2fa', PENDING_SECOND_FACTOR_MS / 1000)
}

const PendingSchema = z.object({
  challengeId: z.uuid(),
  userId: z.uuid(),
  displayName: z.string().max(200),
  redirectTo: z.string().max(2048),
})
export type PendingSecondFactor = z.infer<typeof PendingSchema>

/** The Set-Cookie value of a new sign-in waiting for its second step. */
export async function startSecondFactor(
  db: Db,
  runtime: Pick<Runtime, 'config' | 'sessionSecret'>,
  input: { userId: string; displayName: string; redirectTo: string },
): Promise<string> {
  const challenge = await db
    .insertInto('sign_in_challenges')
    .values({ user_id: input.userId, expires_at: new Date(Date.now() + PENDING_SECOND_FACTOR_MS) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return pendingSecondFactorCookie(runtime).serialize({ challengeId: challenge.id, ...input } satisfies PendingSecondFactor)
}

/** The sign-in this browser has waiting, if its challenge can still be used. */
export async function readPendingSecondFactor(
  db: Db,
  runtime: Pick<Runtime, 'config' | 'sessionSecret'>,
  request: Request,
): Promise<PendingSecondFactor | null> {
  const parsed = PendingSchema.safeParse(await pendingSecondFactorCookie(runtime).parse(request.headers.get('cookie')))
  if (!parsed.success) return null
  const usable = await db
    .selectFrom('sign_in_challenges')
    .select('id')
    .where('id', '=', parsed.data.challengeId)
    .where('user_id', '=', parsed.data.userId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst()
  return usable ? parsed.data : null
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

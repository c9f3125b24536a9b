import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import { db, runtime } from '#server/runtime.server.ts'
import { notifyAccountChange, setPassword } from './account.server.ts'
import { hashPassword, passwordProblem } from './passwords.server.ts'
import { deleteUserSessions, hashToken, newToken } from './sessions.server.ts'
import { checkAttempt, recordFailure } from './throttle.server.ts'

/**
 * Forgotten passwords (ASVS 6.4): a single-use link valid for one hour, sent
 * by email. The answer is the same whether or not the address has an account,
 * and the mail goes out after the answer, so timing tells nothing either.
 */
export const RESET_LINK_TTL_MS = 60 * 60 * 1000

export type ResetRequestOutcome = { kind: 'sent' } | { kind: 'throttled'; retryAfterSeconds: number }

export async function requestPasswordReset(input: { email: string; siteOrigin: string; audit: AuditContext }): Promise<ResetRequestOutcome> {
  const keys = { ip: input.audit.ip ?? 'unknown', account: input.email }
  const verdict = await checkAttempt('forgot-password', keys)
  if (!verdict.allowed) return { kind: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds }
  // Every request counts, found or not: the limit is on asking, not on failing.
  await recordFailure('forgot-password', keys)

  const user = await db()
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'status'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', input.email.toLowerCase()))
    .executeTakeFirst()
  if (!user || user.status === 'disabled') {
    await recordAudit(db(), input.audit, { action: 'auth.password_reset.requested', entity: ['user', null], details: { email: input.email, found: false } })
    return { kind: 'sent' }
  }
  const token = newToken()
  await db().transaction().execute(async (trx) => {
    await trx
      .insertInto('password_resets')
      .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(Date.now() + RESET_LINK_TTL_MS) })
      .execute()
    await recordAudit(trx, input.audit, { action: 'auth.password_reset.requested', entity: ['user', user.id], details: { email: input.email, found: true } })
  })
  const link = `${input.siteOrigin}/reset-password?${new URLSearchParams({ token })}`
  void sendResetMail(user.email, user.display_name, link)
  return { kind: 'sent' }
}

async function sendResetMail(to: string, name: string, link: string) {
  const { mailer, logger } = runtime()
  try {
    await mailer.send(db(), {
      to,
      purpose: 'password_reset',
      subject: 'Choose a new password',
      text: `Hello ${name},\n\nSomeone (we hope you) asked to reset the password of your band account. Choose a new one here within the next hour:\n\n${link}\n\nThe link works once. If you did not ask for this, ignore this email: your password stays as it is.\n`,
    })
  } catch (error) {
    logger.error({ err: error }, 'could not store the password reset mail')
  }
}

/** The reset a link points at, if it can still be used. */
export async function findUsableReset(token: string) {
  return db()
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select(['password_resets.id', 'users.id as user_id', 'users.email', 'users.display_name', 'users.status'])
    .where('password_resets.token_hash', '=', hashToken(token))
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.expires_at', '>', new Date())
    .executeTakeFirst()
}

export type ResetOutcome = { kind: 'done'; userId: string } | { kind: 'invalid-link' } | { kind: 'weak-password'; message: string }

/** Sets the new password, uses up the link and ends every session of the account. */
export async function resetPassword(input: { token: string; newPassword: string; audit: AuditContext }): Promise<ResetOutcome> {
  const reset = await findUsableReset(input.token)
  if (!reset || reset.status === 'disabled') return { kind: 'invalid-link' }
  const problem = passwordProblem(input.newPassword, { email: reset.email, displayName: reset.display_name })
  if (problem) return { kind: 'weak-password', message: problem }
  const hash = await hashPassword(input.newPassword)
  const done = await db().transaction().execute(async (trx) => {
    // Claims the link first: of two simultaneous submissions only one gets it.
    const claimed = await trx
      .updateTable('password_resets')
      .set({ used_at: new Date() })
      .where('id', '=', reset.id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (claimed.numUpdatedRows === 0n) return false
    await setPassword(trx, reset.user_id, hash)
    const ended = await deleteUserSessions(trx, reset.user_id)
    await recordAudit(trx, { ...input.audit, actor: { id: reset.user_id, name: reset.display_name } }, {
      action: 'auth.password_reset.completed',
      entity: ['user', reset.user_id],
      details: { sessionsEnded: ended },
    })
    return true
  })
  if (!done) return { kind: 'invalid-link' }
  notifyAccountChange(reset.email, 'the password was reset with an emailed link, and every device was signed out')
  return { kind: 'done', userId: reset.user_id }
}

/** Where links in mail point: the configured public URL, or the address this request came to. */
export function siteOrigin(request: Request): string {
  return runtime().config.publicUrl ?? new URL(request.url).origin
}

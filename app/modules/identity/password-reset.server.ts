import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import { z } from 'zod'
import { enqueueMail } from '#app/modules/email/outbox.server.ts'
import { enqueueJob, type JobHandler } from '#app/platform/jobs.server.ts'
import type { Config } from '#app/platform/config.server.ts'
import type { RateLimits } from '#app/platform/rate-limit.server.ts'
import type { Db } from '#db/types.ts'
import { notifyAccountChange, setPassword } from './account.server.ts'
import { endOutstandingResets, findUserByEmail } from './queries.server.ts'
import { hashPassword, passwordProblem } from './passwords.server.ts'
import { deleteUserSessions, hashToken, newToken } from './sessions.server.ts'
import { takeAttempt } from './throttle.server.ts'

/**
 * Forgotten passwords (ASVS 6.4): a single-use link valid for one hour, sent
 * by email. The answer is the same whether or not the address has an account,
 * and the mail is sent by the worker, not while the visitor waits.
 */
export const RESET_LINK_TTL_MS = 60 * 60 * 1000

export type ResetRequestOutcome = { kind: 'sent' } | { kind: 'throttled'; retryAfterSeconds: number }

/** The worker's job that looks the address up and sends the link. */
export const PASSWORD_RESET_JOB = 'identity.password_reset'

const ResetRequestPayload = z.object({
  email: z.string().max(254),
  siteOrigin: z.string().max(2048),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
})

/**
 * "Forgot your password?": throttled, then handed to the worker. The request
 * does the same work (one job row) whether or not the address has an account,
 * so neither its answer nor its timing tells (finding 15, ASVS 6.3.8).
 */
export async function requestPasswordReset(
  db: Db,
  rateLimits: RateLimits,
  input: { email: string; siteOrigin: string; audit: AuditContext },
): Promise<ResetRequestOutcome> {
  // Every request counts, found or not: the limit is on asking, not on failing.
  const attempt = await takeAttempt(rateLimits, 'forgot-password', { ip: input.audit.ip ?? 'unknown', account: input.email })
  if (!attempt.allowed) return { kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds }
  await enqueueJob(db, {
    name: PASSWORD_RESET_JOB,
    payload: { email: input.email, siteOrigin: input.siteOrigin, ip: input.audit.ip, userAgent: input.audit.userAgent, requestId: input.audit.requestId },
    maxAttempts: 3,
  })
  return { kind: 'sent' }
}

/**
 * The job: a link for a known, enabled account, mailed with the token sealed;
 * an audit row either way. Where no mail can carry the link (no SMTP, nobody
 * at the server's own terminal) no link is made at all: the operator starts a
 * reset with `admin:reset` instead (finding 1).
 */
export function passwordResetJob(deps: { db: Db; sessionSecret: string; auditKey: string; canDeliverLinks: boolean }): JobHandler {
  return async (payload) => {
    const request = ResetRequestPayload.parse(payload)
    const audit: AuditContext = {
      actor: { id: null, name: 'Anonymous visitor' },
      ip: request.ip,
      userAgent: request.userAgent,
      requestId: request.requestId,
      chainKey: deps.auditKey,
    }
    const { db } = deps
    const user = await findUserByEmail(db, request.email)
    if (!user || user.status === 'disabled') {
      await recordAudit(db, audit, { action: 'auth.password_reset.requested', entity: ['user', null], details: { email: request.email, found: false } })
      return
    }
    if (!deps.canDeliverLinks) {
      await recordAudit(db, audit, {
        action: 'auth.password_reset.requested',
        entity: ['user', user.id],
        details: { email: request.email, found: true, delivered: false, reason: 'no mail server: ask an admin to run admin:reset' },
      })
      return
    }
    await db.transaction().execute(async (trx) => {
      const { token, link } = await issueResetLink(trx, user.id, request.siteOrigin)
      await recordAudit(trx, audit, { action: 'auth.password_reset.requested', entity: ['user', user.id], details: { email: request.email, found: true } })
      await enqueueMail(trx, {
        to: user.email,
        purpose: 'password_reset',
        subject: 'Choose a new password',
        text: `Hello ${user.display_name},\n\nSomeone (we hope you) asked to reset the password of your band account. Choose a new one here within the next hour:\n\n${link}\n\nThe link works once. If you did not ask for this, ignore this email: your password stays as it is.\n`,
        secrets: { values: [token], sealWith: deps.sessionSecret },
      })
    })
  }
}

async function issueResetLink(trx: Db, userId: string, siteOrigin: string): Promise<{ token: string; link: string }> {
  const token = newToken()
  await trx.insertInto('password_resets').values({ token_hash: hashToken(token), user_id: userId, expires_at: new Date(Date.now() + RESET_LINK_TTL_MS) }).execute()
  return { token, link: `${siteOrigin}/reset-password?${new URLSearchParams({ token })}` }
}

/**
 * `admin:reset --email …`: the operator's own way to reset a member's
 * password where no mail server can carry the link. Prints the link to the
 * terminal of whoever runs it; nothing else ever shows it.
 */
export async function createResetLinkForOperator(
  db: Db,
  input: { email: string; siteOrigin: string; audit: AuditContext },
): Promise<{ ok: true; link: string } | { ok: false; message: string }> {
  const user = await findUserByEmail(db, input.email)
  if (!user) return { ok: false, message: `There is no account with ${input.email}.` }
  if (user.status === 'disabled') return { ok: false, message: `The account of ${input.email} is disabled; enable it first.` }
  return db.transaction().execute(async (trx) => {
    const { link } = await issueResetLink(trx, user.id, input.siteOrigin)
    await recordAudit(trx, input.audit, { action: 'auth.password_reset.issued_by_operator', entity: ['user', user.id], details: { email: user.email } })
    return { ok: true as const, link }
  })
}

/** The reset a link points at, if it can still be used. */
export async function findUsableReset(db: Db, token: string) {
  return db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select(['password_resets.id', 'users.id as user_id', 'users.email', 'users.display_name', 'users.status'])
    .where('password_resets.token_hash', '=', hashToken(token))
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.expires_at', '>', new Date())
    .executeTakeFirst()
}

export type ResetOutcome =
  | { kind: 'done'; userId: string }
  | { kind: 'invalid-link' }
  | { kind: 'weak-password'; message: string }
  | { kind: 'throttled'; retryAfterSeconds: number }

/** Sets the new password, uses up the link and ends every session of the account. */
export async function resetPassword(
  db: Db,
  rateLimits: RateLimits,
  input: { token: string; newPassword: string; audit: AuditContext },
): Promise<ResetOutcome> {
  // Guessing at reset links is limited per IP; the try is taken before the link is looked up.
  const attempt = await takeAttempt(rateLimits, 'reset', { ip: input.audit.ip ?? 'unknown' })
  if (!attempt.allowed) return { kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds }
  const reset = await findUsableReset(db, input.token)
  if (!reset || reset.status === 'disabled') return { kind: 'invalid-link' }
  const problem = passwordProblem(input.newPassword, { email: reset.email, displayName: reset.display_name })
  if (problem) return { kind: 'weak-password', message: problem }
  const hash = await hashPassword(input.newPassword)
  const done = await db.transaction().execute(async (trx) => {
    // Claims the link first: of two simultaneous submissions only one gets it.
    const claimed = await trx
      .updateTable('password_resets')
      .set({ used_at: new Date() })
      .where('id', '=', reset.id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (claimed.numUpdatedRows === 0n) return false
    await setPassword(trx, reset.user_id, hash)
    const otherLinksEnded = await endOutstandingResets(trx, reset.user_id)
    const ended = await deleteUserSessions(trx, reset.user_id)
    await recordAudit(trx, { ...input.audit, actor: { id: reset.user_id, name: reset.display_name } }, {
      action: 'auth.password_reset.completed',
      entity: ['user', reset.user_id],
      details: { sessionsEnded: ended, otherLinksEnded },
    })
    await notifyAccountChange(trx, reset.email, 'the password was reset with an emailed link, and every device was signed out')
    return true
  })
  if (!done) return { kind: 'invalid-link' }
  return { kind: 'done', userId: reset.user_id }
}

/** Where links in mail point: the configured site address, never the request's Host (finding 2). */
export function siteOrigin(config: Pick<Config, 'siteUrl'>): string {
  return config.siteUrl
}

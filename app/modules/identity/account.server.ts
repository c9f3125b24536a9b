import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import { enqueueMail } from '#app/modules/email/outbox.server.ts'
import type { Db } from '#db/types.ts'
import { emailIs, endOutstandingResets } from './queries.server.ts'
import { confirmIdentity, type Reauthentication } from './reauthentication.server.ts'
import { hashPassword, passwordProblem } from './passwords.server.ts'
import { createRecoveryCodes } from './recovery-codes.server.ts'
import { deleteSession, deleteUserSessions } from './sessions.server.ts'
import { confirmTotpEnrolment, removeTotp, startTotpEnrolment, TotpAlreadyEnrolledError, type TotpEnrolment } from './totp.server.ts'

/**
 * What members do to their own account at /settings/security. Anything that
 * changes how they sign in asks for the current password first (ASVS 6.2.3),
 * and every change writes its audit row in the same transaction.
 */

/**
 * Tells the member their sign-in changed (ASVS 6.2.x / 6.5.x), so a change
 * they did not make does not go unnoticed. Queued in the change's own
 * transaction: it goes out exactly when the change holds.
 */
export async function notifyAccountChange(trx: Db, to: string, what: string): Promise<void> {
  await enqueueMail(trx, {
    to,
    purpose: 'security_notice',
    subject: `Your band account: ${what}`,
    text: `Hello,\n\nThis is a notice that on your band account: ${what}.\n\nIf this was you, there is nothing to do. If it was not, reset your password now with "Forgot your password?" on the sign-in page, and tell the band's admins.\n`,
  })
}

export type AccountResult = { ok: true } | { ok: false; field: string; message: string; retryAfterSeconds?: number }

/** Sets a new password and ends every other session (a password change must lock out whoever else got in). */
export async function changePassword(db: Db, input: {
  userId: string
  email: string
  displayName: string
  sessionId: string
  reauth: Reauthentication
  newPassword: string
  audit: AuditContext
}): Promise<AccountResult> {
  const identity = await confirmIdentity(db, { ...input.reauth, userId: input.userId, audit: input.audit, purpose: 'change password', needsCode: false })
  if (!identity.ok) return identity
  const problem = passwordProblem(input.newPassword, { email: input.email, displayName: input.displayName })
  if (problem) return { ok: false, field: 'newPassword', message: problem }
  const hash = await hashPassword(input.newPassword)
  await db.transaction().execute(async (trx) => {
    await setPassword(trx, input.userId, hash)
    const ended = await deleteUserSessions(trx, input.userId, { except: input.sessionId })
    const resetLinksEnded = await endOutstandingResets(trx, input.userId)
    await recordAudit(trx, input.audit, {
      action: 'auth.password.changed',
      entity: ['user', input.userId],
      details: { otherSessionsEnded: ended, resetLinksEnded },
    })
    await notifyAccountChange(trx, input.email, 'your password was changed')
  })
  return { ok: true }
}

export async function setPassword(trx: Db, userId: string, hash: string): Promise<void> {
  await trx
    .insertInto('password_credentials')
    .values({ user_id: userId, hash })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ hash, updated_at: new Date() }))
    .execute()
  await trx.updateTable('users').set({ must_reset_password: false, updated_at: new Date() }).where('id', '=', userId).execute()
}

export async function changeEmail(db: Db, input: {
  userId: string
  currentEmail: string
  reauth: Reauthentication
  newEmail: string
  audit: AuditContext
}): Promise<AccountResult> {
  // Moving the address would let a thief take over resets: a current code too, when two-step sign-in is on.
  const identity = await confirmIdentity(db, { ...input.reauth, userId: input.userId, audit: input.audit, purpose: 'change email', needsCode: true })
  if (!identity.ok) return identity
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where(emailIs('users', input.newEmail))
    .where('id', '!=', input.userId)
    .executeTakeFirst()
  if (taken) return { ok: false, field: 'newEmail', message: 'Another account already uses that email address.' }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ email: input.newEmail, updated_at: new Date() }).where('id', '=', input.userId).execute()
    await recordAudit(trx, input.audit, {
      action: 'auth.email.changed',
      entity: ['user', input.userId],
      before: { email: input.currentEmail },
      after: { email: input.newEmail },
    })
    // To the old address: that is where the real owner reads mail.
    await notifyAccountChange(trx, input.currentEmail, `the sign-in email address was changed to ${input.newEmail}`)
  })
  return { ok: true }
}

export async function revokeOwnSession(db: Db, input: { userId: string; sessionId: string; audit: AuditContext }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const ended = await deleteSession(trx, input.sessionId, input.userId)
    if (ended) {
      await recordAudit(trx, input.audit, { action: 'auth.session.revoked', entity: ['user', input.userId], details: { sessionId: input.sessionId } })
    }
    return ended
  })
}

export async function revokeOtherOwnSessions(db: Db, input: { userId: string; keepSessionId: string; audit: AuditContext }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ended = await deleteUserSessions(trx, input.userId, { except: input.keepSessionId })
    await recordAudit(trx, input.audit, { action: 'auth.session.revoked_others', entity: ['user', input.userId], details: { ended } })
    return ended
  })
}

export async function beginMfaEnrolment(db: Db, input: {
  userId: string
  email: string
  bandName: string
  reauth: Reauthentication
  appSecret: string
  audit: AuditContext
}): Promise<{ ok: true; enrolment: TotpEnrolment } | { ok: false; field: string; message: string; retryAfterSeconds?: number }> {
  const identity = await confirmIdentity(db, { ...input.reauth, userId: input.userId, audit: input.audit, purpose: 'start two-step sign-in', needsCode: false })
  if (!identity.ok) return identity
  try {
    const enrolment = await startTotpEnrolment(db, {
      userId: input.userId,
      accountName: input.email,
      issuer: input.bandName,
      appSecret: input.appSecret,
    })
    return { ok: true, enrolment }
  } catch (error) {
    if (error instanceof TotpAlreadyEnrolledError) return { ok: false, field: 'currentPassword', message: error.message }
    throw error
  }
}

/** Confirms the authenticator and hands out the recovery codes, once. */
export async function finishMfaEnrolment(db: Db, input: {
  userId: string
  email: string
  code: string
  appSecret: string
  audit: AuditContext
}): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false }> {
  return db.transaction().execute(async (trx) => {
    const confirmed = await confirmTotpEnrolment(trx, { userId: input.userId, code: input.code, appSecret: input.appSecret })
    if (!confirmed) return { ok: false } as const
    const recoveryCodes = await createRecoveryCodes(trx, input.userId)
    await recordAudit(trx, input.audit, { action: 'auth.mfa.enrolled', entity: ['user', input.userId] })
    await notifyAccountChange(trx, input.email, 'two-step sign-in was turned on')
    return { ok: true, recoveryCodes } as const
  })
}

export async function removeMfa(db: Db, input: { userId: string; email: string; reauth: Reauthentication; audit: AuditContext }): Promise<AccountResult> {
  // The password alone must not switch the second factor off: a current code (or a recovery code) too.
  const identity = await confirmIdentity(db, { ...input.reauth, userId: input.userId, audit: input.audit, purpose: 'turn off two-step sign-in', needsCode: true })
  if (!identity.ok) return identity
  await db.transaction().execute(async (trx) => {
    // Also deletes the recovery codes.
    await removeTotp(trx, input.userId)
    await recordAudit(trx, input.audit, { action: 'auth.mfa.removed', entity: ['user', input.userId] })
    await notifyAccountChange(trx, input.email, 'two-step sign-in was turned off')
  })
  return { ok: true }
}

export async function replaceRecoveryCodes(db: Db, input: {
  userId: string
  reauth: Reauthentication
  audit: AuditContext
}): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; field: string; message: string; retryAfterSeconds?: number }> {
  const identity = await confirmIdentity(db, { ...input.reauth, userId: input.userId, audit: input.audit, purpose: 'new recovery codes', needsCode: false })
  if (!identity.ok) return identity
  const recoveryCodes = await db.transaction().execute(async (trx) => {
    const codes = await createRecoveryCodes(trx, input.userId)
    await recordAudit(trx, input.audit, { action: 'auth.mfa.recovery_codes_replaced', entity: ['user', input.userId] })
    return codes
  })
  return { ok: true, recoveryCodes }
}

import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import { enqueueMail } from '#app/modules/email/outbox.server.ts'
import type { Db } from '#db/types.ts'
import { emailIs, endOutstandingResets } from './queries.server.ts'
import { confirmIdentity, type Reauthentication } from './reauthentication.server.ts'
import { hashPassword, passwordProblem } from './passwords.server.ts'
import { createRecoveryCodes } from './recovery-codes.server.ts'
import { deleteSession, deleteUserSessions, hashToken, newToken } from './sessions.server.ts'
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

export const EMAIL_CHANGE_TTL_MS = 24 * 60 * 60 * 1000

/**
 * Asks to move the sign-in address (finding 15): after the password (and a
 * code, when two-step sign-in is on), a one-time link goes to the new address,
 * and the old one is told. Nothing changes until the link is opened.
 */
export async function requestEmailChange(db: Db, input: {
  userId: string
  currentEmail: string
  reauth: Reauthentication
  newEmail: string
  siteOrigin: string
  audit: AuditContext
}): Promise<AccountResult> {
  // Moving the address would let a thief take over resets: a current code too, when two-step sign-in is on.
  const identity = await confirmIdentity(db, { ...input.reauth, userId: input.userId, audit: input.audit, purpose: 'change email', needsCode: true })
  if (!identity.ok) return identity
  if (input.newEmail.trim().toLowerCase() === input.currentEmail.toLowerCase()) {
    return { ok: false, field: 'newEmail', message: 'That is already your address.' }
  }
  if (await addressTaken(db, input.newEmail, input.userId)) return { ok: false, field: 'newEmail', message: 'Another account already uses that email address.' }
  const token = newToken()
  const link = `${input.siteOrigin}/settings/security/email/confirm?${new URLSearchParams({ token })}`
  await db.transaction().execute(async (trx) => {
    // A newer request replaces an older one still waiting.
    await trx.updateTable('email_changes').set({ used_at: new Date() }).where('user_id', '=', input.userId).where('used_at', 'is', null).execute()
    await trx
      .insertInto('email_changes')
      .values({ user_id: input.userId, new_email: input.newEmail, token_hash: hashToken(token), expires_at: new Date(Date.now() + EMAIL_CHANGE_TTL_MS) })
      .execute()
    await recordAudit(trx, input.audit, { action: 'auth.email.change_requested', entity: ['user', input.userId], details: { from: input.currentEmail, to: input.newEmail } })
    await enqueueMail(trx, {
      to: input.newEmail,
      purpose: 'email_change',
      subject: 'Confirm your new sign-in address',
      text: `Hello,\n\nTo sign in to the band website with this address from now on, open this link within 24 hours while signed in:\n\n${link}\n\nIf you did not ask for this, ignore this email: nothing changes.\n`,
      secrets: { values: [token], sealWith: input.reauth.appSecret },
    })
    // To the old address: that is where the real owner reads mail.
    await notifyAccountChange(trx, input.currentEmail, `someone asked to change the sign-in email address to ${input.newEmail}; it changes only when that address confirms`)
  })
  return { ok: true }
}

/** The waiting change a confirmation link names, if it is this member's and still usable. */
export async function findEmailChange(db: Db, userId: string, token: string) {
  return db
    .selectFrom('email_changes')
    .select(['id', 'new_email'])
    .where('token_hash', '=', hashToken(token))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst()
}

/** Opens the link: the address changes, once. */
export async function confirmEmailChange(db: Db, input: { userId: string; currentEmail: string; token: string; audit: AuditContext }): Promise<AccountResult & { newEmail?: string }> {
  const change = await findEmailChange(db, input.userId, input.token)
  if (!change) return { ok: false, field: 'token', message: 'This link has expired or was already used. Ask for a new one on the email page.' }
  if (await addressTaken(db, change.new_email, input.userId)) return { ok: false, field: 'token', message: 'Another account now uses that email address.' }
  const claimed = await db.transaction().execute(async (trx) => {
    const used = await trx.updateTable('email_changes').set({ used_at: new Date() }).where('id', '=', change.id).where('used_at', 'is', null).executeTakeFirst()
    if (used.numUpdatedRows === 0n) return false
    await trx.updateTable('users').set({ email: change.new_email, updated_at: new Date() }).where('id', '=', input.userId).execute()
    await endOutstandingResets(trx, input.userId)
    await recordAudit(trx, input.audit, {
      action: 'auth.email.changed',
      entity: ['user', input.userId],
      before: { email: input.currentEmail },
      after: { email: change.new_email },
    })
    await notifyAccountChange(trx, input.currentEmail, `the sign-in email address was changed to ${change.new_email}`)
    return true
  })
  return claimed ? { ok: true, newEmail: change.new_email } : { ok: false, field: 'token', message: 'This link was already used.' }
}

async function addressTaken(db: Db, address: string, exceptUserId: string): Promise<boolean> {
  const taken = await db.selectFrom('users').select('id').where(emailIs('users', address)).where('id', '!=', exceptUserId).executeTakeFirst()
  return Boolean(taken)
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

import { sql } from 'kysely'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import { enqueueMail } from '#app/modules/email/outbox.server.ts'
import type { RateLimits } from '#app/platform/rate-limit.server.ts'
import type { Db, RoleName } from '#db/types.ts'
import { setPassword } from './account.server.ts'
import { hashPassword, passwordProblem } from './passwords.server.ts'
import { can, type Grants } from './permissions.ts'
import { emailIs } from './queries.server.ts'
import { ADMIN_ROLES } from './roles.ts'
import { hashToken, newToken } from './sessions.server.ts'
import { takeAttempt } from './throttle.server.ts'

/**
 * Members do not sign themselves up: an admin or director invites them by
 * email with a signed, single-use link valid for seven days, and they choose
 * their password when they accept it.
 */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000

/**
 * Who may give a role, by inviting or by a role change: admin roles need
 * `role.assign.admin`; the other roles above musician need `role.assign`; a
 * musician may also be invited by anyone holding `user.invite` (a director).
 * So nobody invites into a role they could not assign (finding 15).
 */
export function mayGrantRole(grants: Grants, role: RoleName): boolean {
  if ((ADMIN_ROLES as readonly RoleName[]).includes(role)) return can(grants, 'role.assign.admin')
  if (role === 'musician') return can(grants, 'role.assign') || can(grants, 'user.invite')
  return can(grants, 'role.assign')
}

/** `link` is for the inviter's own screen when no mail server can carry it (finding 1); never stored in the clear. */
export type InviteOutcome = { kind: 'sent'; invitationId: string; link: string } | { kind: 'refused'; field: string; message: string }

export async function inviteMember(db: Db, input: {
  email: string
  displayName: string
  role: RoleName
  sectionId: string | null
  /** "Invite this member" on the member page: the account is linked to this member when accepted. */
  memberId?: string
  inviter: { id: string; grants: Grants }
  siteOrigin: string
  /** The app's secret: seals the mail's copy of the link (`runtime.sessionSecret`). */
  sealWith: string
  audit: AuditContext
}): Promise<InviteOutcome> {
  if (!mayGrantRole(input.inviter.grants, input.role)) {
    return { kind: 'refused', field: 'role', message: 'You cannot give that role.' }
  }
  if (input.role === 'section_leader' && !input.sectionId) {
    return { kind: 'refused', field: 'sectionId', message: 'Choose the section this person leads.' }
  }
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where(emailIs('users', input.email))
    .executeTakeFirst()
  if (existing) return { kind: 'refused', field: 'email', message: 'Someone already has an account with that email address.' }

  let member: { id: string } | undefined
  if (input.memberId) {
    member = await db.selectFrom('members').select('id').where('id', '=', input.memberId).where('deleted_at', 'is', null).executeTakeFirst()
    if (!member) return { kind: 'refused', field: 'email', message: 'There is no such member.' }
    const linked = await db.selectFrom('users').select('id').where('member_id', '=', member.id).executeTakeFirst()
    if (linked) return { kind: 'refused', field: 'email', message: 'This member already has an account.' }
  } else {
    // Inviting someone already on the roster by their address links them too.
    member = await db
      .selectFrom('members')
      .select('id')
      .where(emailIs('members', input.email))
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
  }
  const token = newToken()
  const link = `${input.siteOrigin}/invite/${token}`
  const invitation = await db.transaction().execute(async (trx) => {
    // A new invitation replaces any earlier one to the same address.
    await trx
      .updateTable('invitations')
      .set({ used_at: new Date() })
      .where(emailIs('invitations', input.email))
      .where('used_at', 'is', null)
      .execute()
    const row = await trx
      .insertInto('invitations')
      .values({
        token_hash: hashToken(token),
        email: input.email,
        display_name: input.displayName,
        role_name: input.role,
        section_id: input.sectionId,
        member_id: member?.id ?? null,
        invited_by: input.inviter.id,
        expires_at: new Date(Date.now() + INVITATION_TTL_MS),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, input.audit, {
      action: 'auth.invitation.sent',
      entity: ['invitation', row.id],
      after: { email: input.email, displayName: input.displayName, role: input.role, sectionId: input.sectionId, memberId: member?.id ?? null },
    })
    await enqueueMail(trx, {
      to: input.email,
      purpose: 'invitation',
      subject: 'Your invitation to the band website',
      text: `Hello ${input.displayName},\n\nYou are invited to the members' area of the band website. Choose your password here within 7 days:\n\n${link}\n\nThe link works once.\n`,
      secrets: { values: [token], sealWith: input.sealWith },
    })
    return row
  })
  return { kind: 'sent', invitationId: invitation.id, link }
}

export async function findUsableInvitation(db: Db, token: string) {
  return db
    .selectFrom('invitations')
    .select(['id', 'email', 'display_name', 'role_name', 'section_id', 'member_id'])
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst()
}

export type AcceptOutcome =
  | { kind: 'accepted'; userId: string; displayName: string }
  | { kind: 'invalid-link' }
  | { kind: 'weak-password'; message: string }
  | { kind: 'throttled'; retryAfterSeconds: number }

/**
 * Creates the account with its role, uses up the invitation; the caller signs
 * the new member in. Guessing at invitation links is throttled per IP.
 */
export async function acceptInvitation(
  db: Db,
  rateLimits: RateLimits,
  input: { token: string; password: string; audit: AuditContext },
): Promise<AcceptOutcome> {
  // Every try counts, taken before the link is looked up.
  const attempt = await takeAttempt(rateLimits, 'invite', { ip: input.audit.ip ?? 'unknown' })
  if (!attempt.allowed) return { kind: 'throttled', retryAfterSeconds: attempt.retryAfterSeconds }
  const invitation = await findUsableInvitation(db, input.token)
  if (!invitation) return { kind: 'invalid-link' }
  const problem = passwordProblem(input.password, { email: invitation.email, displayName: invitation.display_name })
  if (problem) return { kind: 'weak-password', message: problem }
  const hash = await hashPassword(input.password)
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('invitations')
      .set({ used_at: new Date() })
      .where('id', '=', invitation.id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (claimed.numUpdatedRows === 0n) return { kind: 'invalid-link' } as const
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where(emailIs('users', invitation.email))
      .executeTakeFirst()
    if (taken) return { kind: 'invalid-link' } as const
    // The member the invitation was for, unless someone else's account took that member meanwhile.
    const memberTaken = invitation.member_id
      ? await trx.selectFrom('users').select('id').where('member_id', '=', invitation.member_id).executeTakeFirst()
      : undefined
    const user = await trx
      .insertInto('users')
      .values({ email: invitation.email, display_name: invitation.display_name, member_id: memberTaken ? null : invitation.member_id })
      .returning('id')
      .executeTakeFirstOrThrow()
    await setPassword(trx, user.id, hash)
    if (invitation.member_id && !memberTaken) {
      // A member invited without an address on the roster gets the one they accepted with, unless another member has it.
      await trx
        .updateTable('members')
        .set({ email: invitation.email, updated_at: new Date() })
        .where('id', '=', invitation.member_id)
        .where('email', 'is', null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('members as other')
                .select('other.id')
                .where(sql<string>`lower(other.email)`, '=', invitation.email.trim().toLowerCase())
                .where('other.deleted_at', 'is', null),
            ),
          ),
        )
        .execute()
    }
    const grants: { role: RoleName; section: string | null }[] =
      invitation.role_name === 'section_leader'
        ? [{ role: 'musician', section: null }, { role: 'section_leader', section: invitation.section_id }]
        : [{ role: invitation.role_name as RoleName, section: null }]
    await trx
      .insertInto('user_roles')
      .values(grants.map((grant) => ({ user_id: user.id, role_name: grant.role, section_id: grant.section })))
      .execute()
    await trx.updateTable('invitations').set({ accepted_user_id: user.id }).where('id', '=', invitation.id).execute()
    await recordAudit(trx, { ...input.audit, actor: { id: user.id, name: invitation.display_name } }, {
      action: 'auth.invitation.accepted',
      entity: ['user', user.id],
      after: { email: invitation.email, displayName: invitation.display_name, roles: grants.map((grant) => grant.role), memberId: memberTaken ? null : invitation.member_id },
      details: { invitationId: invitation.id },
    })
    return { kind: 'accepted', userId: user.id, displayName: invitation.display_name } as const
  })
}

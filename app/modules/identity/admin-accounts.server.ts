import { sql } from 'kysely'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { Db, RoleName, UserStatus } from '#db/types.ts'
import { mayGrantRole } from './invitations.server.ts'
import { can, type Grants } from './permissions.ts'
import { ADMIN_ROLES } from './roles.ts'
import { deleteAllSessions, deleteUserSessions } from './sessions.server.ts'

/**
 * What admins do to other people's accounts (/admin/members/accounts). Every action is
 * audited in its own transaction; ending access always ends the sessions too.
 */

export async function listAccounts(db: Db, options: { limit: number; after?: string }) {
  const users = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'status', 'must_reset_password', 'last_login_at', 'member_id'])
    .$if(Boolean(options.after), (query) => query.where('display_name', '>', options.after ?? ''))
    .orderBy('display_name')
    .limit(options.limit)
    .execute()
  const roles = users.length
    ? await db
        .selectFrom('user_roles')
        .leftJoin('sections', 'sections.id', 'user_roles.section_id')
        .select(['user_roles.user_id', 'user_roles.role_name', 'sections.name as section_name'])
        .where(
          'user_roles.user_id',
          'in',
          users.map((user) => user.id),
        )
        .execute()
    : []
  const sessions = users.length
    ? await db
        .selectFrom('sessions')
        .select(['user_id', sql<number>`count(*)::int`.as('count')])
        .where(
          'user_id',
          'in',
          users.map((user) => user.id),
        )
        .where('absolute_expires_at', '>', new Date())
        .groupBy('user_id')
        .execute()
    : []
  return users.map((user) => ({
    ...user,
    roles: roles.filter((role) => role.user_id === user.id).map((role) => ({ role: role.role_name, section: role.section_name })),
    activeSessions: sessions.find((row) => row.user_id === user.id)?.count ?? 0,
  }))
}

type Target = { id: string; display_name: string; email: string; status: UserStatus }

export type Actor = { id: string; grants: Grants }

/** What an admin action answers: done, or refused with the HTTP status and the words to show. */
export type AccountActionOutcome<T = undefined> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404; message: string }

const refused = (status: 400 | 403 | 404, message: string) => ({ ok: false, status, message }) as const

/**
 * The one guard of every admin action on an account (finding 9): the account
 * must exist, and an account holding an admin role may be acted on only by
 * someone who may give admin roles. So an admin cannot sign out, lock,
 * disable, force a reset on, or change the roles of the super admin.
 */
async function guardAccountAction(db: Db, actor: Actor, userId: string): Promise<{ ok: true; target: Target } | ReturnType<typeof refused>> {
  const target = await db.selectFrom('users').select(['id', 'display_name', 'email', 'status']).where('id', '=', userId).executeTakeFirst()
  if (!target) return refused(404, 'There is no such account.')
  if (!can(actor.grants, 'role.assign.admin')) {
    const adminGrant = await db.selectFrom('user_roles').select('user_id').where('user_id', '=', userId).where('role_name', 'in', ADMIN_ROLES).executeTakeFirst()
    if (adminGrant) return refused(403, 'Only a super admin can do that to an admin account.')
  }
  return { ok: true, target }
}

export async function revokeSessionsOf(db: Db, input: { userId: string; actor: Actor; audit: AuditContext }): Promise<AccountActionOutcome<number>> {
  const guard = await guardAccountAction(db, input.actor, input.userId)
  if (!guard.ok) return guard
  const ended = await db.transaction().execute(async (trx) => {
    const count = await deleteUserSessions(trx, guard.target.id)
    await recordAudit(trx, input.audit, { action: 'auth.session.revoked_by_admin', entity: ['user', guard.target.id], details: { ended: count } })
    return count
  })
  return { ok: true, value: ended }
}

export async function revokeEveryonesSessions(db: Db, input: { keepSessionId: string; audit: AuditContext }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ended = await deleteAllSessions(trx, { except: input.keepSessionId })
    await recordAudit(trx, input.audit, { action: 'auth.session.revoked_everyone', entity: ['band', null], details: { ended } })
    return ended
  })
}

/** The member must choose a new password (through "forgot password") before signing in again. */
export async function forcePasswordReset(db: Db, input: { userId: string; actor: Actor; audit: AuditContext }): Promise<AccountActionOutcome> {
  const guard = await guardAccountAction(db, input.actor, input.userId)
  if (!guard.ok) return guard
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ must_reset_password: true, updated_at: new Date() }).where('id', '=', guard.target.id).execute()
    const ended = await deleteUserSessions(trx, guard.target.id)
    await recordAudit(trx, input.audit, {
      action: 'auth.password_reset.forced',
      entity: ['user', guard.target.id],
      before: { must_reset_password: false },
      after: { must_reset_password: true },
      details: { sessionsEnded: ended },
    })
  })
  return { ok: true, value: undefined }
}

export async function setAccountStatus(db: Db, input: { userId: string; status: UserStatus; actor: Actor; audit: AuditContext }): Promise<AccountActionOutcome> {
  if (input.userId === input.actor.id) return refused(400, 'You cannot change the status of your own account.')
  const guard = await guardAccountAction(db, input.actor, input.userId)
  if (!guard.ok) return guard
  const { target } = guard
  if (target.status === input.status) return refused(400, 'Nothing changed.')
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ status: input.status, updated_at: new Date() }).where('id', '=', target.id).execute()
    // Disabling or locking an account ends its sessions at once.
    const ended = input.status === 'active' ? 0 : await deleteUserSessions(trx, target.id)
    await recordAudit(trx, input.audit, {
      action: 'auth.account.status_changed',
      entity: ['user', target.id],
      before: { status: target.status },
      after: { status: input.status },
      details: { sessionsEnded: ended },
    })
  })
  return { ok: true, value: undefined }
}

/** Gives or takes one role. A privilege change ends the member's sessions, so the next page is signed in afresh. */
export async function changeRole(
  db: Db,
  input: { userId: string; role: RoleName; sectionId: string | null; grant: boolean; actor: Actor; audit: AuditContext },
): Promise<AccountActionOutcome> {
  if (!mayGrantRole(input.actor.grants, input.role)) return refused(403, 'You cannot give or take that role.')
  if (input.userId === input.actor.id && !input.grant) return refused(400, 'You cannot take a role away from yourself.')
  const guard = await guardAccountAction(db, input.actor, input.userId)
  if (!guard.ok) return guard
  const { target } = guard
  await db.transaction().execute(async (trx) => {
    if (input.grant) {
      await trx
        .insertInto('user_roles')
        .values({ user_id: target.id, role_name: input.role, section_id: input.sectionId, granted_by: input.actor.id })
        .onConflict((conflict) => conflict.constraint('user_roles_grant_key').doNothing())
        .execute()
    } else {
      await trx
        .deleteFrom('user_roles')
        .where('user_id', '=', target.id)
        .where('role_name', '=', input.role)
        .$if(input.sectionId === null, (query) => query.where('section_id', 'is', null))
        .$if(input.sectionId !== null, (query) => query.where('section_id', '=', input.sectionId ?? ''))
        .execute()
    }
    const ended = await deleteUserSessions(trx, target.id)
    await recordAudit(trx, input.audit, {
      action: input.grant ? 'auth.role.granted' : 'auth.role.revoked',
      entity: ['user', target.id],
      details: { role: input.role, sectionId: input.sectionId, sessionsEnded: ended },
    })
  })
  return { ok: true, value: undefined }
}

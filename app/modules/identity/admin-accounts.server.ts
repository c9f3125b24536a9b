import { sql } from 'kysely'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { Db, RoleName, UserStatus } from '#db/types.ts'
import { mayGrantRole } from './invitations.server.ts'
import { can, type Grants } from './permissions.ts'
import { ADMIN_ROLES } from './roles.ts'
import { deleteAllSessions, deleteUserSessions } from './sessions.server.ts'

/**
 * What admins do to other people's accounts (/admin/members). Every action is
 * audited in its own transaction; ending access always ends the sessions too.
 */

export async function listAccounts(db: Db, options: { limit: number; after?: string }) {
  const users = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'status', 'must_reset_password', 'last_login_at'])
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

async function findTarget(db: Db, userId: string): Promise<Target | undefined> {
  return db.selectFrom('users').select(['id', 'display_name', 'email', 'status']).where('id', '=', userId).executeTakeFirst()
}

/**
 * Acting on an admin's account (signing them out, disabling, forcing a reset)
 * takes the same right as giving admin roles: an admin cannot lock out the
 * super admin.
 */
export async function mayActOn(db: Db, actor: Grants, userId: string): Promise<boolean> {
  if (can(actor, 'role.assign.admin')) return true
  const adminGrant = await db
    .selectFrom('user_roles')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('role_name', 'in', ADMIN_ROLES)
    .executeTakeFirst()
  return !adminGrant
}

export async function revokeSessionsOf(db: Db, input: { userId: string; audit: AuditContext }): Promise<number | null> {
  const target = await findTarget(db, input.userId)
  if (!target) return null
  return db.transaction().execute(async (trx) => {
    const ended = await deleteUserSessions(trx, target.id)
    await recordAudit(trx, input.audit, { action: 'auth.session.revoked_by_admin', entity: ['user', target.id], details: { ended } })
    return ended
  })
}

export async function revokeEveryonesSessions(db: Db, input: { keepSessionId: string; audit: AuditContext }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ended = await deleteAllSessions(trx, { except: input.keepSessionId })
    await recordAudit(trx, input.audit, { action: 'auth.session.revoked_everyone', entity: ['band', null], details: { ended } })
    return ended
  })
}

/** The member must choose a new password (through "forgot password") before signing in again. */
export async function forcePasswordReset(db: Db, input: { userId: string; audit: AuditContext }): Promise<boolean> {
  const target = await findTarget(db, input.userId)
  if (!target) return false
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ must_reset_password: true, updated_at: new Date() }).where('id', '=', target.id).execute()
    const ended = await deleteUserSessions(trx, target.id)
    await recordAudit(trx, input.audit, {
      action: 'auth.password_reset.forced',
      entity: ['user', target.id],
      before: { must_reset_password: false },
      after: { must_reset_password: true },
      details: { sessionsEnded: ended },
    })
  })
  return true
}

export async function setAccountStatus(db: Db, input: { userId: string; status: UserStatus; audit: AuditContext }): Promise<boolean> {
  const target = await findTarget(db, input.userId)
  if (!target || target.status === input.status) return false
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
  return true
}

export type RoleChangeOutcome = { ok: true } | { ok: false; status: 400 | 403 | 404; message: string }

/** Gives or takes one role. A privilege change ends the member's sessions, so the next page is signed in afresh. */
export async function changeRole(db: Db, input: {
  userId: string
  role: RoleName
  sectionId: string | null
  grant: boolean
  actor: { id: string; grants: Grants }
  audit: AuditContext
}): Promise<RoleChangeOutcome> {
  if (!mayGrantRole(input.actor.grants, input.role)) return { ok: false, status: 403, message: 'You cannot give or take that role.' }
  if (input.userId === input.actor.id && !input.grant) return { ok: false, status: 400, message: 'You cannot take a role away from yourself.' }
  const target = await findTarget(db, input.userId)
  if (!target) return { ok: false, status: 404, message: 'There is no such account.' }
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
  return { ok: true }
}

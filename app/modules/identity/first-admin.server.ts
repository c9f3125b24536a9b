import type { Kysely } from 'kysely'
import { recordAudit, systemContext } from '#app/modules/audit/audit.server.ts'
import type { Database } from '#db/types.ts'
import { emailIs } from './queries.server.ts'
import { hashToken, newToken } from './sessions.server.ts'

export const FIRST_ADMIN_LINK_TTL_MS = 24 * 60 * 60 * 1000

/**
 * `admin:create`: the first super admin of a new production database. No
 * password is typed on the command line (it would stay in shell history):
 * the account gets a one-time link, valid 24 hours, to choose it.
 */
export async function createFirstAdmin(
  db: Kysely<Database>,
  input: { email: string; displayName: string; siteOrigin: string; chainKey: string },
): Promise<{ ok: true; link: string } | { ok: false; message: string }> {
  const token = newToken()
  return db.transaction().execute(async (trx) => {
    const admins = await trx
      .selectFrom('user_roles')
      .select('user_id')
      .where('role_name', '=', 'super_admin')
      .limit(1)
      .execute()
    if (admins.length > 0) {
      return { ok: false, message: 'A super admin already exists. Invite further admins from /admin/members/accounts.' } as const
    }
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where(emailIs('users', input.email))
      .executeTakeFirst()
    if (taken) return { ok: false, message: `An account with ${input.email} already exists.` } as const
    const user = await trx
      .insertInto('users')
      .values({ email: input.email, display_name: input.displayName })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx.insertInto('user_roles').values({ user_id: user.id, role_name: 'super_admin' }).execute()
    await trx
      .insertInto('password_resets')
      .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(Date.now() + FIRST_ADMIN_LINK_TTL_MS) })
      .execute()
    await recordAudit(trx, systemContext('Command line', input.chainKey), {
      action: 'auth.admin.created',
      entity: ['user', user.id],
      after: { email: input.email, displayName: input.displayName, role: 'super_admin' },
    })
    return { ok: true, link: `${input.siteOrigin}/reset-password?${new URLSearchParams({ token })}` } as const
  })
}

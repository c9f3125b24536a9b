import type { ExpressionBuilder } from 'kysely'
import type { Database, Db } from '#db/types.ts'
import { verifyPassword } from './passwords.server.ts'

/**
 * The identity module's shared reads. Email addresses are compared without
 * regard to case everywhere (the unique index is on lower(email)), so every
 * lookup goes through `emailIs`.
 */

/** `where(emailIs('users', address))`: the case-insensitive match of an email column. */
export function emailIs<Table extends 'users' | 'members' | 'invitations'>(table: Table, address: string) {
  return (eb: ExpressionBuilder<Database, Table>) => eb(eb.fn('lower', [eb.ref(`${table}.email`)]), '=', address.trim().toLowerCase())
}

/**
 * Ends every reset link of the account still waiting to be used: after a
 * reset or a password change, an older link must not set the password again.
 */
export async function endOutstandingResets(db: Db, userId: string): Promise<number> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** The account with this email address, if any: id, name and status only. */
export async function findUserByEmail(db: Db, address: string) {
  return db
    .selectFrom('users')
    .select(['users.id', 'users.email', 'users.display_name', 'users.status'])
    .where(emailIs('users', address))
    .executeTakeFirst()
}

/** Which of these accounts still sign in with `password` (the demo check at start). */
export async function accountsWithPassword(db: Db, emails: string[], password: string): Promise<string[]> {
  if (emails.length === 0) return []
  const rows = await db
    .selectFrom('users')
    .innerJoin('password_credentials', 'password_credentials.user_id', 'users.id')
    .select(['users.email', 'password_credentials.hash'])
    .where((eb) => eb(eb.fn('lower', ['users.email']), 'in', emails.map((email) => email.toLowerCase())))
    .where('users.status', '=', 'active')
    .execute()
  const open = await Promise.all(rows.map(async (row) => ((await verifyPassword(password, row.hash)) ? row.email : null)))
  return open.filter((email): email is string => email !== null)
}

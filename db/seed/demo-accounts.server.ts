import type { Transaction } from 'kysely'
import { hashPassword } from '#app/modules/identity/passwords.server.ts'
import type { Database, RoleName } from '#db/types.ts'

/**
 * The six demo accounts of DESIGN.md, all with the demo password. The leader
 * leads Clarinets (a section-scoped grant) and plays in the band like the
 * musician; the director and librarian are members too; the admins are not.
 */
export const DEMO_ACCOUNTS: { email: string; displayName: string; grants: { role: RoleName; section?: 'clarinets' }[] }[] = [
  { email: 'superadmin@example.org', displayName: 'Sam Superadmin', grants: [{ role: 'super_admin' }] },
  { email: 'admin@example.org', displayName: 'Alex Admin', grants: [{ role: 'admin' }] },
  { email: 'director@example.org', displayName: 'Dana Director', grants: [{ role: 'director' }] },
  { email: 'librarian@example.org', displayName: 'Libby Librarian', grants: [{ role: 'librarian' }] },
  {
    email: 'leader@example.org',
    displayName: 'Lee Leader',
    grants: [{ role: 'musician' }, { role: 'section_leader', section: 'clarinets' }],
  },
  { email: 'musician@example.org', displayName: 'Max Musician', grants: [{ role: 'musician' }] },
]

export async function addDemoAccounts(trx: Transaction<Database>, password: string): Promise<number> {
  const [members, sections, hashes] = await Promise.all([
    trx.selectFrom('members').select(['id', 'email']).where('email', 'like', '%@example.org').execute(),
    trx.selectFrom('sections').select(['id', 'slug']).execute(),
    Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(password))),
  ])
  const memberByEmail = new Map(members.map((member) => [member.email, member.id]))
  const sectionBySlug = new Map(sections.map((section) => [section.slug, section.id]))

  for (const [index, account] of DEMO_ACCOUNTS.entries()) {
    const user = await trx
      .insertInto('users')
      .values({ email: account.email, display_name: account.displayName, member_id: memberByEmail.get(account.email) ?? null })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx.insertInto('password_credentials').values({ user_id: user.id, hash: hashes[index] ?? '' }).execute()
    await trx
      .insertInto('user_roles')
      .values(
        account.grants.map((grant) => ({
          user_id: user.id,
          role_name: grant.role,
          section_id: grant.section ? (sectionBySlug.get(grant.section) ?? null) : null,
        })),
      )
      .execute()
  }
  return DEMO_ACCOUNTS.length
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { can, canAny, type Grants } from './permissions.ts'
import { loadGrants, loadRolePermissions } from './permissions.server.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

async function userWith(email: string, grants: { role: 'super_admin' | 'admin' | 'director' | 'section_leader' | 'librarian' | 'musician'; section?: string }[]) {
  const user = await database.db.insertInto('users').values({ email, display_name: email }).returning('id').executeTakeFirstOrThrow()
  if (grants.length) {
    await database.db
      .insertInto('user_roles')
      .values(grants.map((grant) => ({ user_id: user.id, role_name: grant.role, section_id: grant.section ?? null })))
      .execute()
  }
  return user.id
}

describe('the role hierarchy from the database', () => {
  it('gives each role its own permissions and those of every role it includes', async () => {
    const roles = await loadRolePermissions(database.db)
    const musician = roles.get('musician') ?? new Set()
    expect([...musician]).toEqual(expect.arrayContaining(['music.view.assigned', 'rsvp.respond', 'event.view']))
    // super_admin ⊃ admin ⊃ director ⊃ {section_leader, librarian} ⊃ musician
    const chain = ['musician', 'librarian', 'director', 'admin', 'super_admin'] as const
    for (let i = 1; i < chain.length; i++) {
      const lower = roles.get(chain[i - 1] ?? 'musician') ?? new Set()
      const higher = roles.get(chain[i] ?? 'musician') ?? new Set()
      for (const permission of lower) expect(higher.has(permission), `${chain[i]} holds ${permission}`).toBe(true)
      expect(higher.size).toBeGreaterThan(lower.size)
    }
    expect(roles.get('director')?.has('attendance.mark.section')).toBe(true)
    expect(roles.get('director')?.has('music.upload')).toBe(true)
    // Siblings do not hold each other's permissions.
    expect(roles.get('librarian')?.has('attendance.mark.section')).toBe(false)
    expect(roles.get('section_leader')?.has('music.upload')).toBe(false)
    expect(roles.get('admin')?.has('role.assign.admin')).toBe(false)
  })
})

describe('grants and can()', () => {
  it('denies everything to an account without roles', async () => {
    const grants = await loadGrants(database.db, await userWith('nobody@example.net', []))
    expect(grants).toEqual({ roles: [], permissions: [], sections: {} })
    expect(can(grants, 'event.view')).toBe(false)
    expect(can(null, 'event.view')).toBe(false)
  })

  it('scopes a section leader to their own section', async () => {
    const clarinets = await database.db.insertInto('sections').values({ name: 'Clarinets', slug: 'clarinets' }).returning('id').executeTakeFirstOrThrow()
    const brass = await database.db.insertInto('sections').values({ name: 'Low Brass', slug: 'low-brass' }).returning('id').executeTakeFirstOrThrow()
    const grants = await loadGrants(
      database.db,
      await userWith('leader@example.net', [{ role: 'musician' }, { role: 'section_leader', section: clarinets.id }]),
    )
    expect(can(grants, 'attendance.mark.section', clarinets.id)).toBe(true)
    expect(can(grants, 'attendance.mark.section', brass.id)).toBe(false)
    expect(can(grants, 'attendance.mark.section')).toBe(false)
    expect(can(grants, 'rsvp.respond')).toBe(true)
    expect(can(grants, 'attendance.mark')).toBe(false)
  })

  it('lets an unscoped permission stand for its section-scoped form', () => {
    const director: Grants = { roles: ['director'], permissions: ['attendance.mark'], sections: {} }
    expect(can(director, 'attendance.mark.section', 'any-section')).toBe(true)
    expect(canAny(director, ['cms.edit', 'attendance.mark'])).toBe(true)
    expect(canAny(director, ['cms.edit'])).toBe(false)
  })
})

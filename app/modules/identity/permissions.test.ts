import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { ADMIN_AREA_PERMISSIONS, can, canAny, type Grants, PERMISSIONS } from './permissions.ts'
import { ROLES } from './roles.ts'
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

describe('the lists in the code and in the database', () => {
  it('name the same permissions, each with the reach its suffix says', async () => {
    const stored = await database.db.selectFrom('permissions').select(['name']).orderBy('name').execute()
    expect(stored.map((row) => row.name)).toEqual([...PERMISSIONS].sort())
    // Suffixes: .own, .section, .assigned, .all, or none (the whole band).
    for (const name of PERMISSIONS) expect(name).toMatch(/^[a-z]+(\.[a-z]+)*$/)
    for (const name of ADMIN_AREA_PERMISSIONS) expect(PERMISSIONS).toContain(name)
  })

  it('name the same roles, highest first', async () => {
    const stored = await database.db.selectFrom('roles').select(['name', 'label', 'rank']).orderBy('rank', 'desc').orderBy('name').execute()
    expect(new Set(stored.map((row) => row.name))).toEqual(new Set(ROLES.map((role) => role.name)))
    for (const role of ROLES) expect(stored.find((row) => row.name === role.name)?.label).toBe(role.label)
    const rank = (name: string) => stored.find((row) => row.name === name)?.rank ?? -1
    for (let i = 1; i < ROLES.length; i++) expect(rank(ROLES[i - 1]?.name ?? '')).toBeGreaterThanOrEqual(rank(ROLES[i]?.name ?? ''))
  })
})

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

describe('who may give which role (finding 15)', () => {
  it('lets a director invite musicians only, an admin up to director, a super admin every role', async () => {
    const { mayGrantRole } = await import('./invitations.server.ts')
    const roles = await loadRolePermissions(database.db)
    const grantsOf = (role: 'director' | 'admin' | 'super_admin'): Grants => ({ roles: [role], permissions: [...(roles.get(role) ?? [])], sections: {} })
    const allowed = (role: 'director' | 'admin' | 'super_admin') =>
      (['musician', 'section_leader', 'librarian', 'director', 'admin', 'super_admin'] as const).filter((target) => mayGrantRole(grantsOf(role), target))
    expect(allowed('director')).toEqual(['musician'])
    expect(allowed('admin')).toEqual(['musician', 'section_leader', 'librarian', 'director'])
    expect(allowed('super_admin')).toEqual(['musician', 'section_leader', 'librarian', 'director', 'admin', 'super_admin'])
  })
})

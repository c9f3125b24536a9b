import type { Kysely } from 'kysely'
import type { Database, RoleName } from '#db/types.ts'
import type { Grants } from './permissions.ts'

/**
 * Roles and permissions are data (migration 0006), read once per process: a
 * role holds its own permissions and, through role_inclusions, those of every
 * role it includes (director ⊃ section leader, librarian ⊃ musician).
 * Kept per database handle, so two apps in one process (tests) stay apart.
 */
const rolePermissions = new WeakMap<Kysely<Database>, Promise<Map<RoleName, Set<string>>>>()

export function loadRolePermissions(db: Kysely<Database>): Promise<Map<RoleName, Set<string>>> {
  let known = rolePermissions.get(db)
  if (!known) {
    known = readRolePermissions(db).catch((error: unknown) => {
      rolePermissions.delete(db)
      throw error
    })
    rolePermissions.set(db, known)
  }
  return known
}

async function readRolePermissions(db: Kysely<Database>) {
  const [roles, inclusions, grants] = await Promise.all([
    db.selectFrom('roles').select('name').execute(),
    db.selectFrom('role_inclusions').select(['role_name', 'included_role_name']).execute(),
    db.selectFrom('role_permissions').select(['role_name', 'permission_name']).execute(),
  ])
  const own = new Map<RoleName, string[]>()
  for (const grant of grants) own.set(grant.role_name, [...(own.get(grant.role_name) ?? []), grant.permission_name])
  const includes = new Map<RoleName, RoleName[]>()
  for (const edge of inclusions) includes.set(edge.role_name, [...(includes.get(edge.role_name) ?? []), edge.included_role_name])

  const effective = new Map<RoleName, Set<string>>()
  const resolve = (role: RoleName, path: RoleName[] = []): Set<string> => {
    const known = effective.get(role)
    if (known) return known
    if (path.includes(role)) throw new Error(`Role inclusion cycle: ${[...path, role].join(' → ')}`)
    const result = new Set(own.get(role) ?? [])
    for (const included of includes.get(role) ?? []) for (const name of resolve(included, [...path, role])) result.add(name)
    effective.set(role, result)
    return result
  }
  for (const role of roles) resolve(role.name)
  return effective
}

/** What a user may do: unscoped permissions, and per-section ones from section-scoped grants. */
export async function loadGrants(db: Kysely<Database>, userId: string): Promise<Grants> {
  const [byRole, rows] = await Promise.all([
    loadRolePermissions(db),
    db.selectFrom('user_roles').select(['role_name', 'section_id']).where('user_id', '=', userId).execute(),
  ])
  return grantsOf(byRole, rows)
}

/** A user's grants from their role rows (band-wide, or for one section). */
export function grantsOf(byRole: Map<RoleName, Set<string>>, rows: readonly { role_name: RoleName; section_id: string | null }[]): Grants {
  const permissions = new Set<string>()
  const sections: Record<string, string[]> = {}
  for (const row of rows) {
    const names = byRole.get(row.role_name) ?? new Set<string>()
    if (row.section_id === null) {
      for (const name of names) permissions.add(name)
    } else {
      sections[row.section_id] = [...new Set([...(sections[row.section_id] ?? []), ...names])]
    }
  }
  return { roles: [...new Set(rows.map((row) => row.role_name))], permissions: [...permissions].sort(), sections }
}

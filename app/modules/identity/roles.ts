import type { RoleName } from '#db/types.ts'

/**
 * The roles, highest first, with the words the band reads. The database
 * (migration 0006) is the source of what each role may do; this list is what
 * forms and pages show, and a test checks it against the database.
 */
export const ROLES = [
  { name: 'super_admin', label: 'Super admin' },
  { name: 'admin', label: 'Admin' },
  { name: 'director', label: 'Director' },
  { name: 'section_leader', label: 'Section leader' },
  { name: 'librarian', label: 'Librarian' },
  { name: 'musician', label: 'Musician' },
] as const satisfies readonly { name: RoleName; label: string }[]

export const ROLE_NAMES = ROLES.map((role) => role.name) as [RoleName, ...RoleName[]]

/** Roles whose holders run the site: two-step sign-in may be required of them, and only super admins act on them. */
export const ADMIN_ROLES = ['super_admin', 'admin'] as const satisfies readonly RoleName[]

export function roleLabel(role: RoleName): string {
  return ROLES.find((entry) => entry.name === role)?.label ?? role
}

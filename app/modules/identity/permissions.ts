/**
 * Permission checks that run anywhere, on the server and in components, from
 * the grants the root loader sends. The server always checks again; the UI
 * uses `can()` only to hide what the user cannot do.
 */
export type Grants = {
  roles: string[]
  /** Permissions held everywhere. */
  permissions: string[]
  /** Permissions held for one section only (a section leader's), by section id. */
  sections: Record<string, string[]>
}

/**
 * `can(grants, 'music.upload')`; for a section-scoped permission pass the
 * section: `can(grants, 'attendance.mark.section', sectionId)` is true for a
 * leader of that section, and for anyone holding `attendance.mark` everywhere.
 */
export function can(grants: Grants | null | undefined, permission: string, sectionId?: string): boolean {
  if (!grants) return false
  if (grants.permissions.includes(permission)) return true
  if (sectionId === undefined) return false
  if (permission.endsWith('.section') && grants.permissions.includes(permission.slice(0, -'.section'.length))) return true
  return grants.sections[sectionId]?.includes(permission) ?? false
}

export function canAny(grants: Grants | null | undefined, permissions: readonly string[]): boolean {
  return permissions.some((permission) => can(grants, permission))
}

/** Holding any of these opens /admin; each admin page then asks for its own. */
export const ADMIN_AREA_PERMISSIONS = [
  'member.edit',
  'user.invite',
  'user.manage',
  'role.assign',
  'cms.edit',
  'audit.view',
  'settings.edit',
  'outbox.view',
  'health.view',
  'trash.manage',
  'reports.view',
] as const

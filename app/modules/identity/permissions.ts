/**
 * Every permission the app checks. The database holds the same list (seeded by
 * migrations, with what each role holds); a test checks the two agree.
 *
 * Suffixes say how far a permission reaches: `.own` (the member's own
 * records), `.section` (a section leader's own section, granted per section),
 * `.assigned` (what the member is given, e.g. parts for their upcoming
 * events), `.all` (everyone's). A permission without a suffix acts on the
 * whole band. Holding `x` everywhere also counts for `x.section`.
 */
export const PERMISSIONS = [
  'music.view.assigned',
  'music.view.all',
  'music.upload',
  'music.edit',
  'music.delete',
  'event.view',
  'event.create',
  'event.edit',
  'setlist.edit',
  'rsvp.respond',
  'availability.edit.own',
  'profile.edit.own',
  'directory.view',
  'attendance.mark',
  'attendance.mark.section',
  'member.view.section',
  'member.view.all',
  'member.edit',
  'announcement.create',
  'reports.view',
  'user.invite',
  'user.manage',
  'role.assign',
  'role.assign.admin',
  'session.revoke.all',
  'cms.edit',
  'cms.publish',
  'audit.view',
  'settings.edit',
  'outbox.view',
  'health.view',
  'trash.manage',
] as const

export type Permission = (typeof PERMISSIONS)[number]

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
export function can(grants: Grants | null | undefined, permission: Permission, sectionId?: string): boolean {
  if (!grants) return false
  if (grants.permissions.includes(permission)) return true
  if (sectionId === undefined) return false
  if (permission.endsWith('.section') && grants.permissions.includes(permission.slice(0, -'.section'.length))) return true
  return grants.sections[sectionId]?.includes(permission) ?? false
}

export function canAny(grants: Grants | null | undefined, permissions: readonly Permission[]): boolean {
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
] as const satisfies readonly Permission[]

/** Whether `permission` is held anywhere: everywhere, or for at least one section. */
export function holdsAnywhere(grants: Grants | null | undefined, permission: Permission): boolean {
  if (!grants) return false
  return grants.permissions.includes(permission) || Object.values(grants.sections).some((held) => held.includes(permission))
}

/**
 * Who may open /admin: any admin-area permission, or seeing members (a
 * director sees everyone; a section leader the members of their section, on
 * the roster and member pages only).
 */
export function mayOpenAdmin(grants: Grants | null | undefined): boolean {
  return canAny(grants, ADMIN_AREA_PERMISSIONS) || can(grants, 'member.view.all') || holdsAnywhere(grants, 'member.view.section')
}

/** The sections whose members `grants` may see, or 'all'. */
export function visibleSections(grants: Grants | null | undefined): 'all' | string[] {
  if (!grants) return []
  if (can(grants, 'member.view.all') || can(grants, 'member.edit')) return 'all'
  return Object.entries(grants.sections)
    .filter(([, held]) => held.includes('member.view.section'))
    .map(([sectionId]) => sectionId)
}

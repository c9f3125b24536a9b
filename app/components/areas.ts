import { href } from 'react-router'
import { attendanceReach, reachesAnyone } from '#app/modules/events/attendance-schema.ts'
import { ADMIN_AREA_PERMISSIONS, can, canAny, type Grants, visibleSections } from '#app/modules/identity/permissions.ts'

/**
 * The signed-in areas and their own navigation, in one place: the area
 * layouts render them, and so does the root error page when an area's
 * middleware refused the request before any loader ran.
 */
export type AreaName = 'portal' | 'library' | 'admin' | 'settings'
export type AreaLink = { to: string; label: string; end?: boolean }

export const AREA_TITLES: Record<AreaName, string> = {
  portal: 'Members’ portal',
  library: 'Music library',
  admin: 'Admin',
  settings: 'Settings',
}

export function areaLinks(area: AreaName, grants: Grants | null | undefined): AreaLink[] {
  switch (area) {
    case 'portal':
      return [
        { to: href('/portal'), label: 'Overview', end: true },
        { to: href('/portal/events'), label: 'Schedule' },
        { to: href('/portal/availability'), label: 'Dates away' },
        { to: href('/portal/calendar'), label: 'Calendar' },
        ...(can(grants, 'event.edit') ? [{ to: href('/portal/venues'), label: 'Venues' }] : []),
        ...(can(grants, 'member.view.all') ? [{ to: href('/portal/coverage'), label: 'Coverage' }] : []),
        ...(reachesAnyone(attendanceReach(grants)) ? [{ to: href('/portal/attendance'), label: 'Attendance' }] : []),
        { to: href('/portal/directory'), label: 'Directory' },
        { to: href('/portal/profile'), label: 'My profile' },
      ]
    case 'library':
      return [
        { to: href('/library'), label: 'Catalogue', end: true },
        ...(can(grants, 'music.edit') ? [{ to: href('/library/people'), label: 'Composers & arrangers' }] : []),
        ...(can(grants, 'music.edit') ? [{ to: href('/library/deleted'), label: 'Deleted' }] : []),
      ]
    case 'admin':
      return [
        { to: href('/admin'), label: 'Dashboard', end: true },
        ...(visibleSections(grants) === 'all' || visibleSections(grants).length ? [{ to: href('/admin/members'), label: 'Members', end: true }] : []),
        ...(canAny(grants, ['user.invite', 'user.manage']) ? [{ to: href('/admin/members/accounts'), label: 'Accounts' }] : []),
        ...(can(grants, 'outbox.view') ? [{ to: href('/admin/outbox'), label: 'Outbox' }] : []),
      ]
    case 'settings':
      return [{ to: href('/settings/security'), label: 'Sign-in and security' }]
  }
}

/** Whether `area` names one of the areas (for error data read back on the client). */
export function isAreaName(value: unknown): value is AreaName {
  return value === 'portal' || value === 'library' || value === 'admin' || value === 'settings'
}

export { ADMIN_AREA_PERMISSIONS }

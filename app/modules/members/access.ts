import { type Grants, visibleSections } from '#app/modules/identity/permissions.ts'

/**
 * Who sees which members: `member.view.all` (directors and up) everyone; a
 * section leader (`member.view.section`) the members who play in their
 * section. Editing is `member.edit` (admins).
 */
export function mayViewRoster(grants: Grants | null | undefined): boolean {
  const visible = visibleSections(grants)
  return visible === 'all' || visible.length > 0
}

export function mayViewMember(grants: Grants | null | undefined, memberSections: readonly string[]): boolean {
  const visible = visibleSections(grants)
  return visible === 'all' || memberSections.some((section) => visible.includes(section))
}

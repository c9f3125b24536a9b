import { can, type Grants } from '#app/modules/identity/permissions.ts'

/**
 * Who sees what in the member directory (issue 8, item 3), in one place:
 *
 * - everyone with `directory.view`: listed active members, with the e-mail
 *   and phone each chose to show;
 * - a section's leader (`member.view.section` granted for that section):
 *   that section's e-mail, phone and emergency contacts whatever the member
 *   chose, members not listed included (a leader needs them at rehearsal);
 * - `member.view.all` (director, admins): every listed member's e-mail and
 *   phone, but emergency contacts only where they lead that section too.
 *
 * Nobody else ever gets emergency contacts.
 */

/** A leader of this very section: a grant for it, not a band-wide permission that includes it. */
export function leadsSection(grants: Grants, sectionId: string | null): boolean {
  return sectionId !== null && (grants.sections[sectionId]?.includes('member.view.section') ?? false)
}

/** The sections this viewer leads (their members are shown even when not listed). */
export function ledSections(grants: Grants): string[] {
  return Object.keys(grants.sections).filter((sectionId) => leadsSection(grants, sectionId))
}

export type Visibility = {
  /** E-mail and phone whatever the member chose. */
  contactDetails: boolean
  emergencyContacts: boolean
}

export function visibilityOf(grants: Grants, sectionId: string | null): Visibility {
  const leader = leadsSection(grants, sectionId)
  return {
    contactDetails: leader || can(grants, 'member.view.all') || (sectionId !== null && can(grants, 'member.view.section', sectionId)),
    emergencyContacts: leader,
  }
}

/** What of one member's contact details this viewer gets. */
export function shownContacts(
  grants: Grants,
  member: { sectionId: string | null; email: string | null; phone: string | null; showEmail: boolean; showPhone: boolean },
): { email: string | null; phone: string | null; emergency: boolean } {
  const visibility = visibilityOf(grants, member.sectionId)
  return {
    email: visibility.contactDetails || member.showEmail ? member.email : null,
    phone: visibility.contactDetails || member.showPhone ? member.phone : null,
    emergency: visibility.emergencyContacts,
  }
}

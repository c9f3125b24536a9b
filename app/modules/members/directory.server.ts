import { memberNameSql } from '#app/modules/events/roll.server.ts'
import { sql } from 'kysely'
import type { Grants } from '#app/modules/identity/permissions.ts'
import type { DataKeyRing } from '#app/platform/secret-box.server.ts'
import type { Db } from '#db/types.ts'
import { ledSections, shownContacts } from './directory-visibility.ts'
import { type EmergencyContact, tryOpenEmergencyContacts } from './emergency-contacts.server.ts'

/**
 * The member directory (/portal/directory): active members of the band by
 * section (of their primary instrument), in the sections' printed order, then
 * by surname. What each entry shows follows directory-visibility.ts; the
 * sealed emergency contacts are opened only for entries the viewer may see.
 */

/** Where a page starts: the last entry of the page before, in the list's order. */
export type DirectoryCursor = { sectionOrder: number; sectionName: string; lastName: string; firstName: string; id: string }

export type DirectoryEntry = {
  id: string
  name: string
  preferredName: string | null
  pronouns: string | null
  instrument: string | null
  chair: number | null
  sectionId: string | null
  email: string | null
  phone: string | null
  /** Listed in the directory by their own choice; false: shown only to their section's leader. */
  listed: boolean
  /** Only for the viewer who may see them; undefined for everyone else. */
  emergency?: { ok: boolean; contacts: EmergencyContact[] }
}

export type DirectorySection = { id: string | null; name: string; slug: string; entries: DirectoryEntry[] }

// Members without a section of their own come last.
const NO_SECTION_ORDER = 1_000_000

/** `%` and `_` in a search are letters, not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`

export async function listDirectory(
  db: Db,
  options: { grants: Grants; keys: DataKeyRing; search?: string; after?: DirectoryCursor; limit: number },
): Promise<{ sections: DirectorySection[]; next: DirectoryCursor | null }> {
  const led = ledSections(options.grants)
  const sectionOrder = sql<number>`coalesce(sections.sort_order, ${NO_SECTION_ORDER})`
  // Two sections with the same sort order still keep their members together.
  const sectionName = sql<string>`coalesce(sections.name, '')`
  let query = db
    .selectFrom('members')
    // The primary instrument gives the section and chair; a member without one is still listed.
    .leftJoin('member_instruments', (join) =>
      join.onRef('member_instruments.member_id', '=', 'members.id').on('member_instruments.is_primary', '=', true),
    )
    .leftJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .leftJoin('sections', 'sections.id', 'instruments.section_id')
    .select([
      'members.id',
      'members.first_name as firstName',
      'members.last_name as lastName',
      'members.preferred_name as preferredName',
      'members.pronouns',
      'members.email',
      'members.phone',
      'members.directory_listed as listed',
      'members.directory_show_email as showEmail',
      'members.directory_show_phone as showPhone',
      'members.emergency_contacts_sealed as sealed',
      'instruments.name as instrument',
      'member_instruments.chair',
      'sections.id as sectionId',
      'sections.name as sectionName',
      'sections.slug as sectionSlug',
      sectionOrder.as('sectionOrder'),
      sectionName.as('sectionSortName'),
    ])
    .where('members.deleted_at', 'is', null)
    .where('members.status', '=', 'active')
    .where('members.kind', '=', 'member')
    .where((eb) =>
      eb.or([eb('members.directory_listed', '=', true), ...(led.length > 0 ? [eb('instruments.section_id', 'in', led)] : [])]),
    )
  const search = options.search?.trim()
  if (search) {
    const pattern = likePattern(search)
    query = query.where((eb) =>
      eb.or([
        eb('members.first_name', 'ilike', pattern),
        eb('members.last_name', 'ilike', pattern),
        eb('members.preferred_name', 'ilike', pattern),
        eb(sql<string>`members.first_name || ' ' || members.last_name`, 'ilike', pattern),
        eb(memberNameSql, 'ilike', pattern),
      ]),
    )
  }
  const { after } = options
  if (after) {
    query = query.where(
      sql<boolean>`(${sectionOrder}, ${sectionName}, members.last_name, members.first_name, members.id) > (${after.sectionOrder}, ${after.sectionName}, ${after.lastName}, ${after.firstName}, ${after.id}::uuid)`,
    )
  }
  const rows = await query
    .orderBy(sectionOrder)
    .orderBy(sectionName)
    .orderBy('members.last_name')
    .orderBy('members.first_name')
    .orderBy('members.id')
    .limit(options.limit + 1)
    .execute()

  const sections: DirectorySection[] = []
  const seen = new Set<string>()
  for (const row of rows.slice(0, options.limit)) {
    // Two instruments marked primary would list a member twice.
    if (seen.has(row.id)) continue
    seen.add(row.id)
    const shown = shownContacts(options.grants, row)
    const entry: DirectoryEntry = {
      id: row.id,
      name: `${row.firstName} ${row.lastName}`,
      preferredName: row.preferredName,
      pronouns: row.pronouns,
      instrument: row.instrument,
      chair: row.chair,
      sectionId: row.sectionId,
      email: shown.email,
      phone: shown.phone,
      listed: row.listed,
      ...(shown.emergency ? { emergency: tryOpenEmergencyContacts(row.sealed, options.keys, row.id) } : {}),
    }
    const last = sections.at(-1)
    if (last && last.id === row.sectionId) last.entries.push(entry)
    else sections.push({ id: row.sectionId, name: row.sectionName ?? 'No section yet', slug: row.sectionSlug ?? 'no-section', entries: [entry] })
  }
  const lastShown = rows[options.limit - 1]
  return {
    sections,
    next:
      rows.length > options.limit && lastShown
        ? {
            sectionOrder: Number(lastShown.sectionOrder),
            sectionName: lastShown.sectionSortName,
            lastName: lastShown.lastName,
            firstName: lastShown.firstName,
            id: lastShown.id,
          }
        : null,
  }
}

/** The cursor as one query parameter, and back (anything malformed starts at the top). */
export function encodeCursor(cursor: DirectoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.sectionOrder, cursor.sectionName, cursor.lastName, cursor.firstName, cursor.id])).toString('base64url')
}

export function decodeCursor(text: string | null): DirectoryCursor | undefined {
  if (!text) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    if (!Array.isArray(value) || value.length !== 5) return undefined
    const [sectionOrder, sectionName, lastName, firstName, id] = value as unknown[]
    if (typeof sectionOrder !== 'number' || !Number.isInteger(sectionOrder)) return undefined
    if (typeof sectionName !== 'string' || typeof lastName !== 'string' || typeof firstName !== 'string') return undefined
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined
    return { sectionOrder, sectionName, lastName, firstName, id }
  } catch {
    return undefined
  }
}

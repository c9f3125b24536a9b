import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { DataKeyRing } from '#app/platform/secret-box.server.ts'
import type { Database, Db, MemberStatus } from '#db/types.ts'
import { type Kysely, sql } from 'kysely'
import { type EmergencyContact, sealEmergencyContacts, tryOpenEmergencyContacts } from './emergency-contacts.server.ts'
import { EMERGENCY_CONTACT_SLOTS, type ProfileInput } from './profile-schema.ts'

/**
 * A member's own profile: what they may change themselves (names they go by,
 * contact details, emergency contacts, directory choices) and what the band
 * keeps about them (instruments, chair, status, joined date), shown read-only.
 */

export type OwnProfile = {
  id: string
  firstName: string
  lastName: string
  preferredName: string | null
  pronouns: string | null
  email: string | null
  phone: string | null
  status: MemberStatus
  joinedOn: string | null
  directoryListed: boolean
  directoryShowEmail: boolean
  directoryShowPhone: boolean
  instruments: { name: string; isPrimary: boolean; chair: number | null; section: string | null }[]
  emergencyContacts: EmergencyContact[]
  /** The sealed contacts would not open (a key was lost): the member can enter them again. */
  emergencyContactsUnreadable: boolean
}

async function readMemberRow(db: Db, memberId: string) {
  return db
    .selectFrom('members')
    .select([
      'id',
      'first_name',
      'last_name',
      'preferred_name',
      'pronouns',
      'email',
      'phone',
      'status',
      'joined_on',
      'directory_listed',
      'directory_show_email',
      'directory_show_phone',
      'emergency_contacts_sealed',
    ])
    .where('id', '=', memberId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

/** The signed-in member's profile, or undefined when the member record is gone. */
export async function getOwnProfile(db: Db, memberId: string, keys: DataKeyRing): Promise<OwnProfile | undefined> {
  const [row, instruments] = await Promise.all([
    readMemberRow(db, memberId),
    db
      .selectFrom('member_instruments')
      .innerJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
      .leftJoin('sections', 'sections.id', 'instruments.section_id')
      .select(['instruments.name', 'member_instruments.is_primary as isPrimary', 'member_instruments.chair', 'sections.name as section'])
      .where('member_instruments.member_id', '=', memberId)
      .orderBy('member_instruments.is_primary', 'desc')
      .orderBy('instruments.sort_order')
      .execute(),
  ])
  if (!row) return undefined
  const opened = tryOpenEmergencyContacts(row.emergency_contacts_sealed, keys, row.id)
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    preferredName: row.preferred_name,
    pronouns: row.pronouns,
    email: row.email,
    phone: row.phone,
    status: row.status,
    joinedOn: row.joined_on,
    directoryListed: row.directory_listed,
    directoryShowEmail: row.directory_show_email,
    directoryShowPhone: row.directory_show_phone,
    instruments,
    emergencyContacts: opened.contacts,
    emergencyContactsUnreadable: !opened.ok,
  }
}

/** The filled-in emergency contacts of the form, in order (a blank group is none). */
export function emergencyContactsOf(input: ProfileInput): EmergencyContact[] {
  return EMERGENCY_CONTACT_SLOTS.flatMap((slot) => {
    const name = input[`contact${slot}Name`]
    const phone = input[`contact${slot}Phone`]
    return name && phone ? [{ name, relationship: input[`contact${slot}Relationship`] ?? null, phone }] : []
  })
}

/**
 * Saves the member's own profile. The member is the signed-in user's own
 * (`memberId` comes from the session, never from the form). The audit row
 * keeps the plain fields that changed and only *that* the emergency contacts
 * changed, never their values.
 */
export async function updateOwnProfile(
  db: Kysely<Database>,
  input: { memberId: string; profile: ProfileInput; keys: DataKeyRing; audit: AuditContext },
): Promise<{ ok: true } | { ok: false; field?: 'email'; message: string }> {
  const { memberId, profile, keys } = input
  try {
    return await saveOwnProfile(db, memberId, profile, keys, input.audit)
  } catch (error) {
    // Two members saving the same address at once: the unique index decides.
    if (isEmailTaken(error)) return { ok: false, field: 'email', message: EMAIL_TAKEN }
    throw error
  }
}

const EMAIL_TAKEN = 'Another member of the band already uses this e-mail address. Enter your own.'

function isEmailTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown }
  return code === '23505' && (constraint === undefined || constraint === 'members_email_key')
}

function saveOwnProfile(db: Kysely<Database>, memberId: string, profile: ProfileInput, keys: DataKeyRing, audit: AuditContext): Promise<{ ok: true } | { ok: false; field?: 'email'; message: string }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('members')
      .select(['id', 'preferred_name', 'pronouns', 'email', 'phone', 'directory_listed', 'directory_show_email', 'directory_show_phone', 'emergency_contacts_sealed'])
      .where('id', '=', memberId)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst()
    if (!row) return { ok: false, message: 'Your member record is no longer there, so there is nothing to save. Ask an administrator.' }
    if (profile.email && profile.email.toLowerCase() !== row.email?.toLowerCase()) {
      const taken = await trx
        .selectFrom('members')
        .select('id')
        .where(sql<string>`lower(email)`, '=', profile.email.toLowerCase())
        .where('deleted_at', 'is', null)
        .where('id', '!=', memberId)
        .executeTakeFirst()
      if (taken) return { ok: false, field: 'email', message: EMAIL_TAKEN }
    }

    const after = {
      preferred_name: profile.preferredName ?? null,
      pronouns: profile.pronouns ?? null,
      email: profile.email ?? null,
      phone: profile.phone ?? null,
      directory_listed: profile.directoryListed ?? false,
      directory_show_email: profile.directoryShowEmail ?? false,
      directory_show_phone: profile.directoryShowPhone ?? false,
    }
    const { emergency_contacts_sealed: sealedBefore, id: _id, ...before } = row
    const contacts = emergencyContactsOf(profile)
    const opened = tryOpenEmergencyContacts(sealedBefore, keys, memberId)
    const contactsChanged = !opened.ok || JSON.stringify(opened.contacts) !== JSON.stringify(contacts)

    await trx
      .updateTable('members')
      .set({
        ...after,
        // Sealed afresh only when they changed: an unchanged value keeps its ciphertext.
        ...(contactsChanged ? { emergency_contacts_sealed: sealEmergencyContacts(contacts, keys, memberId) } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', memberId)
      .execute()
    await recordAudit(trx, audit, {
      action: 'profile.update',
      entity: ['member', memberId],
      before,
      after,
      ...(contactsChanged ? { details: { emergencyContacts: `changed (now ${contacts.length})` } } : {}),
    })
    return { ok: true }
  })
}

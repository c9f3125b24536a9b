import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import { type DataKeyRing, openWithKeyRing, SecretBoxError, sealedKeyId, sealWithKeyRing } from '#app/platform/secret-box.server.ts'
import type { Kysely } from 'kysely'
import type { Database } from '#db/types.ts'

/**
 * Members' emergency contacts, sealed at rest (AES-256-GCM with
 * MEMBER_DATA_KEY, see docs/operations/member-data-key.md). The column holds
 * one sealed JSON list per member, bound to that member's row; only this
 * module opens it, and only the member and their section's leader see it.
 */

export type EmergencyContact = { name: string; relationship: string | null; phone: string }

export const MAX_EMERGENCY_CONTACTS = 2

const contextOf = (memberId: string) => `member:${memberId.toLowerCase()}:emergency_contacts`

/** The sealed column value for these contacts; null when there are none. */
export function sealEmergencyContacts(contacts: EmergencyContact[], keys: DataKeyRing, memberId: string): string | null {
  if (contacts.length === 0) return null
  return sealWithKeyRing(JSON.stringify(contacts.slice(0, MAX_EMERGENCY_CONTACTS)), keys, contextOf(memberId))
}

/**
 * The contacts in a sealed column value (none for null).
 * @throws SecretBoxError when it was altered, moved from another member, or sealed with a key not configured.
 */
export function openEmergencyContacts(sealed: string | null, keys: DataKeyRing, memberId: string): EmergencyContact[] {
  if (sealed === null) return []
  const parsed: unknown = JSON.parse(openWithKeyRing(sealed, keys, contextOf(memberId)))
  if (!Array.isArray(parsed)) throw new SecretBoxError('Emergency contacts opened, but are not a list')
  return parsed.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return []
    const { name, relationship, phone } = item as Record<string, unknown>
    if (typeof name !== 'string' || typeof phone !== 'string') return []
    return [{ name, relationship: typeof relationship === 'string' ? relationship : null, phone }]
  })
}

/** What a reader gets: the contacts, or that they could not be opened (never a 500 for the whole page). */
export type OpenedContacts = { ok: true; contacts: EmergencyContact[] } | { ok: false; contacts: []; reason: string }

export function tryOpenEmergencyContacts(sealed: string | null, keys: DataKeyRing, memberId: string): OpenedContacts {
  try {
    return { ok: true, contacts: openEmergencyContacts(sealed, keys, memberId) }
  } catch (error) {
    if (error instanceof SecretBoxError || error instanceof SyntaxError) return { ok: false, contacts: [], reason: error.message }
    throw error
  }
}

export class RekeyError extends Error {
  override name = 'RekeyError'
}

/**
 * Seals every member's emergency contacts again with the current key, in one
 * transaction: either every row moves to the new key or none does (a row
 * that will not open stops it, naming the rows). Audited once, with counts only.
 */
export async function rekeyEmergencyContacts(
  db: Kysely<Database>,
  keys: DataKeyRing,
  audit: AuditContext,
): Promise<{ resealed: number; alreadyCurrent: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('members')
      .select(['id', 'emergency_contacts_sealed'])
      .where('emergency_contacts_sealed', 'is not', null)
      .orderBy('id')
      .forUpdate()
      .execute()
    const failures: string[] = []
    let alreadyCurrent = 0
    for (const row of rows) {
      const sealed = row.emergency_contacts_sealed ?? ''
      if (sealedKeyId(sealed) === keys.current.id) alreadyCurrent += 1
      const opened = tryOpenEmergencyContacts(sealed, keys, row.id)
      if (!opened.ok) {
        failures.push(`member ${row.id}: ${opened.reason}`)
        continue
      }
      await trx
        .updateTable('members')
        .set({ emergency_contacts_sealed: sealEmergencyContacts(opened.contacts, keys, row.id) })
        .where('id', '=', row.id)
        .execute()
    }
    if (failures.length > 0) {
      throw new RekeyError(`Nothing was changed: ${failures.length} of ${rows.length} members' emergency contacts could not be opened.\n${failures.slice(0, 10).join('\n')}`)
    }
    await recordAudit(trx, audit, {
      action: 'member.emergency_contacts.rekey',
      entity: ['member', null],
      details: { resealed: rows.length, alreadyCurrent, keyId: keys.current.id },
    })
    return { resealed: rows.length, alreadyCurrent }
  })
}

import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveMemberDataKeys } from '#app/platform/config.server.ts'
import { SecretBoxError } from '#app/platform/secret-box.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { systemContext } from '#app/modules/audit/audit.server.ts'
import {
  type EmergencyContact,
  openEmergencyContacts,
  RekeyError,
  rekeyEmergencyContacts,
  sealEmergencyContacts,
  tryOpenEmergencyContacts,
} from './emergency-contacts.server.ts'

// Emergency contacts at rest (issue 8, item 2): AES-256-GCM under
// MEMBER_DATA_KEY, a key id in every value, rotation by members:rekey.

const sessionSecret = 'emergency-contacts-test-secret-0123456789'
const chainKey = 'emergency-contacts-test-chain-key-0123456789'
const oldKey = randomBytes(32)
const newKey = randomBytes(32)
const withOld = resolveMemberDataKeys({ memberDataKey: oldKey, memberDataKeyPrevious: undefined }, sessionSecret)
const rotating = resolveMemberDataKeys({ memberDataKey: newKey, memberDataKeyPrevious: oldKey }, sessionSecret)
const withNewOnly = resolveMemberDataKeys({ memberDataKey: newKey, memberDataKeyPrevious: undefined }, 'another-session-secret-0123456789abcdef')

const contacts: EmergencyContact[] = [
  { name: 'Jo Marsh', relationship: 'partner', phone: '07700 900111' },
  { name: 'Pat Marsh', relationship: null, phone: '+44 20 7946 0999' },
]

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database?.drop())

async function addMember(first: string, sealedWith?: Parameters<typeof sealEmergencyContacts>[1]): Promise<string> {
  const { id } = await database.db.insertInto('members').values({ first_name: first, last_name: 'Marsh' }).returning('id').executeTakeFirstOrThrow()
  if (sealedWith) {
    await database.db.updateTable('members').set({ emergency_contacts_sealed: sealEmergencyContacts(contacts, sealedWith, id) }).where('id', '=', id).execute()
  }
  return id
}

const sealedOf = async (id: string) =>
  (await database.db.selectFrom('members').select('emergency_contacts_sealed').where('id', '=', id).executeTakeFirstOrThrow()).emergency_contacts_sealed

describe('sealed emergency contacts', () => {
  it('never keep the plain text in the column, and open again to the same contacts', async () => {
    const id = await addMember('Robin', withOld)
    const sealed = await sealedOf(id)
    expect(sealed).toMatch(/^k1\.[0-9a-f]{8}\./)
    for (const secret of ['Jo Marsh', 'partner', '07700 900111', '900111', '7946']) expect(sealed).not.toContain(secret)
    expect(openEmergencyContacts(sealed, withOld, id)).toEqual(contacts)
    // The key id says which key sealed it; sealing twice never gives the same text.
    expect(sealed?.split('.')[1]).toBe(withOld.current.id)
    expect(sealEmergencyContacts(contacts, withOld, id)).not.toBe(sealEmergencyContacts(contacts, withOld, id))
    expect(sealEmergencyContacts([], withOld, id)).toBeNull()
    expect(openEmergencyContacts(null, withOld, id)).toEqual([])
  })

  it('detect tampering: a changed character, a swapped key id, another member’s value', async () => {
    const id = await addMember('Sam', withOld)
    const other = await addMember('Alex')
    const sealed = (await sealedOf(id)) ?? ''
    const parts = sealed.split('.')
    const ciphertext = parts[4] ?? ''
    const flipped = [...parts.slice(0, 4), `${ciphertext[0] === 'A' ? 'B' : 'A'}${ciphertext.slice(1)}`].join('.')
    expect(() => openEmergencyContacts(flipped, withOld, id)).toThrow(/altered or belongs to another record/)
    // The same value copied onto another member's row does not open there.
    expect(() => openEmergencyContacts(sealed, withOld, other)).toThrow(SecretBoxError)
    // A key id rewritten to another configured key is refused too (the id is authenticated).
    const relabelled = [parts[0], rotating.current.id, ...parts.slice(2)].join('.')
    expect(() => openEmergencyContacts(relabelled, rotating, id)).toThrow(/altered/)
    expect(() => openEmergencyContacts('v1.abc.def.ghi', withOld, id)).toThrow(/malformed/)
    expect(tryOpenEmergencyContacts(flipped, withOld, id)).toMatchObject({ ok: false, contacts: [] })
  })

  it('give a clear error for a key that is not configured, naming both keys', async () => {
    const id = await addMember('Kim', withOld)
    const sealed = await sealedOf(id)
    expect(() => openEmergencyContacts(sealed, withNewOnly, id)).toThrow(
      new RegExp(`sealed with key ${withOld.current.id}, which is not configured \\(configured: MEMBER_DATA_KEY \\(${withNewOnly.current.id}\\)`),
    )
  })

  it('rotate: sealed with the old key, opened with new + previous, re-sealed by rekey, then open with the new key only', async () => {
    const fresh = await createTestDatabase()
    try {
      const ids: string[] = []
      for (const first of ['Ash', 'Bo', 'Cy']) {
        const { id } = await fresh.db.insertInto('members').values({ first_name: first, last_name: 'Lane' }).returning('id').executeTakeFirstOrThrow()
        await fresh.db.updateTable('members').set({ emergency_contacts_sealed: sealEmergencyContacts(contacts, withOld, id) }).where('id', '=', id).execute()
        ids.push(id)
      }
      // One without contacts is left alone.
      await fresh.db.insertInto('members').values({ first_name: 'Di', last_name: 'Lane' }).execute()
      const before = await fresh.db.selectFrom('members').select(['id', 'emergency_contacts_sealed']).where('id', 'in', ids).execute()
      for (const row of before) expect(openEmergencyContacts(row.emergency_contacts_sealed, rotating, row.id)).toEqual(contacts)

      const result = await rekeyEmergencyContacts(fresh.db, rotating, systemContext('Command line', chainKey))
      expect(result).toEqual({ resealed: 3, alreadyCurrent: 0 })
      const after = await fresh.db.selectFrom('members').select(['id', 'emergency_contacts_sealed']).where('id', 'in', ids).execute()
      for (const row of after) {
        expect(row.emergency_contacts_sealed?.split('.')[1]).toBe(rotating.current.id)
        expect(openEmergencyContacts(row.emergency_contacts_sealed, withNewOnly, row.id)).toEqual(contacts)
        expect(() => openEmergencyContacts(row.emergency_contacts_sealed, withOld, row.id)).toThrow(/not configured/)
      }
      const audit = await fresh.db.selectFrom('audit_log').select(['action', 'changes']).where('action', '=', 'member.emergency_contacts.rekey').execute()
      expect(audit).toHaveLength(1)
      expect(JSON.stringify(audit[0]?.changes)).not.toContain('Lane')

      // Run again: nothing to move, all already under the new key.
      expect(await rekeyEmergencyContacts(fresh.db, withNewOnly, systemContext('Command line', chainKey))).toEqual({ resealed: 3, alreadyCurrent: 3 })
    } finally {
      await fresh.drop()
    }
  })

  it('rekey changes nothing when one row will not open, and says which', async () => {
    const fresh = await createTestDatabase()
    try {
      const add = async (first: string) =>
        (await fresh.db.insertInto('members').values({ first_name: first, last_name: 'Hale' }).returning('id').executeTakeFirstOrThrow()).id
      const good = await add('Eve')
      const lost = await add('Fay')
      await fresh.db.updateTable('members').set({ emergency_contacts_sealed: sealEmergencyContacts(contacts, withOld, good) }).where('id', '=', good).execute()
      // Sealed with a key nobody configured any more.
      const gone = resolveMemberDataKeys({ memberDataKey: randomBytes(32), memberDataKeyPrevious: undefined }, sessionSecret)
      await fresh.db.updateTable('members').set({ emergency_contacts_sealed: sealEmergencyContacts(contacts, gone, lost) }).where('id', '=', lost).execute()
      const before = await fresh.db.selectFrom('members').select(['id', 'emergency_contacts_sealed']).orderBy('id').execute()

      const failed = rekeyEmergencyContacts(fresh.db, rotating, systemContext('Command line', chainKey))
      await expect(failed).rejects.toThrow(RekeyError)
      await expect(failed).rejects.toThrow(new RegExp(`Nothing was changed: 1 of 2 .*\\n.*member ${lost}`))
      expect(await fresh.db.selectFrom('members').select(['id', 'emergency_contacts_sealed']).orderBy('id').execute()).toEqual(before)
    } finally {
      await fresh.drop()
    }
  })
})

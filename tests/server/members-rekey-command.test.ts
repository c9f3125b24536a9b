import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openEmergencyContacts, sealEmergencyContacts } from '#app/modules/members/emergency-contacts.server.ts'
import { resolveMemberDataKeys } from '#app/platform/config.server.ts'
import { openDatabase, type DatabaseHandle } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.server.ts'
import { runCommand } from '#server/cli.ts'
import { createTestDatabase } from '#tests/setup/database.ts'

// `members:rekey` (docs/operations/member-data-key.md, step 3): the operator's
// command re-seals every member's emergency contacts with MEMBER_DATA_KEY.

const SESSION_SECRET = 'rekey-command-test-secret-0123456789abcdef'
const contacts = [{ name: 'Noor Vale', relationship: 'parent', phone: '07700 900321' }]

/** A database the command can reach, with its environment: PostgreSQL under DATABASE_URL, else an embedded DATA_DIR. */
async function commandDatabase(): Promise<{ env: NodeJS.ProcessEnv; open: () => Promise<DatabaseHandle> }> {
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase()
    onTestFinished(() => database.drop())
    const url = database.url ?? ''
    await database.close()
    return {
      env: { DATABASE_URL: url, SESSION_SECRET, PUBLIC_URL: 'https://band.example.org', LOG_LEVEL: 'silent' },
      open: () => openDatabase({ kind: 'postgres', url, poolMax: 2 }),
    }
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'band-rekey-'))
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }))
  const open = () => openDatabase({ kind: 'pglite', directory: path.join(dataDir, 'pg') })
  const first = await open()
  await migrateToLatest(first.db)
  await first.close()
  return { env: { DATA_DIR: dataDir, SESSION_SECRET, LOG_LEVEL: 'silent' }, open }
}

describe('members:rekey', () => {
  it('moves every member to the new key in one go, and prints the count', async () => {
    const { env, open } = await commandDatabase()
    const oldKey = randomBytes(32)
    const newKey = randomBytes(32)
    const old = resolveMemberDataKeys({ memberDataKey: oldKey, memberDataKeyPrevious: undefined }, SESSION_SECRET)
    const ids: string[] = []
    let database = await open()
    for (const first of ['Ola', 'Pim']) {
      const { id } = await database.db.insertInto('members').values({ first_name: first, last_name: 'Vale' }).returning('id').executeTakeFirstOrThrow()
      await database.db.updateTable('members').set({ emergency_contacts_sealed: sealEmergencyContacts(contacts, old, id) }).where('id', '=', id).execute()
      ids.push(id)
    }
    await database.close()

    const output = await runCommand(['members:rekey'], { ...env, MEMBER_DATA_KEY: newKey.toString('hex'), MEMBER_DATA_KEY_PREVIOUS: oldKey.toString('base64') })
    const onlyNew = resolveMemberDataKeys({ memberDataKey: newKey, memberDataKeyPrevious: undefined }, 'a-different-session-secret-0123456789abc')
    expect(output).toBe(`Re-sealed the emergency contacts of 2 members with MEMBER_DATA_KEY (key ${onlyNew.current.id}); 0 of them were already under it.`)

    database = await open()
    try {
      const rows = await database.db.selectFrom('members').select(['id', 'emergency_contacts_sealed']).where('id', 'in', ids).execute()
      for (const row of rows) expect(openEmergencyContacts(row.emergency_contacts_sealed, onlyNew, row.id)).toEqual(contacts)
      const audit = await database.db.selectFrom('audit_log').select(['actor_name', 'action']).where('action', '=', 'member.emergency_contacts.rekey').execute()
      expect(audit).toEqual([{ actor_name: 'Command line', action: 'member.emergency_contacts.rekey' }])
    } finally {
      await database.close()
    }
  }, 60_000)

  it('refuses, changing nothing, when the key a member was sealed with is not configured', async () => {
    const { env, open } = await commandDatabase()
    const lostKey = randomBytes(32)
    const lost = resolveMemberDataKeys({ memberDataKey: lostKey, memberDataKeyPrevious: undefined }, SESSION_SECRET)
    let database = await open()
    const { id } = await database.db.insertInto('members').values({ first_name: 'Quin', last_name: 'Vale' }).returning('id').executeTakeFirstOrThrow()
    const sealed = sealEmergencyContacts(contacts, lost, id)
    await database.db.updateTable('members').set({ emergency_contacts_sealed: sealed }).where('id', '=', id).execute()
    await database.close()

    await expect(runCommand(['members:rekey'], { ...env, MEMBER_DATA_KEY: randomBytes(32).toString('hex') })).rejects.toThrow(
      new RegExp(`Nothing was changed: 1 of 1 .*\\n.*member ${id}: .*sealed with key ${lost.current.id}, which is not configured`),
    )
    database = await open()
    try {
      const row = await database.db.selectFrom('members').select('emergency_contacts_sealed').where('id', '=', id).executeTakeFirstOrThrow()
      expect(row.emergency_contacts_sealed).toBe(sealed)
    } finally {
      await database.close()
    }
    // A bad key never gets as far as the database.
    await expect(runCommand(['members:rekey'], { ...env, MEMBER_DATA_KEY: 'too-short' })).rejects.toThrow(/MEMBER_DATA_KEY must be 32 random bytes/)
  }, 60_000)
})

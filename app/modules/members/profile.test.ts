import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '#app/modules/audit/audit.server.ts'
import { resolveMemberDataKeys } from '#app/platform/config.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { getOwnProfile, updateOwnProfile } from './profile.server.ts'
import { ProfileSchema } from './profile-schema.ts'

const keys = resolveMemberDataKeys({ memberDataKey: randomBytes(32), memberDataKeyPrevious: undefined }, 'profile-test-secret-0123456789abcdefgh')
const audit = systemContext('Profile test', 'profile-test-chain-key-0123456789abcdef')

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database?.drop())

const addMember = async (first: string) =>
  (await database.db.insertInto('members').values({ first_name: first, last_name: 'Reed', email: `${first.toLowerCase()}@example.net` }).returning('id').executeTakeFirstOrThrow()).id

const profile = (fields: Record<string, string>) => ProfileSchema.parse({ directoryListed: true, ...fields })

describe('updateOwnProfile', () => {
  it('lets one of two members saving the same address at once have it, and tells the other at the field', async () => {
    const [one, two] = await Promise.all([addMember('Uma'), addMember('Vic')])
    const outcomes = await Promise.all(
      [one, two].map((memberId) => updateOwnProfile(database.db, { memberId, profile: profile({ email: 'Shared@Example.net' }), keys, audit })),
    )
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1)
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([
      { ok: false, field: 'email', message: 'Another member of the band already uses this e-mail address. Enter your own.' },
    ])
    const emails = await database.db.selectFrom('members').select('email').where('id', 'in', [one, two]).execute()
    expect(emails.map((row) => row.email).sort()).toEqual(['Shared@Example.net', expect.stringMatching(/^(uma|vic)@example\.net$/)].sort())
  })

  it('keeps the member’s own address when only its case changes, and reads back what was saved', async () => {
    const id = await addMember('Wes')
    const saved = await updateOwnProfile(database.db, {
      memberId: id,
      profile: profile({ email: 'WES@example.net', preferredName: 'W', contact1Name: 'Xan Reed', contact1Phone: '07700 900222' }),
      keys,
      audit,
    })
    expect(saved).toEqual({ ok: true })
    expect(await getOwnProfile(database.db, id, keys)).toMatchObject({
      email: 'WES@example.net',
      preferredName: 'W',
      emergencyContacts: [{ name: 'Xan Reed', relationship: null, phone: '07700 900222' }],
      emergencyContactsUnreadable: false,
      directoryListed: true,
      directoryShowEmail: false,
    })
  })

  it('refuses a member record that is gone', async () => {
    const id = await addMember('Yan')
    await database.db.updateTable('members').set({ deleted_at: new Date() }).where('id', '=', id).execute()
    expect(await updateOwnProfile(database.db, { memberId: id, profile: profile({}), keys, audit })).toMatchObject({ ok: false })
    expect(await getOwnProfile(database.db, id, keys)).toBeUndefined()
  })
})

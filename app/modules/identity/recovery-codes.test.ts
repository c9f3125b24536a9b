import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import {
  countUnusedRecoveryCodes,
  createRecoveryCodes,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  useRecoveryCode,
} from './recovery-codes.server.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

let userCount = 0
async function createUser(): Promise<string> {
  userCount += 1
  const row = await database.db
    .insertInto('users')
    .values({ email: `reader${userCount}@example.org`, display_name: `Reader ${userCount}` })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

describe(`recovery codes on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('makes 10 distinct readable codes and stores only their hashes', async () => {
    const userId = await createUser()
    const codes = await createRecoveryCodes(database.db, userId)
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/)

    const rows = await database.db
      .selectFrom('recovery_codes')
      .select(['code_hash', 'used_at'])
      .where('user_id', '=', userId)
      .execute()
    expect(rows).toHaveLength(10)
    const stored = rows.map((row) => row.code_hash).join('\n')
    for (const code of codes) {
      expect(stored).not.toContain(code)
      expect(stored).not.toContain(code.replace(/-/g, ''))
    }
    for (const row of rows) {
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/)
      expect(row.used_at).toBeNull()
    }
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(10)
  })

  it('accepts each code exactly once', async () => {
    const userId = await createUser()
    const [first = '', second = ''] = await createRecoveryCodes(database.db, userId)
    expect(await useRecoveryCode(database.db, { userId, code: first })).toBe(true)
    expect(await useRecoveryCode(database.db, { userId, code: first })).toBe(false)
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(9)
    expect(await useRecoveryCode(database.db, { userId, code: second })).toBe(true)
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(8)
  })

  it('reads codes typed in capitals, without dashes, with spaces, or with o/i/l for 0/1', async () => {
    const userId = await createUser()
    const codes = await createRecoveryCodes(database.db, userId)
    const [a = '', b = '', c = ''] = codes
    expect(await useRecoveryCode(database.db, { userId, code: a.toUpperCase() })).toBe(true)
    expect(await useRecoveryCode(database.db, { userId, code: b.replace(/-/g, '') })).toBe(true)
    expect(await useRecoveryCode(database.db, { userId, code: ` ${c.replace(/-/g, ' ')} ` })).toBe(true)

    expect(normaliseRecoveryCode('0O1I-lL23-abcd')).toBe('00111123abcd')
    expect(normaliseRecoveryCode('ABCD-EFGH-JKMN')).toBe('abcdefghjkmn')
    expect(normaliseRecoveryCode('abcd-efgh-jkm')).toBeNull()
    expect(normaliseRecoveryCode('abcd-efgh-jkmu')).toBeNull()
    expect(normaliseRecoveryCode('')).toBeNull()
  })

  it('refuses unknown codes, another member’s codes and replaced codes', async () => {
    const userId = await createUser()
    const otherId = await createUser()
    const [mine = ''] = await createRecoveryCodes(database.db, userId)
    const [theirs = ''] = await createRecoveryCodes(database.db, otherId)
    expect(await useRecoveryCode(database.db, { userId, code: theirs })).toBe(false)
    expect(await useRecoveryCode(database.db, { userId, code: 'zzzz-zzzz-zzzz' })).toBe(false)
    expect(await useRecoveryCode(database.db, { userId, code: 'not a code' })).toBe(false)

    const fresh = await createRecoveryCodes(database.db, userId)
    expect(fresh).not.toContain(mine)
    expect(await useRecoveryCode(database.db, { userId, code: mine })).toBe(false)
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(10)
    expect(await countUnusedRecoveryCodes(database.db, otherId)).toBe(10)
  })

  it('lets exactly one of two simultaneous uses of a code succeed', async () => {
    const userId = await createUser()
    const [code = ''] = await createRecoveryCodes(database.db, userId)
    const results = await Promise.all([
      useRecoveryCode(database.db, { userId, code }),
      useRecoveryCode(database.db, { userId, code: code.toUpperCase() }),
      useRecoveryCode(database.db, { userId, code }),
    ])
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(9)
  })

  it('replaces codes atomically inside a caller transaction', async () => {
    const userId = await createUser()
    const [kept = ''] = await createRecoveryCodes(database.db, userId)
    let discarded = ''
    await expect(
      database.db.transaction().execute(async (trx) => {
        ;[discarded = ''] = await createRecoveryCodes(trx, userId)
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(10)
    expect(await useRecoveryCode(database.db, { userId, code: discarded })).toBe(false)
    expect(await useRecoveryCode(database.db, { userId, code: kept })).toBe(true)
  })
})

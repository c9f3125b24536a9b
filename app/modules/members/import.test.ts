import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditContext } from '#app/modules/audit/audit.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { MAX_IMPORT_ROWS } from './csv-import.ts'
import { commitImport, previewImport } from './import.server.ts'

// The roster import on a real database (PostgreSQL with DATABASE_URL, PGlite
// otherwise): it saves every row or none, and says what it did in one audit row.

let database: TestDatabase
let flute = ''
let clarinet = ''
let adminId = ''

const audit = (chainKey = 'members-import-test-chain-key-0123456789'): AuditContext => ({
  actor: { id: adminId, name: 'Alex Admin' },
  ip: '203.0.113.9',
  userAgent: 'Import test',
  requestId: `req-${randomUUID()}`,
  chainKey,
})

const members = () => database.db.selectFrom('members').select(['id', 'first_name', 'last_name', 'email', 'status', 'phone']).orderBy('email').execute()

beforeAll(async () => {
  database = await createTestDatabase()
  const { db } = database
  const sections = await db
    .insertInto('sections')
    .values([
      { name: 'Flutes & Double Reeds', slug: 'flutes', sort_order: 1 },
      { name: 'Clarinets', slug: 'clarinets', sort_order: 2 },
    ])
    .returning(['id', 'slug'])
    .execute()
  const sectionId = (slug: string) => sections.find((section) => section.slug === slug)?.id ?? null
  const instruments = await db
    .insertInto('instruments')
    .values([
      { name: 'Flute', family: 'woodwind', section_id: sectionId('flutes') },
      { name: 'Clarinet in B♭', family: 'woodwind', section_id: sectionId('clarinets') },
    ])
    .returning(['id', 'name'])
    .execute()
  flute = instruments.find((instrument) => instrument.name === 'Flute')?.id ?? ''
  clarinet = instruments.find((instrument) => instrument.name !== 'Flute')?.id ?? ''
  await db.insertInto('instrument_aliases').values({ instrument_id: clarinet, alias: 'Bb Clarinet' }).execute()
  adminId = (await db.insertInto('users').values({ email: 'admin@example.org', display_name: 'Alex Admin' }).returning('id').executeTakeFirstOrThrow()).id
  const max = await db.insertInto('members').values({ first_name: 'Max', last_name: 'Musician', email: 'max@example.org', status: 'active' }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('member_instruments').values({ member_id: max.id, instrument_id: flute, is_primary: true, chair: 3 }).execute()
}, 60_000)
afterAll(() => database?.drop())

describe('importing the roster', () => {
  it('creates new members and updates those it finds by e-mail, with history, instruments and one audit row', async () => {
    const text = 'first_name,last_name,email,instrument,chair,status,joined_on\nAda,Lovelace,ada@example.org,Flute,1,,2024-09-03\nMax,Musician,MAX@example.org,Bb Clarinet,2,on leave,\n'
    const preview = await previewImport(database.db, text)
    expect(preview.rowErrors).toEqual([])
    expect(preview.rows.map((row) => row.action)).toEqual(['create', 'update'])

    const outcome = await commitImport(database.db, { text, expected: 2, fileName: 'roster.csv', today: '2026-12-01', changedBy: adminId }, audit())
    expect(outcome).toEqual({ ok: true, created: 1, updated: 1 })

    const { db } = database
    const ada = await db.selectFrom('members').selectAll().where('email', '=', 'ada@example.org').executeTakeFirstOrThrow()
    expect(ada).toMatchObject({ first_name: 'Ada', status: 'active', joined_on: '2024-09-03' })
    expect(await db.selectFrom('member_instruments').select(['instrument_id', 'is_primary', 'chair']).where('member_id', '=', ada.id).execute()).toEqual([
      { instrument_id: flute, is_primary: true, chair: 1 },
    ])
    expect(await db.selectFrom('member_status_changes').select(['status', 'effective_on']).where('member_id', '=', ada.id).execute()).toEqual([
      { status: 'active', effective_on: '2024-09-03' },
    ])

    const max = await db.selectFrom('members').select(['id', 'status']).where('email', '=', 'max@example.org').executeTakeFirstOrThrow()
    expect(max.status).toBe('on_leave')
    // The clarinet is now primary; the flute stays as a second instrument with its chair.
    const plays = await db.selectFrom('member_instruments').select(['instrument_id', 'is_primary', 'chair']).where('member_id', '=', max.id).orderBy('is_primary', 'desc').execute()
    expect(plays).toEqual([
      { instrument_id: clarinet, is_primary: true, chair: 2 },
      { instrument_id: flute, is_primary: false, chair: 3 },
    ])
    expect(await db.selectFrom('member_status_changes').select(['status', 'effective_on', 'note']).where('member_id', '=', max.id).execute()).toEqual([
      { status: 'on_leave', effective_on: '2026-12-01', note: 'Imported from CSV' },
    ])

    const rows = await db.selectFrom('audit_log').select(['action', 'actor_id', 'changes']).where('action', '=', 'member.import').execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.actor_id).toBe(adminId)
    expect(JSON.stringify(rows[0]?.changes)).toContain('"created":1')
    expect(JSON.stringify(rows[0]?.changes)).toContain('"updated":1')
  })

  it('saves nothing when any row has an error', async () => {
    const before = await members()
    const text = 'first_name,last_name,email,joined_on\nGood,Row,good@example.org,2024-01-01\nBad,Date,bad@example.org,2024-13-01\n'
    const outcome = await commitImport(database.db, { text, expected: 1, fileName: null, today: '2026-12-01', changedBy: adminId }, audit())
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.check.rowErrors).toEqual([{ row: 3, field: 'joined_on', message: 'There is no such date as 2024-13-01' }])
    expect(await members()).toEqual(before)
  })

  it('saves nothing when the roster changed since the preview', async () => {
    const before = await members()
    // The preview counted 2 rows; the file posted back has 1.
    const outcome = await commitImport(database.db, { text: 'first_name,last_name,email\nNew,Person,new@example.org\n', expected: 2, fileName: null, today: '2026-12-01', changedBy: adminId }, audit())
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('changed since the preview') })
    expect(await members()).toEqual(before)
  })

  it('rolls every row back when saving fails part-way', async () => {
    const before = await members()
    const count = (await database.db.selectFrom('member_status_changes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
    const text = ['first_name,last_name,email', ...Array.from({ length: 1200 }, (_, index) => `P${index},Q${index},p${index}@example.org`)].join('\n')
    // The audit row is written last and refuses a short key: by then 1,200 members were inserted.
    await expect(commitImport(database.db, { text, expected: 1200, fileName: null, today: '2026-12-01', changedBy: adminId }, audit('too short'))).rejects.toThrow(/audit key/)
    expect(await members()).toEqual(before)
    const after = (await database.db.selectFrom('member_status_changes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
    expect(Number(after)).toBe(Number(count))
  })

  it(`imports ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} rows in one go`, async () => {
    const text = ['first_name,last_name,email,instrument', ...Array.from({ length: MAX_IMPORT_ROWS }, (_, index) => `F${index},L${index},bulk${index}@example.org,Flute`)].join('\n')
    const outcome = await commitImport(database.db, { text, expected: MAX_IMPORT_ROWS, fileName: 'big.csv', today: '2026-12-01', changedBy: adminId }, audit())
    expect(outcome).toEqual({ ok: true, created: MAX_IMPORT_ROWS, updated: 0 })
    const { n } = await database.db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).where('email', 'like', 'bulk%').executeTakeFirstOrThrow()
    expect(Number(n)).toBe(MAX_IMPORT_ROWS)
  }, 120_000)
})

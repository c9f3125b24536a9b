import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { migrateDown, migrateToLatest, migrationStatus } from './migrate.server.ts'
import { migrations } from './migrations/index.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false })
})
afterAll(() => database.drop())

async function tableNames() {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_name not like 'kysely_%'
    order by table_name`.execute(database.db)
  return result.rows.map((row) => row.table_name)
}

describe(`migrations on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('apply in order, then report nothing pending', async () => {
    const { applied } = await migrateToLatest(database.db)
    expect(applied).toEqual(Object.keys(migrations))
    expect(await migrationStatus(database.db)).toEqual({ applied: Object.keys(migrations), pending: [] })
    expect(await tableNames()).toEqual(
      expect.arrayContaining(['settings', 'sections', 'instruments', 'members', 'pieces', 'parts', 'events', 'pages', 'posts']),
    )
    expect((await migrateToLatest(database.db)).applied).toEqual([])
  })

  it('go down one at a time and up again', async () => {
    const names = Object.keys(migrations).reverse()
    for (const name of names) {
      expect(await migrateDown(database.db)).toEqual([name])
    }
    expect(await tableNames()).toEqual([])
    expect((await migrateToLatest(database.db)).applied).toHaveLength(names.length)
  })

  it('enforce the rules the schema promises', async () => {
    const { db } = database
    const section = await db.insertInto('sections').values({ name: 'Clarinets', slug: 'clarinets' }).returning('id').executeTakeFirstOrThrow()
    const instrument = await db
      .insertInto('instruments')
      .values({ name: 'Clarinet in B♭', family: 'woodwind', section_id: section.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('instrument_aliases').values({ instrument_id: instrument.id, alias: 'Bb Clarinet' }).execute()
    // Aliases are unique whatever their case.
    await expect(
      db.insertInto('instrument_aliases').values({ instrument_id: instrument.id, alias: 'BB CLARINET' }).execute(),
    ).rejects.toThrow()
    // An event cannot end before it starts.
    await expect(
      db
        .insertInto('events')
        .values({ kind: 'rehearsal', title: 'Rehearsal', starts_at: '2026-01-06T19:30:00Z', ends_at: '2026-01-06T18:00:00Z' })
        .execute(),
    ).rejects.toThrow()
    // Dates come back as plain days on both drivers.
    const member = await db
      .insertInto('members')
      .values({ first_name: 'Max', last_name: 'Musician', joined_on: '2019-09-03' })
      .returning(['joined_on', 'status'])
      .executeTakeFirstOrThrow()
    expect(member).toEqual({ joined_on: '2019-09-03', status: 'active' })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memberContext } from '#app/modules/audit/audit-test-helpers.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { changeSetList, getSetList, searchPieces } from './set-list.server.ts'

// Set lists on the real database: positions stay 1…n whatever arrives at once,
// and the database itself refuses two pieces in one place.

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

const audit = memberContext('Libby Librarian')

async function eventWithPieces(count: number) {
  const event = await database.db
    .insertInto('events')
    .values({ kind: 'concert', title: 'Test concert', starts_at: new Date('2027-05-01T18:30:00Z'), ends_at: new Date('2027-05-01T20:30:00Z') })
    .returning('id')
    .executeTakeFirstOrThrow()
  const pieces = await database.db
    .insertInto('pieces')
    .values(Array.from({ length: count }, (_, index) => ({ title: `Test piece ${index + 1} 100% swing_time` })))
    .returning(['id', 'title'])
    .execute()
  for (const piece of pieces) {
    const added = await changeSetList(database.db, event.id, { intent: 'add', pieceId: piece.id }, audit)
    expect(added.ok).toBe(true)
  }
  return { eventId: event.id, pieceIds: pieces.map((piece) => piece.id) }
}

describe(`a set list on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('keeps positions 1…n through concurrent moves and removals', async () => {
    const { eventId, pieceIds } = await eventWithPieces(6)
    const changes = pieceIds.flatMap((pieceId, index) => [
      changeSetList(database.db, eventId, { intent: 'move', pieceId, direction: index % 2 ? 'up' : 'down' }, audit),
      changeSetList(database.db, eventId, { intent: 'move', pieceId, direction: index % 2 ? 'down' : 'up' }, audit),
    ])
    changes.push(changeSetList(database.db, eventId, { intent: 'remove', pieceId: pieceIds[2] ?? '' }, audit))
    for (const outcome of await Promise.all(changes)) expect(outcome.ok).toBe(true)
    const list = await getSetList(database.db, eventId)
    expect(list.map((item) => item.position)).toEqual([1, 2, 3, 4, 5])
    expect(new Set(list.map((item) => item.pieceId)).size).toBe(5)
  })

  it('refuses, in the database, two pieces at one position', async () => {
    const { eventId, pieceIds } = await eventWithPieces(2)
    await expect(
      database.db.updateTable('set_list_items').set({ position: 1 }).where('event_id', '=', eventId).where('piece_id', '=', pieceIds[1] ?? '').execute(),
    ).rejects.toThrow(/set_list_items_position_key/)
  })

  it('finds pieces by title with % and _ taken literally, and says which are on the list', async () => {
    const { eventId } = await eventWithPieces(1)
    const found = await searchPieces(database.db, { eventId, query: '100% swing_', limit: 20 })
    expect(found.some((piece) => piece.onList)).toBe(true)
    expect(await searchPieces(database.db, { eventId, query: '100%%', limit: 20 })).toEqual([])

    const composer = await database.db.insertInto('people').values({ name: 'Hildegard Quartermaine', sort_name: 'Quartermaine, Hildegard' }).returning('id').executeTakeFirstOrThrow()
    await database.db.insertInto('pieces').values({ title: 'Evening Hymn', composer_id: composer.id }).execute()
    await database.db.insertInto('pieces').values({ title: 'Deleted Hymn', composer_id: composer.id, deleted_at: new Date() }).execute()
    const byComposer = await searchPieces(database.db, { eventId, query: 'quarterm', limit: 20 })
    expect(byComposer.map((piece) => [piece.title, piece.composer, piece.onList])).toEqual([['Evening Hymn', 'Hildegard Quartermaine', false]])
  })
})

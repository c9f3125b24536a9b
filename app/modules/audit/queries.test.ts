import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { at, memberContext } from './audit-test-helpers.ts'
import { recordAudit } from './audit.server.ts'
import { listAuditEntries } from './queries.server.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

describe(`listAuditEntries on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  const alex = randomUUID()
  const sam = randomUUID()
  const base = Date.now() - 60 * 60_000
  // 25 rows; three at a time share one millisecond, so ids must break the ties.
  const expected: { id: number; time: number; actorId: string; action: string; entityId: string }[] = []

  beforeAll(async () => {
    for (let index = 0; index < 25; index++) {
      const time = base + Math.floor(index / 3) * 60_000
      const actorId = index % 2 === 0 ? alex : sam
      const action = index % 3 === 0 ? 'piece.create' : 'piece.update'
      const entityId = `p${index % 4}`
      const { id } = await at(new Date(time), () =>
        recordAudit(database.db, memberContext(actorId === alex ? 'Alex' : 'Sam', actorId), {
          action,
          entity: ['list-test', entityId],
          after: { index },
        }),
      )
      expected.push({ id, time, actorId, action, entityId })
    }
    expected.sort((a, b) => b.time - a.time || b.id - a.id)
  })

  async function readAll(filters: Omit<Parameters<typeof listAuditEntries>[1], 'before' | 'limit'>, limit: number) {
    const ids: number[] = []
    let before: { occurredAt: Date; id: number } | undefined
    for (let pages = 0; pages < 100; pages++) {
      const page = await listAuditEntries(database.db, { ...filters, before, limit })
      expect(page.entries.length).toBeLessThanOrEqual(limit)
      ids.push(...page.entries.map((entry) => entry.id))
      if (!page.nextCursor) return ids
      before = page.nextCursor
    }
    throw new Error('more than 100 pages')
  }

  it('pages newest first without repeating or skipping a row', async () => {
    for (const limit of [1, 4, 6, 25, 100]) {
      expect(await readAll({ entityType: 'list-test' }, limit)).toEqual(expected.map((row) => row.id))
    }
  })

  it('returns the columns the audit page shows, and never the hashes', async () => {
    const page = await listAuditEntries(database.db, { entityType: 'list-test', limit: 1 })
    const [entry] = page.entries
    expect(entry).toMatchObject({
      id: expected[0]!.id,
      occurredAt: new Date(expected[0]!.time),
      actorId: expected[0]!.actorId,
      entityType: 'list-test',
      changes: { after: { index: 24 } },
      ip: '203.0.113.7',
      userAgent: 'Test browser 1.0',
    })
    expect(Object.keys(entry!)).not.toContain('hash')
    expect(page.nextCursor).toEqual({ occurredAt: new Date(expected[0]!.time), id: expected[0]!.id })
  })

  it('filters by actor, action, entity and time', async () => {
    const ids = (rows: typeof expected) => rows.map((row) => row.id)
    expect(await readAll({ entityType: 'list-test', actorId: sam }, 4)).toEqual(
      ids(expected.filter((row) => row.actorId === sam)),
    )
    expect(await readAll({ action: 'piece.create', entityType: 'list-test' }, 3)).toEqual(
      ids(expected.filter((row) => row.action === 'piece.create')),
    )
    expect(await readAll({ entityType: 'list-test', entityId: 'p2' }, 2)).toEqual(
      ids(expected.filter((row) => row.entityId === 'p2')),
    )
    const from = new Date(base + 2 * 60_000)
    const to = new Date(base + 5 * 60_000)
    expect(await readAll({ entityType: 'list-test', from, to }, 4)).toEqual(
      ids(expected.filter((row) => row.time >= from.getTime() && row.time < to.getTime())),
    )
    expect(await readAll({ entityType: 'no-such-thing' }, 4)).toEqual([])
  })

  it('keeps paging where it was while new rows arrive', async () => {
    const first = await listAuditEntries(database.db, { entityType: 'list-test', limit: 10 })
    await recordAudit(database.db, memberContext(), { action: 'piece.update', entity: ['list-test', 'p9'] })
    const second = await listAuditEntries(database.db, {
      entityType: 'list-test',
      limit: 10,
      before: first.nextCursor ?? undefined,
    })
    expect([...first.entries, ...second.entries].map((entry) => entry.id)).toEqual(
      expected.slice(0, 20).map((row) => row.id),
    )
  })
})

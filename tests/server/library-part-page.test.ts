import { createHash, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addFileVersion } from '#app/modules/library/part-file-versions.server.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

/** A part's own page (/library/pieces/:pieceId/parts/:partId) through the whole stack, without JavaScript. */
let server: TestServer
let librarian: BrowserSession
let part: { id: string; piece_id: string }

beforeAll(async () => {
  server = await startTestServer()
  librarian = new BrowserSession(server.url)
  await librarian.signIn('librarian@example.org')
  const { db } = server.runtime
  const piece = await db.insertInto('pieces').values({ title: 'Part Page March', library_number: `PP-${randomUUID().slice(0, 8)}` }).returning('id').executeTakeFirstOrThrow()
  const instrument = await db.selectFrom('instruments').select('id').orderBy('sort_order').executeTakeFirstOrThrow()
  part = await db
    .insertInto('parts')
    .values({ piece_id: piece.id, instrument_id: instrument.id, chairs: [1], part_number: 1, label: 'Flute 1', sort_order: 1 })
    .returning(['id', 'piece_id'])
    .executeTakeFirstOrThrow()
  for (const take of [1, 2]) {
    await db.transaction().execute((trx) =>
      addFileVersion(trx, {
        partId: part.id,
        storageKey: `library/${randomUUID()}`,
        originalName: `Flute 1 (take ${take}).pdf`,
        sizeBytes: 2048 * take,
        sha256: createHash('sha256').update(`take ${take}`).digest('hex'),
        pageCount: take + 1,
        uploadedBy: null,
      }),
    )
  }
  // Upload times a New York band would read differently from London: 1 July 2026 16:00 UTC.
  // created_at is never written by the app (its type says so), so the test sets it in SQL.
  await sql`update part_files set created_at = '2026-07-01T16:00:00Z' where part_id = ${part.id}`.execute(db)
  await db
    .updateTable('settings')
    .set({ value: sql`to_jsonb('America/New_York'::text)` })
    .where('key', '=', 'band.timezone')
    .execute()
  server.runtime.briefCache.forget('site-frame')
}, 120_000)
afterAll(() => server?.stop())

const pageUrl = () => `/library/pieces/${part.piece_id}/parts/${part.id}`

describe('a part’s page', () => {
  test('shows its versions with upload times in the band’s time zone', async () => {
    const page = await librarian.get(pageUrl())
    expect(page.status).toBe(200)
    expect(page.text).toContain('Flute 1 (take 2).pdf')
    expect(page.text).toContain('Flute 1 (take 1).pdf')
    // 16:00 UTC is 12:00 in New York (EDT) and 17:00 in London (BST).
    expect(page.text).toContain('1 Jul 2026, 12:00')
    expect(page.text).not.toContain('1 Jul 2026, 17:00')
  })

  test('deleting a file asks first; confirming moves it to the trash and the older version becomes current', async () => {
    const { db } = server.runtime
    const current = await db.selectFrom('part_files').select('id').where('part_id', '=', part.id).where('version', '=', 2).executeTakeFirstOrThrow()
    const asked = await librarian.get(`${pageUrl()}?delete=${current.id}`)
    expect(asked.status).toBe(200)
    expect(asked.text).toMatch(/Delete version 2\s*\?/)
    expect(asked.text).toContain('Version 1 becomes the current file.')
    // Opening the question deleted nothing.
    expect((await db.selectFrom('part_files').select('deleted_at').where('id', '=', current.id).executeTakeFirstOrThrow()).deleted_at).toBeNull()

    const deleted = await librarian.post(pageUrl(), { intent: 'delete', fileId: current.id })
    expect(deleted.status).toBe(302)
    const rows = await db.selectFrom('part_files').select(['version', 'deleted_at', 'superseded_at']).where('part_id', '=', part.id).orderBy('version').execute()
    // Version 2 is in the trash; version 1 is current again (neither superseded nor deleted).
    expect(rows.map((row) => [row.version, row.deleted_at !== null])).toEqual([
      [1, false],
      [2, true],
    ])
    expect(rows[0]?.superseded_at).toBeNull()
    const after = await librarian.get(pageUrl())
    expect(after.text).toContain('Deleted files')
  })

  test('a file id that is not one of this part’s files is refused with the form again', async () => {
    const refused = await librarian.post(pageUrl(), { intent: 'delete', fileId: 'not-a-uuid' })
    expect(refused.status).toBe(400)
  })
})

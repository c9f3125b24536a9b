import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { addEvent, addPieceToSetList, addTinyBand, type TinyBand } from '#tests/setup/band-fixtures.ts'
import { downloadableFile, downloadFileName } from './file-access.server.ts'
import { addFileVersion } from './part-file-versions.server.ts'

// Who may get which part file (Music library II, item 1), on PostgreSQL and on PGlite.

const TZ = 'Europe/London'
let database: TestDatabase
let band: TinyBand
beforeAll(async () => {
  database = await createTestDatabase()
  band = await addTinyBand(database.db)
})
afterAll(() => database?.drop())

/** A piece by Holst on an event `daysFromNow` away, with a clarinet and a flute part, each with `versions` files. */
async function pieceWithFiles(daysFromNow: number, versions = 1) {
  const { db } = database
  const event = await addEvent(db, { daysFromNow, kind: 'concert' })
  const composer = await db
    .insertInto('people')
    .values({ name: 'Gustav Holst', sort_name: 'Holst, Gustav' })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ sort_name: 'Holst, Gustav' }))
    .returning('id')
    .executeTakeFirstOrThrow()
  const piece = await addPieceToSetList(db, event.id, {
    title: `First Suite in E-flat ${randomUUID().slice(0, 4)}`,
    position: 1,
    parts: [
      { label: 'Clarinet in B♭ 2', instrumentId: band.instruments.clarinet.id },
      { label: 'Flute', instrumentId: band.instruments.flute.id },
    ],
  })
  await db.updateTable('pieces').set({ composer_id: composer.id }).where('id', '=', piece.id).execute()
  const files: Record<string, string[]> = {}
  for (const part of await db.selectFrom('parts').select(['id', 'label']).where('piece_id', '=', piece.id).execute()) {
    files[part.label] = []
    for (let n = 1; n <= versions; n++) {
      const added = await db.transaction().execute((trx) =>
        addFileVersion(trx, {
          partId: part.id,
          storageKey: `library/${randomUUID()}`,
          originalName: `${part.label} ${n}.pdf`,
          sizeBytes: 1000 * n,
          sha256: createHash('sha256').update(`${part.id} ${n}`).digest('hex'),
          pageCount: 2,
          uploadedBy: band.users.director.id,
        }),
      )
      files[part.label]?.push(added.id)
    }
  }
  return { pieceId: piece.id, title: (await db.selectFrom('pieces').select('title').where('id', '=', piece.id).executeTakeFirstOrThrow()).title, files }
}

const clarinet = (files: Record<string, string[]>) => files['Clarinet in B♭ 2'] ?? []
const flute = (files: Record<string, string[]>) => files.Flute ?? []

describe('downloadableFile', () => {
  test('a librarian gets any version that is not deleted, named "Surname - Title - Part.pdf"', async () => {
    const { files, title } = await pieceWithFiles(10, 2)
    const [older = '', current = ''] = clarinet(files)
    const file = await downloadableFile(database.db, { kind: 'all' }, TZ, current)
    expect(file).toMatchObject({ id: current, sizeBytes: 2000, pageCount: 2, contentType: 'application/pdf', fileName: `Holst - ${title} - Clarinet in B♭ 2.pdf` })
    expect(file?.storageKey).toMatch(/^library\//)
    expect(await downloadableFile(database.db, { kind: 'all' }, TZ, older)).toMatchObject({ id: older, sizeBytes: 1000 })
    await database.db.updateTable('part_files').set({ deleted_at: new Date() }).where('id', '=', older).execute()
    expect(await downloadableFile(database.db, { kind: 'all' }, TZ, older)).toBeNull()
  })

  test('a musician gets the current file of their instrument’s part on an upcoming set list, and nothing else', async () => {
    const clara = { kind: 'assigned' as const, memberId: band.members.clara.id }
    const upcoming = await pieceWithFiles(7, 2)
    const [older = '', current = ''] = clarinet(upcoming.files)
    expect(await downloadableFile(database.db, clara, TZ, current)).toMatchObject({ id: current })
    // An older version, another instrument's part, a piece whose event is over, an unknown or malformed id: all alike.
    expect(await downloadableFile(database.db, clara, TZ, older)).toBeNull()
    expect(await downloadableFile(database.db, clara, TZ, flute(upcoming.files)[1] ?? '')).toBeNull()
    const past = await pieceWithFiles(-3)
    expect(await downloadableFile(database.db, clara, TZ, clarinet(past.files)[0] ?? '')).toBeNull()
    expect(await downloadableFile(database.db, clara, TZ, randomUUID())).toBeNull()
    expect(await downloadableFile(database.db, clara, TZ, "1' or '1'='1")).toBeNull()
    // Dora plays the flute as well as the clarinet: both parts are hers.
    const dora = { kind: 'assigned' as const, memberId: band.members.dora.id }
    expect(await downloadableFile(database.db, dora, TZ, flute(upcoming.files)[1] ?? '')).toMatchObject({ id: flute(upcoming.files)[1] })
  })

  test('a deleted part or piece hides its files from everyone', async () => {
    const { pieceId, files } = await pieceWithFiles(5)
    const id = clarinet(files)[0] ?? ''
    await database.db.updateTable('pieces').set({ deleted_at: new Date() }).where('id', '=', pieceId).execute()
    expect(await downloadableFile(database.db, { kind: 'all' }, TZ, id)).toBeNull()
    const other = await pieceWithFiles(5)
    const fluteFile = flute(other.files)[0] ?? ''
    expect(await downloadableFile(database.db, { kind: 'all' }, TZ, fluteFile)).toMatchObject({ id: fluteFile })
    await database.db.updateTable('parts').set({ deleted_at: new Date() }).where('piece_id', '=', other.pieceId).where('label', '=', 'Flute').execute()
    expect(await downloadableFile(database.db, { kind: 'all' }, TZ, fluteFile)).toBeNull()
    expect(await downloadableFile(database.db, { kind: 'assigned', memberId: band.members.fiona.id }, TZ, fluteFile)).toBeNull()
    expect(await downloadableFile(database.db, { kind: 'all' }, TZ, clarinet(other.files)[0] ?? '')).not.toBeNull()
  })
})

describe('downloadFileName', () => {
  test('surname, title and part; what file systems refuse is replaced', () => {
    expect(downloadFileName({ composerSortName: 'Holst, Gustav', title: 'First Suite in E-flat', label: 'Clarinet in B♭ 2' })).toBe('Holst - First Suite in E-flat - Clarinet in B♭ 2.pdf')
    expect(downloadFileName({ composerSortName: null, title: 'AC/DC: "Thunder"?  Medley', label: 'Horn in F 1 & 3' })).toBe('AC DC Thunder Medley - Horn in F 1 & 3.pdf')
    expect(downloadFileName({ composerSortName: 'Traditional', title: 'Line\nbreak\ttab', label: 'Tuba' })).toBe('Traditional - Line break tab - Tuba.pdf')
  })

  test('a very long name stays within 255 bytes of UTF-8, whole characters only', () => {
    const name = downloadFileName({ composerSortName: '作曲家', title: '交響曲'.repeat(100), label: 'Flöte' })
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255 - ' (1)'.length)
    expect(name.endsWith('.pdf')).toBe(true)
    expect(name).not.toContain('\uFFFD')
  })
})

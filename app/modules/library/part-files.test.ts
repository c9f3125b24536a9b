import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { addEvent, addPieceToSetList, addTinyBand, testAudit, type TinyBand } from '#tests/setup/band-fixtures.ts'
import { addFileVersion } from './part-file-versions.server.ts'
import { deletePartFile, getVisiblePart, listPartFiles, makeVersionCurrent, restorePartFile } from './part-files.server.ts'

// A part's files and versions (issue 9, item 4), on PostgreSQL and on PGlite.

const TZ = 'Europe/London'
let database: TestDatabase
let band: TinyBand
beforeAll(async () => {
  database = await createTestDatabase()
  band = await addTinyBand(database.db)
})
afterAll(() => database?.drop())

/** A piece on a concert 10 days ahead with a clarinet and an oboe part; the clarinet part gets `versions` files. */
async function partWithVersions(versions: number) {
  const { db } = database
  const concert = await addEvent(db, { daysFromNow: 10, kind: 'concert' })
  const piece = await addPieceToSetList(db, concert.id, {
    title: `Test Suite ${randomUUID().slice(0, 6)}`,
    position: 1,
    parts: [
      { label: 'Clarinet 2', instrumentId: band.instruments.clarinet.id },
      { label: 'Oboe', instrumentId: band.instruments.oboe.id },
    ],
  })
  const part = await db.selectFrom('parts').select('id').where('piece_id', '=', piece.id).where('label', '=', 'Clarinet 2').executeTakeFirstOrThrow()
  const ids: string[] = []
  for (let n = 1; n <= versions; n++) {
    const added = await db.transaction().execute((trx) =>
      addFileVersion(trx, {
        partId: part.id,
        storageKey: `library/${randomUUID()}`,
        originalName: `Clarinet 2 (take ${n}).pdf`,
        sizeBytes: 1000 * n,
        sha256: createHash('sha256').update(`take ${n}`).digest('hex'),
        pageCount: n,
        uploadedBy: band.users.director.id,
      }),
    )
    ids.push(added.id)
  }
  return { pieceId: piece.id, partId: part.id, fileIds: ids }
}

const versionsOf = async (partId: string) => {
  const files = await listPartFiles(database.db, partId)
  return { current: files.current?.version ?? null, older: files.older.map((f) => f.version), deleted: files.deleted.map((f) => f.version) }
}

const auditActions = async (fileId: string) =>
  (await database.db.selectFrom('audit_log').select('action').where('entity_id', '=', fileId).orderBy('id').execute()).map((row) => row.action)

describe('a part’s files', () => {
  it('lists the current file and the older versions, newest first, with who uploaded them', async () => {
    const { partId } = await partWithVersions(3)
    const files = await listPartFiles(database.db, partId)
    expect(files.current).toMatchObject({ version: 3, originalName: 'Clarinet 2 (take 3).pdf', pageCount: 3, sizeBytes: 3000, uploadedBy: 'Director' })
    expect(files.older.map((file) => file.version)).toEqual([2, 1])
    expect(files.deleted).toEqual([])
  })

  it('makes an older version current again; the current one becomes an older version (audited)', async () => {
    const { partId, fileIds } = await partWithVersions(3)
    const outcome = await makeVersionCurrent(database.db, { partId, fileId: fileIds[0] ?? '' }, testAudit)
    expect(outcome).toEqual({ ok: true, version: 1 })
    expect(await versionsOf(partId)).toEqual({ current: 1, older: [3, 2], deleted: [] })
    expect(await auditActions(fileIds[0] ?? '')).toEqual(['part_file.make_current'])
    // The current one cannot be made current, nor can another part's file.
    expect(await makeVersionCurrent(database.db, { partId, fileId: fileIds[0] ?? '' }, testAudit)).toMatchObject({ ok: false })
    const other = await partWithVersions(2)
    expect(await makeVersionCurrent(database.db, { partId, fileId: other.fileIds[0] ?? '' }, testAudit)).toMatchObject({ ok: false })
    expect(await versionsOf(other.partId)).toEqual({ current: 2, older: [1], deleted: [] })
  })

  it('deletes the current file to the trash; the newest older version takes its place', async () => {
    const { partId, fileIds } = await partWithVersions(3)
    const outcome = await deletePartFile(database.db, { partId, fileId: fileIds[2] ?? '' }, testAudit)
    expect(outcome).toEqual({ ok: true, version: 3, promoted: 2 })
    expect(await versionsOf(partId)).toEqual({ current: 2, older: [1], deleted: [3] })
    const row = await database.db.selectFrom('part_files').select(['deleted_at']).where('id', '=', fileIds[2] ?? '').executeTakeFirstOrThrow()
    expect(row.deleted_at).toBeInstanceOf(Date)
    expect(await auditActions(fileIds[2] ?? '')).toEqual(['part_file.delete'])
    expect(await deletePartFile(database.db, { partId, fileId: fileIds[2] ?? '' }, testAudit)).toMatchObject({ ok: false })
  })

  it('restores a deleted file as an older version while the part has a current one, and as current when it has none', async () => {
    const { partId, fileIds } = await partWithVersions(2)
    const [first = '', second = ''] = fileIds
    await deletePartFile(database.db, { partId, fileId: first }, testAudit)
    expect(await versionsOf(partId)).toEqual({ current: 2, older: [], deleted: [1] })
    expect(await restorePartFile(database.db, { partId, fileId: first }, testAudit)).toEqual({ ok: true, version: 1, current: false })
    expect(await versionsOf(partId)).toEqual({ current: 2, older: [1], deleted: [] })

    await deletePartFile(database.db, { partId, fileId: second }, testAudit)
    await deletePartFile(database.db, { partId, fileId: first }, testAudit)
    expect(await versionsOf(partId)).toEqual({ current: null, older: [], deleted: [1, 2] })
    expect(await restorePartFile(database.db, { partId, fileId: second }, testAudit)).toEqual({ ok: true, version: 2, current: true })
    expect(await versionsOf(partId)).toEqual({ current: 2, older: [], deleted: [1] })
    expect(await auditActions(second)).toEqual(['part_file.delete', 'part_file.restore'])
  })

  it('keeps a file deleted over 30 days ago out of the list and refuses to restore it', async () => {
    const { partId, fileIds } = await partWithVersions(2)
    const [first = ''] = fileIds
    await deletePartFile(database.db, { partId, fileId: first }, testAudit)
    await database.db
      .updateTable('part_files')
      .set({ deleted_at: new Date(Date.now() - 31 * 24 * 60 * 60 * 1000) })
      .where('id', '=', first)
      .execute()
    expect(await versionsOf(partId)).toEqual({ current: 2, older: [], deleted: [] })
    const outcome = await restorePartFile(database.db, { partId, fileId: first }, testAudit)
    expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/more than 30 days ago/) })
    expect(await versionsOf(partId)).toEqual({ current: 2, older: [], deleted: [] })
  })

  it('shows a musician only parts of their instruments on their upcoming set lists', async () => {
    const { pieceId, partId } = await partWithVersions(1)
    const oboe = await database.db.selectFrom('parts').select('id').where('piece_id', '=', pieceId).where('label', '=', 'Oboe').executeTakeFirstOrThrow()
    const carl = { kind: 'assigned', memberId: band.members.carl.id } as const
    expect(await getVisiblePart(database.db, carl, TZ, { pieceId, partId })).toMatchObject({ label: 'Clarinet 2', piece: { id: pieceId } })
    expect(await getVisiblePart(database.db, carl, TZ, { pieceId, partId: oboe.id })).toBeNull()
    expect(await getVisiblePart(database.db, { kind: 'all' }, TZ, { pieceId, partId: oboe.id })).toMatchObject({ label: 'Oboe' })
    // The part must belong to the piece in the address.
    const other = await partWithVersions(1)
    expect(await getVisiblePart(database.db, { kind: 'all' }, TZ, { pieceId: other.pieceId, partId })).toBeNull()
  })
})

import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createStorage, type Storage } from '#app/platform/storage.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { testAudit } from '#tests/setup/band-fixtures.ts'
import { stageBatch } from '#tests/setup/upload-fixtures.ts'
import { cancelUpload, sweepStaging } from './upload-cleanup.server.ts'
import { confirmUpload } from './upload-confirm.server.ts'
import { getReviewBatch, saveCorrections, summarise } from './upload-review.server.ts'

let database: TestDatabase
let directory: string
let storage: Storage
let userId: string
let clarinet: string
let trumpet: string
const timeZone = 'Europe/London'

beforeAll(async () => {
  database = await createTestDatabase()
  directory = await mkdtemp(path.join(tmpdir(), 'upload-review-'))
  storage = createStorage({ kind: 'local', directory })
  const { db } = database
  userId = (await db.insertInto('users').values({ email: 'lib@example.test', display_name: 'Libby Rarian' }).returning('id').executeTakeFirstOrThrow()).id
  const add = async (name: string, sort: number) =>
    (await db.insertInto('instruments').values({ name, family: 'woodwind', sort_order: sort }).returning('id').executeTakeFirstOrThrow()).id
  clarinet = await add('Clarinet in B♭ (test)', 10)
  trumpet = await add('Trumpet in B♭ (test)', 20)
})
afterAll(async () => {
  await database?.drop()
  if (directory) await rm(directory, { recursive: true, force: true })
})

const files = async (prefix: string) =>
  (await readdir(directory, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .filter((name) => name.startsWith(prefix))

const threeParts = () => [
  { name: 'Clarinet 1.pdf', instrumentId: clarinet, chairs: [1], label: 'Clarinet 1' },
  { name: 'Clarinet 2.pdf', instrumentId: clarinet, chairs: [2], label: 'Clarinet 2' },
  { name: 'Trumpet 1.pdf', instrumentId: trumpet, chairs: [1], label: 'Trumpet 1' },
  { name: 'notes.txt', instrumentId: null, problem: 'Not a PDF' },
]

describe('confirming an upload', () => {
  test('creates the piece, its parts and files, moves the files, and is audited', async () => {
    const { db } = database
    const batch = await stageBatch(db, storage, { userId, newTitle: 'Review March', newComposer: 'Jo Composer', files: threeParts() })
    const review = await getReviewBatch(db, batch.id)
    expect(summarise(review?.rows ?? [])).toEqual({ ready: 3, check: 0, duplicate: 0, refused: 1 })
    const outcome = await confirmUpload({ db, storage }, { batchId: batch.id, rows: {}, userId, timeZone }, testAudit)
    expect(outcome).toMatchObject({ ok: true })
    if (!outcome.ok) return
    expect(outcome.stored.map((part) => [part.label, part.version, part.newPart])).toEqual([
      ['Clarinet 1', 1, true],
      ['Clarinet 2', 1, true],
      ['Trumpet 1', 1, true],
    ])
    const piece = await db.selectFrom('pieces').select(['title', 'library_number']).where('id', '=', outcome.pieceId).executeTakeFirstOrThrow()
    expect(piece.title).toBe('Review March')
    expect(piece.library_number).toBeTruthy()
    expect(await files('staging')).toEqual([])
    expect(await files('library')).toHaveLength(3)
    const actions = await db.selectFrom('audit_log').select('action').where('entity_id', 'in', [batch.id, outcome.pieceId]).execute()
    expect(actions.map((row) => row.action).sort()).toEqual(['piece.create', 'upload.confirm'])
    // A confirmed batch does not change any more.
    expect(await saveCorrections(db, { batchId: batch.id, rows: {}, timeZone }, testAudit)).toMatchObject({ ok: false, message: expect.stringContaining('already confirmed by Libby Rarian') })
  })

  test('a part uploaded again becomes a new version of it', async () => {
    const { db } = database
    const first = await stageBatch(db, storage, { userId, newTitle: 'Versions', files: [{ name: 'Trumpet 1.pdf', instrumentId: trumpet, chairs: [1], label: 'Trumpet 1' }] })
    const one = await confirmUpload({ db, storage }, { batchId: first.id, rows: {}, userId, timeZone }, testAudit)
    if (!one.ok) throw new Error(one.message)
    const second = await stageBatch(db, storage, { userId, pieceId: one.pieceId, files: [{ name: 'tpt1.pdf', instrumentId: trumpet, chairs: [1], label: 'TRUMPET 1' }] })
    const two = await confirmUpload({ db, storage }, { batchId: second.id, rows: {}, userId, timeZone }, testAudit)
    expect(two).toMatchObject({ ok: true, stored: [{ partId: one.stored[0]?.partId, version: 2, newPart: false }] })
  })

  test('an unknown instrument or two rows with one label are refused per row, and nothing is saved', async () => {
    const { db } = database
    const batch = await stageBatch(db, storage, {
      userId,
      newTitle: 'Needs a look',
      files: [
        { name: 'mystery.pdf', instrumentId: null },
        { name: 'Cl 1.pdf', instrumentId: clarinet, chairs: [1], label: 'Clarinet 1' },
        { name: 'Clar 1.pdf', instrumentId: clarinet, chairs: [1], label: 'clarinet 1' },
      ],
    })
    const outcome = await confirmUpload({ db, storage }, { batchId: batch.id, rows: {}, userId, timeZone }, testAudit)
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(Object.keys(outcome.rowErrors ?? {}).sort()).toEqual([`files.${batch.files[0]?.id}.instrumentId`, `files.${batch.files[2]?.id}.label`].sort())
    expect((await db.selectFrom('upload_batches').select('status').where('id', '=', batch.id).executeTakeFirstOrThrow()).status).toBe('staged')
    // Corrected and confirmed in one go: the mystery file gets an instrument, the second clarinet is left out.
    const [mystery, , clar] = batch.files
    const fixed = await confirmUpload(
      { db, storage },
      {
        batchId: batch.id,
        rows: {
          [mystery?.id ?? '']: { instrumentId: trumpet, chairs: [2], label: '', include: true },
          [clar?.id ?? '']: { instrumentId: clarinet, chairs: [1], label: 'clarinet 1', include: false },
        },
        userId,
        timeZone,
      },
      testAudit,
    )
    expect(fixed).toMatchObject({ ok: true })
    const row = await db.selectFrom('upload_files').select(['mapping', 'label']).where('id', '=', mystery?.id ?? '').executeTakeFirstOrThrow()
    expect(row).toEqual({ mapping: 'corrected', label: 'Trumpet in B♭ (test) 2' })
    // The file left out is gone from staging.
    expect(await storage.exists(clar?.stagingKey ?? '')).toBe(false)
  })

  test('two librarians confirming at once: one succeeds, the other is told, rows exist once', async () => {
    const { db } = database
    const batch = await stageBatch(db, storage, { userId, newTitle: 'Race March', files: threeParts() })
    const both = await Promise.all([
      confirmUpload({ db, storage }, { batchId: batch.id, rows: {}, userId, timeZone }, testAudit),
      confirmUpload({ db, storage }, { batchId: batch.id, rows: {}, userId, timeZone }, testAudit),
    ])
    expect(both.filter((outcome) => outcome.ok)).toHaveLength(1)
    const refused = both.find((outcome) => !outcome.ok)
    expect(refused && !refused.ok ? refused.message : '').toMatch(/already confirmed|being confirmed/)
    const stored = await db.selectFrom('part_files').select('id').where('upload_batch_id', '=', batch.id).execute()
    expect(stored).toHaveLength(3)
    expect(await db.selectFrom('pieces').select('id').where('title', '=', 'Race March').execute()).toHaveLength(1)
  })

  test('storage failing on the third move: nothing saved, batch staged, staged files intact, nothing under library/', async () => {
    const { db } = database
    const batch = await stageBatch(db, storage, { userId, newTitle: 'Fault March', files: threeParts() })
    const before = await files('library')
    let moves = 0
    // The real local adapter, with its third move failing as a full disk would.
    const failing: Storage = {
      ...storage,
      async move(from, to) {
        if (++moves === 3) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
        return storage.move(from, to)
      },
    }
    const outcome = await confirmUpload({ db, storage: failing }, { batchId: batch.id, rows: {}, userId, timeZone }, testAudit)
    expect(outcome).toEqual({ ok: false, message: 'Storage failed — nothing was saved; try again.' })
    expect(await db.selectFrom('part_files').select('id').where('upload_batch_id', '=', batch.id).execute()).toEqual([])
    expect(await db.selectFrom('pieces').select('id').where('title', '=', 'Fault March').execute()).toEqual([])
    expect((await db.selectFrom('upload_batches').select('status').where('id', '=', batch.id).executeTakeFirstOrThrow()).status).toBe('staged')
    expect(await files('library')).toEqual(before)
    for (const file of batch.files) if (file.stagingKey) expect(await storage.exists(file.stagingKey)).toBe(true)
    // The librarian tries again and it works.
    expect(await confirmUpload({ db, storage }, { batchId: batch.id, rows: {}, userId, timeZone }, testAudit)).toMatchObject({ ok: true })
  })
})

describe('cancelling and sweeping', () => {
  test('cancel removes the staged files, is audited, and a cancelled batch cannot be confirmed', async () => {
    const { db } = database
    const batch = await stageBatch(db, storage, { userId, newTitle: 'Cancelled March', files: threeParts() })
    expect(await cancelUpload({ db, storage }, { batchId: batch.id, timeZone }, testAudit)).toEqual({ ok: true, files: 4 })
    for (const file of batch.files) if (file.stagingKey) expect(await storage.exists(file.stagingKey)).toBe(false)
    expect(await confirmUpload({ db, storage }, { batchId: batch.id, rows: {}, userId, timeZone }, testAudit)).toMatchObject({ ok: false, message: expect.stringContaining('cancelled') })
    const audit = await db.selectFrom('audit_log').select('action').where('entity_id', '=', batch.id).execute()
    expect(audit.map((row) => row.action)).toEqual(['upload.cancel'])
  })

  test('the sweep removes day-old staged batches, settles stuck confirms, and never touches confirmed ones', async () => {
    const { db } = database
    const abandoned = await stageBatch(db, storage, { userId, newTitle: 'Abandoned', files: threeParts() })
    const fresh = await stageBatch(db, storage, { userId, newTitle: 'Fresh', files: threeParts() })
    const kept = await stageBatch(db, storage, { userId, newTitle: 'Kept', files: threeParts() })
    const done = await confirmUpload({ db, storage }, { batchId: kept.id, rows: {}, userId, timeZone }, testAudit)
    if (!done.ok) throw new Error(done.message)
    const stuck = await stageBatch(db, storage, { userId, newTitle: 'Stuck', files: threeParts() })
    // As after a crash between the moves and the commit: one file moved, the batch left 'confirming'.
    const moved = stuck.files[0]
    await storage.move(moved?.stagingKey ?? '', `library/${moved?.id}`)
    const longAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000)
    await db.updateTable('upload_batches').set({ created_at: sql`${longAgo}` }).where('id', 'in', [abandoned.id, kept.id]).execute()
    await db.updateTable('upload_batches').set({ status: 'confirming', updated_at: longAgo }).where('id', '=', stuck.id).execute()
    const libraryBefore = await files('library')

    expect(await sweepStaging({ db, storage, chainKey: testAudit.chainKey })).toEqual({ removed: 1, recovered: 1, orphaned: 0 })
    expect(await db.selectFrom('upload_batches').select('id').where('id', '=', abandoned.id).executeTakeFirst()).toBeUndefined()
    expect(await db.selectFrom('upload_files').select('id').where('batch_id', '=', abandoned.id).execute()).toEqual([])
    for (const file of abandoned.files) if (file.stagingKey) expect(await storage.exists(file.stagingKey)).toBe(false)
    for (const file of fresh.files) if (file.stagingKey) expect(await storage.exists(file.stagingKey)).toBe(true)
    expect((await db.selectFrom('upload_batches').select('status').where('id', '=', kept.id).executeTakeFirstOrThrow()).status).toBe('confirmed')
    expect((await db.selectFrom('upload_batches').select('status').where('id', '=', stuck.id).executeTakeFirstOrThrow()).status).toBe('staged')
    expect(await storage.exists(moved?.stagingKey ?? '')).toBe(true)
    // Only the stuck batch's moved file left library/; the confirmed batch's files are all there.
    expect(await files('library')).toEqual(libraryBefore.filter((name) => name !== path.join('library', moved?.id ?? '')))
    expect(await sweepStaging({ db, storage, chainKey: testAudit.chainKey })).toEqual({ removed: 0, recovered: 0, orphaned: 0 })
  })

  test('the sweep removes day-old staged files of no batch (an intake cut off by a crash), and nothing fresh or named by a row', async () => {
    const { db } = database
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000)
    const plant = async (key: string, age: Date | null) => {
      await storage.put(key, Readable.from([Buffer.from('%PDF-1.7 half of a part')]))
      if (age) await utimes(path.join(directory, ...key.split('/')), age, age)
    }
    // As after a crash mid-intake: files staged, no rows written.
    const crashed = randomUUID()
    await plant(`staging/${crashed}/${randomUUID()}`, twoDaysAgo)
    await plant(`staging/${crashed}/${randomUUID()}`, twoDaysAgo)
    // An intake still under way (its rows come at the end): fresh, so kept.
    const receiving = `staging/${randomUUID()}/${randomUUID()}`
    await plant(receiving, null)
    // A real batch's day-old file is the batch rules' business, not an orphan.
    const batch = await stageBatch(db, storage, { userId, newTitle: 'Still Reviewing', files: threeParts() })
    const named = batch.files[0]?.stagingKey ?? ''
    await utimes(path.join(directory, ...named.split('/')), twoDaysAgo, twoDaysAgo)

    expect(await sweepStaging({ db, storage, chainKey: testAudit.chainKey })).toEqual({ removed: 0, recovered: 0, orphaned: 2 })
    expect(await files(`staging/${crashed}`)).toEqual([])
    expect(await storage.exists(receiving)).toBe(true)
    expect(await storage.exists(named)).toBe(true)
    const audit = await db.selectFrom('audit_log').select(['action', 'entity_type', 'changes']).where('entity_id', '=', crashed).execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ action: 'upload.sweep', entity_type: 'upload_batch' })
    expect(JSON.stringify(audit[0]?.changes)).toContain('withoutRows')
    expect(await sweepStaging({ db, storage, chainKey: testAudit.chainKey })).toEqual({ removed: 0, recovered: 0, orphaned: 0 })
  })
})

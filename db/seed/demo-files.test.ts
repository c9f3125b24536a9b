import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buffer } from 'node:stream/consumers'
import { PDFDocument } from 'pdf-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPartPdf } from '#app/modules/library/demo-pdf.ts'
import { startWorker } from '#app/platform/jobs.server.ts'
import { createStorage, type Storage } from '#app/platform/storage.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { buildDemoBand } from './demo-band.ts'
import { DEMO_FILES_JOB, demoFilesJob, demoPageCount } from './demo-files.server.ts'
import { seedDemoBand } from './seed.server.ts'

// The demo parts' PDFs (issue 9, item 5), on PostgreSQL and on PGlite.

const TODAY = new Date('2027-01-19T10:00:00Z')
const CHAIN_KEY = 'demo-files-test-chain-key-0123456789abcdef'
const silent = { debug() {}, info() {}, warn() {}, error() {} }

describe('demoPartPdf', () => {
  const sheet = { libraryNumber: 'CB-0046', pieceTitle: 'Stars and Stripes Forever, The', credit: 'John Philip Sousa', partLabel: 'Clarinet in B♭ 2', pages: 3 }

  it('writes a PDF that pdf-lib opens, with the pages asked for', async () => {
    for (const pages of [1, 2, 3, 4]) {
      const bytes = demoPartPdf({ ...sheet, pages })
      const document = await PDFDocument.load(bytes, { throwOnInvalidObject: true, updateMetadata: false })
      expect(document.getPageCount()).toBe(pages)
      expect(bytes.length).toBeGreaterThan(1500)
      expect(bytes.length).toBeLessThan(10_000)
    }
  })

  it('prints the piece, the part and the page number on the pages', () => {
    const text = Buffer.from(demoPartPdf(sheet)).toString('latin1')
    expect(text).toContain('(Stars and Stripes Forever, The)')
    // WinAnsi has no flat sign: "Bb", as players write it.
    expect(text).toContain('(Clarinet in Bb 2)')
    expect(text).toContain('(CB-0046)')
    for (const page of [1, 2, 3]) expect(text).toContain(`(Page ${page} of 3)`)
    expect(text).not.toContain('Page 4 of')
  })

  it('escapes brackets and backslashes and keeps accents', async () => {
    const bytes = demoPartPdf({ ...sheet, pieceTitle: 'Suite (No. 1) \\ Dvořák – Café', pages: 1 })
    const text = Buffer.from(bytes).toString('latin1')
    expect(text).toContain('(Suite \\(No. 1\\) \\\\ Dvo?ák \x96 Café)')
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1)
  })
})

describe('the demo seed’s part files', () => {
  let database: TestDatabase
  let directory: string
  let storage: Storage
  beforeAll(async () => {
    database = await createTestDatabase()
    directory = mkdtempSync(path.join(tmpdir(), 'demo-files-'))
    storage = createStorage({ kind: 'local', directory })
  })
  afterAll(async () => {
    await storage?.close()
    await database?.drop()
    rmSync(directory, { recursive: true, force: true })
  })

  it('gives the upcoming set lists’ parts their file at once, and every demo part exactly one current file after the job', async () => {
    const { db } = database
    const band = buildDemoBand({ today: TODAY })
    const started = performance.now()
    const summary = await seedDemoBand(db, { today: TODAY, chainKey: CHAIN_KEY, storage })
    console.info(`demo seed with files of upcoming set lists on ${database.kind}: ${Math.round(performance.now() - started)} ms, ${summary.part_files} files`)
    expect(summary.part_files).toBeGreaterThan(100)
    expect(summary.part_files).toBeLessThan(band.parts.length / 4)

    const worker = startWorker({ db, handlers: { [DEMO_FILES_JOB]: demoFilesJob({ db, storage }) }, logger: silent, poll: false })
    const jobStarted = performance.now()
    const runs = await worker.runOnce()
    console.info(`demo files job on ${database.kind}: ${Math.round(performance.now() - jobStarted)} ms in ${runs} runs`)
    await worker.stop()
    expect(runs).toBeGreaterThan(1)

    const current = await db
      .selectFrom('parts')
      .leftJoin('part_files', (join) =>
        join.onRef('part_files.part_id', '=', 'parts.id').on('part_files.superseded_at', 'is', null).on('part_files.deleted_at', 'is', null),
      )
      .select(['parts.id', (eb) => eb.fn.count('part_files.id').as('files')])
      .groupBy('parts.id')
      .execute()
    expect(current).toHaveLength(band.parts.length)
    expect(current.filter((row) => Number(row.files) !== 1)).toEqual([])
    const { failed } = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('failed'))
      .where('name', '=', DEMO_FILES_JOB)
      .where('status', '<>', 'done')
      .executeTakeFirstOrThrow()
    expect(Number(failed)).toBe(0)

    // Every piece has its full score first.
    const scores = band.parts.filter((part) => part.label === 'Full Score')
    expect(scores).toHaveLength(band.pieces.length)

    // A sample of files: the stored bytes are what the row says, and a PDF of the pages it says.
    const sample = await db
      .selectFrom('part_files')
      .innerJoin('parts', 'parts.id', 'part_files.part_id')
      .select(['part_files.storage_key', 'part_files.sha256', 'part_files.size_bytes', 'part_files.page_count', 'part_files.original_name', 'part_files.version', 'part_files.uploaded_by', 'parts.id as partId', 'parts.label'])
      .orderBy('part_files.storage_key')
      .limit(5)
      .execute()
    for (const file of sample) {
      const bytes = await buffer(await storage.get(file.storage_key))
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256)
      expect(bytes.length).toBe(file.size_bytes)
      expect(file.page_count).toBe(demoPageCount(file.partId))
      expect((await PDFDocument.load(bytes)).getPageCount()).toBe(file.page_count)
      expect(file).toMatchObject({ version: 1, uploaded_by: null })
      expect(file.original_name).toMatch(/^CB-\d{4} .+\.pdf$/)
      expect(file.original_name).toContain(file.label)
      expect(file.storage_key).toMatch(/^library\/[0-9a-f-]{36}$/)
    }
    // The seed's own row stands for the demo band; the job adds none.
    const audited = await db.selectFrom('audit_log').select('action').where('action', 'like', 'system.demo%').execute()
    expect(audited.map((row) => row.action)).not.toContain('system.demo_files_added')
  })

  it('writes nothing again when the job runs once more', async () => {
    const { db } = database
    const before = await db.selectFrom('part_files').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow()
    await demoFilesJob({ db, storage })()
    const after = await db.selectFrom('part_files').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow()
    expect(after.count).toEqual(before.count)
  })
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStorage, type Storage } from '#app/platform/storage.server.ts'
import { corruptPdf, encryptedPdf, makePdf, zeroPagePdf } from '#tests/setup/library-files.ts'
import { checkPdfBytes, checkStagedPdf, hasPdfSignature, PDF_PROBLEMS } from './pdf-check.server.ts'

describe('checkPdfBytes', () => {
  it('counts the pages of a real PDF', async () => {
    expect(await checkPdfBytes(await makePdf({ pages: 3 }))).toEqual({ ok: true, pageCount: 3 })
  })

  it('gives each kind of bad file its own message', async () => {
    expect(await checkPdfBytes(Buffer.alloc(0))).toEqual({ ok: false, problem: PDF_PROBLEMS.empty })
    expect(await checkPdfBytes(Buffer.from('Dear librarian, the parts are attached.'))).toEqual({ ok: false, problem: PDF_PROBLEMS.notPdf })
    expect(await checkPdfBytes(await zeroPagePdf())).toEqual({ ok: false, problem: PDF_PROBLEMS.noPages })
    expect(await checkPdfBytes(await corruptPdf())).toEqual({ ok: false, problem: PDF_PROBLEMS.corrupt })
    expect(await checkPdfBytes(Buffer.from('%PDF-1.7\n%%EOF\n'))).toEqual({ ok: false, problem: PDF_PROBLEMS.corrupt })
    expect(await checkPdfBytes(encryptedPdf())).toEqual({ ok: false, problem: PDF_PROBLEMS.encrypted })
  })

  it('finds the signature anywhere in the first 1024 bytes, as readers do, and not after', async () => {
    const pdf = await makePdf()
    expect(hasPdfSignature(Buffer.concat([Buffer.alloc(1000, 0x20), pdf]))).toBe(true)
    expect(hasPdfSignature(Buffer.concat([Buffer.alloc(1024, 0x20), pdf]))).toBe(false)
    expect((await checkPdfBytes(Buffer.concat([Buffer.from('junk before\n'), pdf]))).ok).toBe(true)
  })
})

describe('checkStagedPdf', () => {
  let directory: string
  let storage: Storage
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'pdf-check-'))
    storage = createStorage({ kind: 'local', directory })
  })
  afterAll(() => rm(directory, { recursive: true, force: true }))

  it('reads the staged object back and checks it', async () => {
    const pdf = await makePdf({ pages: 2, padding: 300_000 })
    const stored = await storage.put('staging/b/one', Readable.from([pdf]))
    expect(await checkStagedPdf(storage, stored.key, stored.size)).toEqual({ ok: true, pageCount: 2 })
    const encrypted = await storage.put('staging/b/two', Readable.from([encryptedPdf()]))
    expect(await checkStagedPdf(storage, encrypted.key, encrypted.size)).toEqual({ ok: false, problem: PDF_PROBLEMS.encrypted })
  })

  it('refuses to read past the size it was told', async () => {
    const stored = await storage.put('staging/b/three', Readable.from([await makePdf()]))
    await expect(checkStagedPdf(storage, stored.key, stored.size - 1)).rejects.toThrow(/larger than/)
  })
})

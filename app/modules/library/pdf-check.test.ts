import { describe, expect, it } from 'vitest'
import { corruptPdf, encryptedPdf, makePdf, zeroPagePdf } from '#tests/setup/library-files.ts'
import { checkPdfBytes, hasPdfSignature, PDF_PROBLEMS } from './pdf-check.server.ts'

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

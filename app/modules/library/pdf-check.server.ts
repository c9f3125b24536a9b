import { EncryptedPDFError, PDFDocument } from 'pdf-lib'

/**
 * Is a staged file really a PDF a musician can open? The signature first
 * (`%PDF-` within the first 1024 bytes, as readers accept it), then a parse
 * that counts the pages. Each way of failing has its own message for the
 * librarian.
 */
export type PdfCheck = { ok: true; pageCount: number } | { ok: false; problem: string }

export const PDF_PROBLEMS = {
  empty: 'Empty file',
  notPdf: 'Not a PDF',
  corrupt: 'Damaged PDF — it cannot be read',
  noPages: 'The PDF has no pages',
  encrypted: 'Encrypted PDF — remove the password and upload again',
} as const

const SIGNATURE = Buffer.from('%PDF-')
/** How far into a file a PDF reader looks for the signature. */
export const SIGNATURE_WINDOW = 1024

export function hasPdfSignature(head: Uint8Array): boolean {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, SIGNATURE_WINDOW)).includes(SIGNATURE)
}

export async function checkPdfBytes(bytes: Uint8Array): Promise<PdfCheck> {
  if (bytes.length === 0) return { ok: false, problem: PDF_PROBLEMS.empty }
  if (!hasPdfSignature(bytes)) return { ok: false, problem: PDF_PROBLEMS.notPdf }
  let pageCount: number
  try {
    // No metadata rewrite and a strict object parser: a damaged file is refused now, not in a musician's hands.
    const document = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true })
    pageCount = document.getPageCount()
  } catch (error) {
    const encrypted = error instanceof EncryptedPDFError || (error instanceof Error && /is encrypted/.test(error.message))
    return { ok: false, problem: encrypted ? PDF_PROBLEMS.encrypted : PDF_PROBLEMS.corrupt }
  }
  if (pageCount < 1) return { ok: false, problem: PDF_PROBLEMS.noPages }
  return { ok: true, pageCount }
}

import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { PDFDocument, StandardFonts } from 'pdf-lib'
import yazl from 'yazl'

/**
 * Files for the batch-upload tests and benchmark: real PDFs (pdf-lib), the
 * broken kinds the upload must refuse, and ZIPs, including ones no honest
 * tool writes (unsafe names, a bomb).
 */

/** A PDF with `pages` pages, each saying `text`; `padding` random bytes make it larger (and incompressible). */
export async function makePdf(options: { pages?: number; text?: string; padding?: number } = {}): Promise<Buffer> {
  const document = await PDFDocument.create()
  const font = await document.embedFont(StandardFonts.Helvetica)
  for (let page = 1; page <= (options.pages ?? 1); page++) {
    document.addPage([595, 842]).drawText(`${options.text ?? 'Part'} — page ${page}`, { x: 50, y: 780, size: 18, font })
  }
  if (options.padding) {
    // An unreferenced stream object: readers skip it; it only makes the file big and unique.
    document.context.register(document.context.stream(randomBytes(options.padding)))
  }
  return Buffer.from(await document.save())
}

export async function zeroPagePdf(): Promise<Buffer> {
  return Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false }))
}

/** pdf-lib cannot encrypt: a minimal PDF whose trailer names an /Encrypt dictionary, as every encrypted PDF's does. */
export function encryptedPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`,
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body))
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body)
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

/** Starts like a PDF, then stops in the middle of its objects. */
export async function corruptPdf(): Promise<Buffer> {
  const whole = await makePdf({ pages: 2 })
  return whole.subarray(0, 200)
}

export type ZipItem = { name: string; bytes: Buffer; compress?: boolean }

export async function makeZip(items: ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  for (const item of items) zip.addBuffer(item.bytes, item.name, { compress: item.compress ?? true, mtime: new Date('2026-01-01T00:00:00Z') })
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * yazl refuses unsafe names, as it should: write each under a placeholder of
 * the same length and patch the name bytes afterwards (local header and
 * central directory both; the CRC covers the data, not the name).
 */
export function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('renameInZip: names must have the same length in bytes')
  const patched = Buffer.from(zip)
  const needle = Buffer.from(from)
  let found = 0
  for (let at = patched.indexOf(needle); at !== -1; at = patched.indexOf(needle, at + needle.length)) {
    Buffer.from(to).copy(patched, at)
    found += 1
  }
  if (found !== 2) throw new Error(`renameInZip: ${from} found ${found} times, expected 2`)
  return patched
}

/** A ZIP with one entry of `bytes` zeros, deflated as it streams (never held in memory): a ZIP bomb. */
export async function zipBomb(bytes: number, name = 'Score.pdf'): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  const chunk = Buffer.alloc(1024 * 1024)
  let left = bytes
  const zeros = new Readable({
    read() {
      if (left <= 0) return void this.push(null)
      const size = Math.min(left, chunk.length)
      left -= size
      this.push(chunk.subarray(0, size))
    },
  })
  zip.addReadStream(zeros, name, { compress: true, size: bytes })
  zip.end()
  const chunks: Buffer[] = []
  for await (const piece of zip.outputStream) chunks.push(piece as Buffer)
  return Buffer.concat(chunks)
}

/**
 * A tiny PDF writer for the demo band's part files: A4 pages with Helvetica
 * text and empty staves, uncompressed, a few KB each. pdf-lib would do it,
 * but takes ~100× longer, and the demo seed writes one file for each of its
 * ~9,500 parts on the first start.
 */

export type DemoSheet = {
  /** "CB-0046" */
  libraryNumber: string | null
  pieceTitle: string
  /** "John Philip Sousa", or "Sousa, arr. Fennell"; null when unknown. */
  credit: string | null
  /** "Clarinet in B♭ 2" */
  partLabel: string
  pages: number
}

const PAGE_WIDTH = 595
const PAGE_HEIGHT = 842
const STAVES_PER_PAGE = 10

// WinAnsi (the Helvetica encoding) has no flat or sharp sign: players read "Bb" anyway.
const WIN_ANSI_EXTRAS: Record<string, number> = {
  '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '…': 0x85, '€': 0x80,
}

/** `text` as bytes of a PDF literal string in WinAnsi: escaped, anything outside it replaced. */
function pdfString(text: string): string {
  let out = ''
  for (const char of text.replaceAll('♭', 'b').replaceAll('♯', '#').normalize('NFC')) {
    const code = char.codePointAt(0) ?? 0x3f
    const byte = WIN_ANSI_EXTRAS[char] ?? (code >= 0x20 && code <= 0xff && code !== 0x7f ? code : 0x3f)
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`
    else out += String.fromCharCode(byte)
  }
  return `(${out})`
}

function text(x: number, y: number, size: number, content: string, font = 'F1'): string {
  return `BT /${font} ${size} Tf ${x} ${y} Td ${pdfString(content)} Tj ET\n`
}

function pageContent(sheet: DemoSheet, page: number): string {
  let out = ''
  const top = PAGE_HEIGHT - 60
  if (page === 1) {
    out += text(50, top, 20, sheet.pieceTitle, 'F2')
    if (sheet.credit) out += text(50, top - 22, 11, sheet.credit)
    out += text(50, top - 44, 14, sheet.partLabel, 'F2')
  } else {
    out += text(50, top, 11, `${sheet.pieceTitle} \u2013 ${sheet.partLabel}`)
  }
  if (sheet.libraryNumber) out += text(PAGE_WIDTH - 130, top, 11, sheet.libraryNumber)
  // Empty staves, so the page looks like a part and not a letter.
  out += '0.6 w\n'
  const firstStaff = page === 1 ? top - 90 : top - 40
  for (let staff = 0; staff < STAVES_PER_PAGE; staff++) {
    const base = firstStaff - staff * 66
    if (base < 90) break
    for (let line = 0; line < 5; line++) {
      const y = base - line * 6
      out += `50 ${y} m ${PAGE_WIDTH - 50} ${y} l S\n`
    }
  }
  out += text(50, 40, 9, 'Riverside Community Band \u2013 demo part, not for performance')
  out += text(PAGE_WIDTH - 120, 40, 10, `Page ${page} of ${sheet.pages}`)
  return out
}

/** A PDF of `sheet.pages` pages (1 or more) with the piece, the part and the page number printed on each. */
export function demoPartPdf(sheet: DemoSheet): Uint8Array {
  const pages = Math.max(1, Math.floor(sheet.pages))
  // Objects: 1 catalog, 2 page tree, 3–4 fonts, 5 info, then a page and its content per page.
  const objects: string[] = []
  const pageIds = Array.from({ length: pages }, (_, index) => 6 + index * 2)
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>'
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'
  objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>'
  objects[5] = `<< /Title ${pdfString(`${sheet.pieceTitle} \u2013 ${sheet.partLabel}`)} /Producer (Riverside demo seed) >>`
  for (let page = 1; page <= pages; page++) {
    const id = 6 + (page - 1) * 2
    const stream = pageContent({ ...sheet, pages }, page)
    objects[id] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
      `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${id + 1} 0 R >>`
    // Every byte of the stream is Latin-1, so its length in characters is its length in bytes.
    objects[id + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}endstream`
  }

  // The binary comment line marks the file as binary for transfer tools.
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const offsets: number[] = []
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = body.length
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`
  }
  const xref = body.length
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

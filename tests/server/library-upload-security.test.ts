import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PDFDocument, PDFName, PDFString } from 'pdf-lib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import yazl from 'yazl'
import { writeUploadLimits } from '#app/modules/library/upload-limits.server.ts'
import type { DatabaseHandle } from '#db/client.server.ts'
import { BrowserSession, mainText } from '#tests/setup/browser-session.ts'
import { makePdf, renameInZip } from '#tests/setup/library-files.ts'
import { openServerDatabase } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

/**
 * The batch upload against what an attacker sends rather than what a
 * browser sends: multipart bodies written by hand (file names with "../",
 * absolute and Windows paths, control characters, markup, SQL, shell and
 * URLs), ZIPs with unsafe entries and a symlink, files whose bytes are not
 * what their name says. The lines of docs/security/asvs-level-2.md under
 * "V5 File handling" cite these tests.
 */
let server: TestServer
let database: DatabaseHandle
let librarian: BrowserSession
/** Every name a test makes carries it, so a file that lands anywhere unexpected can be found by name. */
const marker = `asvs-${randomBytes(6).toString('hex')}`

beforeAll(async () => {
  server = await startTestServer()
  database = await openServerDatabase(server)
  librarian = new BrowserSession(server.url)
  await librarian.signIn('librarian@example.org')
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
})

type Part =
  | { field: string; value: string }
  /** `encoded`: the name goes in `filename*=UTF-8''…` (RFC 5987), every byte percent-encoded, so quotes and controls reach the server as they are. */
  | { field: string; filename: string; bytes: Buffer; type?: string; encoded?: boolean }

const percentEncoded = (text: string) => [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')

/** A multipart/form-data body byte for byte, as a hand-written client (not a browser) sends it. */
function multipartBody(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----asvs-${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`))
    if ('value' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.field}"\r\n\r\n${part.value}\r\n`))
      continue
    }
    const name = part.encoded ? `filename*=UTF-8''${percentEncoded(part.filename)}` : `filename="${part.filename}"`
    chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.field}"; ${name}\r\nContent-Type: ${part.type ?? 'application/pdf'}\r\n\r\n`))
    chunks.push(part.bytes, Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Posts a hand-written multipart body to the upload form as the signed-in librarian. */
async function postUpload(parts: Part[]) {
  const { body, contentType } = multipartBody(parts)
  const response = await fetch(new URL('/library/upload', server.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { accept: 'text/html', cookie: librarian.cookieHeader(), origin: librarian.origin, 'content-type': contentType },
    body: new Uint8Array(body),
  })
  const html = await response.text()
  const batchId = /\/library\/upload\/([0-9a-f-]{36})$/.exec(response.headers.get('location') ?? '')?.[1] ?? ''
  return { status: response.status, batchId, html, text: mainText(html) }
}

const newPiece = (title: string): Part[] => [
  { field: 'target', value: 'new' },
  { field: 'title', value: title },
]

async function rowsOf(batchId: string) {
  return database.db
    .selectFrom('upload_files')
    .select(['id', 'original_name as name', 'archive_name as archive', 'problem', 'staging_key as key', 'sha256', 'page_count as pages', 'label'])
    .where('batch_id', '=', batchId)
    .orderBy('position')
    .execute()
}

const storageDirectory = () => path.join(server.dataDir, 'files')

/** Every file and folder under `directory`, relative to it (`filesOnly`: no folders). */
async function everythingUnder(directory: string, filesOnly = false): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((entry) => !filesOnly || entry.isFile()).map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
}

/** Files and folders whose name carries the marker: in the server's data folder (storage and database), the working folder and the temporary folder. */
async function markedFiles(): Promise<string[]> {
  const found = (await everythingUnder(server.dataDir)).filter((name) => name.includes(marker))
  for (const folder of [process.cwd(), tmpdir(), path.dirname(server.dataDir), '/etc']) {
    found.push(...(await readdir(folder).catch(() => [])).filter((name) => name.includes(marker)).map((name) => path.join(folder, name)))
  }
  return found
}

/** A ZIP as makeZip writes it, but an entry may carry Unix mode bits (0o120777: a symbolic link whose bytes are its target). */
async function zipOf(items: { name: string; bytes: Buffer; mode?: number }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile()
  for (const item of items) zip.addBuffer(item.bytes, item.name, { mtime: new Date('2026-01-01T00:00:00Z'), ...(item.mode === undefined ? {} : { mode: item.mode }) })
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function storedBytes(key: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await server.runtime.storage.get(key)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('file names from the sender never name a path (traversal, absolute, Windows, encoded, control characters)', () => {
  test('each file is staged under an opaque key with its name cleaned for display, and nothing lands outside storage', async () => {
    const sent = [
      { filename: `../../../../../../../../tmp/${marker}-a.pdf` },
      { filename: `..\\..\\..\\..\\${marker}-b.pdf` },
      { filename: `/etc/${marker}-c.pdf` },
      { filename: `../../${marker}-d.pdf`, encoded: true },
      { filename: `C:\\Windows\\${marker}-e.pdf`, encoded: true },
      { filename: `${marker}\u0000\u0001\u001b[31m-f\u202e\u200b.pdf`, encoded: true },
      { filename: `%2e%2e%2f${marker}-g.pdf` },
      { filename: `${marker}-h.pdf\u0000.sh`, encoded: true },
    ]
    const files = await Promise.all(sent.map(async (file, index) => ({ ...file, bytes: await makePdf({ text: `traversal ${index}` }) })))
    const upload = await postUpload([...newPiece('Traversal Test'), ...files.map((file) => ({ field: 'files', ...file }))])
    expect(upload.status, upload.text).toBe(302)
    const rows = await rowsOf(upload.batchId)

    // Only the last part of each name is kept, controls and bidirectional marks removed, a NUL and what follows dropped or joined.
    expect(rows.map((row) => row.name)).toEqual([
      `${marker}-a.pdf`,
      `${marker}-b.pdf`,
      `${marker}-c.pdf`,
      `${marker}-d.pdf`,
      `${marker}-e.pdf`,
      `${marker}[31m-f.pdf`,
      `%2e%2e%2f${marker}-g.pdf`,
      `${marker}-h.pdf.sh`,
    ])
    for (const [index, row] of rows.entries()) {
      expect(row.problem).toBeNull()
      expect(row.key).toMatch(new RegExp(`^staging/${upload.batchId}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))
      expect(row.key).not.toContain(marker)
      // The opaque key holds the very bytes that were sent under that name.
      expect(sha256(await storedBytes(row.key ?? ''))).toBe(sha256(files[index]?.bytes ?? Buffer.alloc(0)))
    }
    expect(await markedFiles()).toEqual([])
    expect(existsSync(path.join(tmpdir(), `${marker}-a.pdf`))).toBe(false)
    expect(existsSync(`/etc/${marker}-c.pdf`)).toBe(false)
  })

  test('shell syntax in a name runs nothing: the name is only ever text', async () => {
    const names = [`$(touch ${marker}-dollar).pdf`, `\`touch ${marker}-backtick\`.pdf`, `x; touch ${marker}-semicolon; .pdf`, `x | touch ${marker}-pipe.pdf`]
    const files = await Promise.all(names.map(async (filename, index) => ({ field: 'files', filename, encoded: true, bytes: await makePdf({ text: `shell ${index}` }) })))
    const upload = await postUpload([...newPiece(`$(touch ${marker}-title)`), ...files])
    expect(upload.status, upload.text).toBe(302)
    expect((await rowsOf(upload.batchId)).map((row) => [row.name, row.problem])).toEqual(names.map((name) => [name, null]))
    expect(await markedFiles()).toEqual([])
  })

  test('no module of the app, the server or the database code starts a process (so no file name can reach a shell)', async () => {
    const offenders: string[] = []
    for (const folder of ['app', 'server', 'db']) {
      for (const file of await everythingUnder(folder)) {
        if (!/\.(ts|tsx|js)$/.test(file) || /\.test\.tsx?$/.test(file)) continue
        const source = await readFile(path.join(folder, file), 'utf8')
        if (/\bchild_process\b|\bexeca\b|\bshelljs\b/.test(source)) offenders.push(path.join(folder, file))
      }
    }
    expect(offenders).toEqual([])
  })
})

describe('a ZIP’s entry paths never reach the disk', () => {
  test('absolute, climbing and drive-letter entries are refused; a symlink entry is read as its own bytes, never followed', async () => {
    // A real PDF on this machine: a ZIP that were unpacked to disk with its links followed would bring it in.
    const target = path.join(tmpdir(), `${marker}-link-target.pdf`)
    await writeFile(target, await makePdf({ text: 'outside the upload' }))
    try {
      const pdf = async (text: string) => makePdf({ text })
      // yazl refuses unsafe names: each is written under a placeholder of the same length and patched (renameInZip).
      const placeholders = { absolute: `_tmp/${marker}-z1.pdf`, climbing: `xx/xx/${marker}-z2.pdf`, drive: `C_/${marker}-z3.pdf` }
      let zip = await zipOf([
        { name: placeholders.absolute, bytes: await pdf('absolute') },
        { name: placeholders.climbing, bytes: await pdf('climbing') },
        { name: placeholders.drive, bytes: await pdf('drive') },
        { name: 'Flute.pdf', bytes: Buffer.from(target), mode: 0o120777 },
        { name: 'Tuba.pdf', bytes: await pdf('tuba') },
      ])
      zip = renameInZip(zip, placeholders.absolute, `/tmp/${marker}-z1.pdf`)
      zip = renameInZip(zip, placeholders.climbing, `../../${marker}-z2.pdf`)
      zip = renameInZip(zip, placeholders.drive, `C:/${marker}-z3.pdf`)
      const upload = await postUpload([...newPiece('Zip Paths Test'), { field: 'files', filename: `${marker}.zip`, type: 'application/zip', bytes: zip }])
      expect(upload.status, upload.text).toBe(302)
      const rows = await rowsOf(upload.batchId)
      expect(rows.map((row) => [row.name, row.archive, row.problem, row.key === null])).toEqual([
        [`${marker}-z1.pdf`, `${marker}.zip`, 'Unsafe path in the ZIP', true],
        [`${marker}-z2.pdf`, `${marker}.zip`, 'Unsafe path in the ZIP', true],
        [`${marker}-z3.pdf`, `${marker}.zip`, 'Unsafe path in the ZIP', true],
        ['Flute.pdf', `${marker}.zip`, 'Not a PDF', true],
        ['Tuba.pdf', `${marker}.zip`, null, false],
      ])
      expect(rows[4]?.pages).toBe(1)
      // Nothing of the ZIP was written under a name from it: only the opaque key of Tuba.pdf is in storage for this batch.
      const staged = (await everythingUnder(path.join(storageDirectory(), 'staging', upload.batchId), true)).map((name) => `staging/${upload.batchId}/${name}`)
      expect(staged).toEqual([rows[4]?.key])
      expect((await markedFiles()).filter((name) => !name.endsWith(`${marker}-link-target.pdf`))).toEqual([])
    } finally {
      await rm(target, { force: true })
    }
  })
})

describe('the type of a file is read from its bytes, not its name or declared type', () => {
  test('HTML behind a %PDF- line, an image named .pdf, a PDF named .zip and HTML are refused; a real PDF under another name is read as one', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)])
    const fakePdf = Buffer.from('%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n')
    const real = await makePdf({ text: 'real', pages: 2 })
    const upload = await postUpload([
      ...newPiece('Content Type Test'),
      { field: 'files', filename: 'Flute.pdf', bytes: fakePdf },
      { field: 'files', filename: 'Oboe.pdf', bytes: png, type: 'image/png' },
      { field: 'files', filename: 'Horn.zip', bytes: await makePdf({ text: 'horn' }), type: 'application/zip' },
      { field: 'files', filename: 'Page.html', bytes: Buffer.from('<!doctype html><title>x</title><script>alert(1)</script>'), type: 'text/html' },
      { field: 'files', filename: 'Bassoon.txt', bytes: real, type: 'text/plain' },
    ])
    expect(upload.status, upload.text).toBe(302)
    const rows = await rowsOf(upload.batchId)
    expect(rows.map((row) => [row.name, row.problem, row.key === null, row.pages])).toEqual([
      ['Flute.pdf', 'Damaged PDF — it cannot be read', true, null],
      ['Oboe.pdf', 'Not a PDF', true, null],
      ['Horn.zip', 'Damaged ZIP — it cannot be opened', true, null],
      ['Page.html', 'Not a PDF', true, null],
      ['Bassoon.txt', null, false, 2],
    ])
    // Refused files leave nothing in storage: only the real PDF is staged.
    expect(await everythingUnder(path.join(storageDirectory(), 'staging', upload.batchId), true)).toHaveLength(1)
    expect(sha256(await storedBytes(rows[4]?.key ?? ''))).toBe(sha256(real))
  })
})

describe('names and titles are shown as text, never as markup or script', () => {
  const title = '</script><script>alert("title")</script>'
  const names = ['<script>alert("name")<script>.pdf', '"><img src=x onerror=alert(1)>.pdf', "'); DROP TABLE upload_files; --.pdf", '{{7*7}} ${7*7} <%= 7*7 %>.pdf']
  let batchId: string

  beforeAll(async () => {
    const files = await Promise.all(names.map(async (filename, index) => ({ field: 'files', filename, encoded: true, bytes: await makePdf({ text: `markup ${index}` }) })))
    const upload = await postUpload([...newPiece(title), ...files])
    expect(upload.status, upload.text).toBe(302)
    batchId = upload.batchId
  })

  const assertNoInjectedMarkup = (html: string) => {
    expect(html).not.toMatch(/<script>alert\(/)
    expect(html).not.toMatch(/<img src=x/)
    expect(html).not.toContain('</script><script>alert')
    expect(html).not.toContain('<%= 7*7 %>')
  }

  test('names are stored exactly as sent (the SQL in one is a value, not a statement)', async () => {
    expect((await rowsOf(batchId)).map((row) => row.name)).toEqual(names)
    const batch = await database.db.selectFrom('upload_batches').select('new_piece_title').where('id', '=', batchId).executeTakeFirstOrThrow()
    expect(batch.new_piece_title).toBe(title)
  })

  test('the review page shows each name and the title as text; the page data carries them escaped', async () => {
    const page = await librarian.get(`/library/upload/${batchId}`)
    expect(page.status).toBe(200)
    for (const name of names) expect(page.text).toContain(name)
    expect(page.text).toContain(title)
    assertNoInjectedMarkup(page.html)
    // Entities in the markup, and the hydration data keeps "<" out of its script.
    expect(page.html).toContain('&lt;script&gt;alert(')
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  test('the upload page lists the waiting batch by its title, as text', async () => {
    const page = await librarian.get('/library/upload')
    expect(page.text).toContain(title)
    assertNoInjectedMarkup(page.html)
  })

  test('the corrections list after a save shows the name and the new label as text', async () => {
    const rows = await database.db.selectFrom('upload_files').select(['id', 'instrument_id', 'chairs', 'included']).where('batch_id', '=', batchId).orderBy('position').execute()
    const form: Record<string, string> = { intent: 'save' }
    for (const [index, row] of rows.entries()) {
      form[`files.${row.id}.instrumentId`] = row.instrument_id ?? ''
      form[`files.${row.id}.chairs`] = row.chairs.join(' & ')
      form[`files.${row.id}.label`] = index === 0 ? '<script>alert("label")<script>' : ''
      if (row.included) form[`files.${row.id}.include`] = 'on'
    }
    const page = await librarian.post(`/library/upload/${batchId}`, form)
    expect(page.status, page.text).toBe(200)
    expect(page.text).toContain(`${names[0]}: label “<script>alert("label")<script>”`)
    assertNoInjectedMarkup(page.html)
  })

  test('fields sent back with a refused form are escaped in their inputs', async () => {
    const answer = await postUpload([
      { field: 'target', value: 'number' },
      { field: 'libraryNumber', value: '"><script>alert(3)' },
      { field: 'files', filename: 'Flute.pdf', bytes: await makePdf({ text: 'echo' }) },
    ])
    expect(answer.status).toBe(400)
    expect(answer.text).toContain('No piece has the library number “"><script>alert(3)”.')
    expect(answer.html).not.toContain('"><script>alert(3)')
    expect(answer.html).toContain('value="&quot;&gt;&lt;script&gt;alert(3)"')
  })
})

describe('form fields are checked against their schemas', () => {
  const stagedCount = async () => (await everythingUnder(path.join(storageDirectory(), 'staging'), true)).length
  const batchCount = async () => Number((await database.db.selectFrom('upload_batches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

  test.each([
    { case: 'an unknown target', fields: [{ field: 'target', value: 'everything' }], message: 'Say which piece the files are for.' },
    { case: 'no target at all', fields: [], message: 'Say which piece the files are for.' },
    { case: 'a piece id that is not a UUID', fields: [{ field: 'target', value: 'piece' }, { field: 'pieceId', value: "1' OR '1'='1" }], message: 'Nothing was uploaded: correct the form and choose the files again.' },
    { case: 'a title over 200 characters', fields: newPiece('T'.repeat(201)), message: 'At most 200 characters.' },
    { case: 'a title past the 4 KB field limit', fields: newPiece('T'.repeat(10_000)), message: 'At most 200 characters.' },
    { case: 'a library number over 20 characters', fields: [{ field: 'target', value: 'number' }, { field: 'libraryNumber', value: '1'.repeat(21) }], message: 'At most 20 characters.' },
  ])('$case: the form again with the reason, and nothing is kept', async ({ fields, message }) => {
    const [batches, staged] = [await batchCount(), await stagedCount()]
    const answer = await postUpload([...fields, { field: 'files', filename: 'Flute.pdf', bytes: await makePdf({ text: 'schema' }) }])
    expect(answer.status).toBe(400)
    expect(answer.text).toContain(message)
    expect(await batchCount()).toBe(batches)
    expect(await stagedCount()).toBe(staged)
  })

  test('the review form refuses chairs and instruments outside their patterns, and ignores rows of another batch', async () => {
    const make = async (title: string, text: string) => {
      const upload = await postUpload([...newPiece(title), { field: 'files', filename: 'Flute 1.pdf', bytes: await makePdf({ text }) }])
      expect(upload.status, upload.text).toBe(302)
      return { batchId: upload.batchId, row: (await rowsOf(upload.batchId))[0] }
    }
    const mine = await make('Review Schema A', 'schema a')
    const other = await make('Review Schema B', 'schema b')
    const rowOf = (id: string, fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).map(([name, value]) => [`files.${id}.${name}`, value]))

    const badChairs = await librarian.post(`/library/upload/${mine.batchId}`, { intent: 'save', ...rowOf(mine.row?.id ?? '', { instrumentId: '', chairs: '1; DROP', label: 'x', include: 'on' }) })
    expect(badChairs.status).toBe(400)
    expect(badChairs.errors.join(' ')).toContain('Write chairs as numbers from 1 to 20')
    const badInstrument = await librarian.post(`/library/upload/${mine.batchId}`, { intent: 'save', ...rowOf(mine.row?.id ?? '', { instrumentId: '../../etc/passwd', chairs: '1', label: 'x', include: 'on' }) })
    expect(badInstrument.status).toBe(400)
    expect(badInstrument.errors.join(' ')).toContain('Choose one of the band’s instruments.')

    // A row id of another batch, sent to this batch's page, changes nothing there.
    const foreign = await librarian.post(`/library/upload/${mine.batchId}`, { intent: 'save', ...rowOf(other.row?.id ?? '', { instrumentId: '', chairs: '', label: 'Hijacked', include: 'on' }) })
    expect(foreign.status).toBe(200)
    expect(foreign.text).toContain('Nothing had changed.')
    expect((await rowsOf(other.batchId))[0]?.label).toBe(other.row?.label)
  })
})

describe('an upload of very many tiny parts (regression: each part past the limits used to leave a row)', () => {
  afterAll(() => writeUploadLimits(server.runtime.db, { maxFiles: 300, maxZipEntries: 1_000 }))

  test('leaves the rows its limits allow and one saying the rest were not read, not a row per part', async () => {
    await writeUploadLimits(server.runtime.db, { maxFiles: 3, maxZipEntries: 2 })
    const tiny: Part[] = Array.from({ length: 500 }, (_, i) => ({ field: 'files', filename: `${i}.txt`, type: 'text/plain', bytes: Buffer.from('x') }))
    const upload = await postUpload([
      ...newPiece('Many Parts Test'),
      { field: 'files', filename: 'Flute.pdf', bytes: await makePdf({ text: 'many 1' }) },
      { field: 'files', filename: 'Oboe.pdf', bytes: await makePdf({ text: 'many 2' }) },
      ...tiny,
    ])
    expect(upload.status, upload.text).toBe(302)
    expect((await rowsOf(upload.batchId)).map((row) => [row.name, row.problem])).toEqual([
      ['Flute.pdf', null],
      ['Oboe.pdf', null],
      ['0.txt', 'Not a PDF'],
      ['1.txt', 'More than 3 files in one upload: this one was not kept'],
      ['2.txt', 'More than 3 files in one upload: this one was not kept'],
      ['…', 'More than 3 files in one upload: the rest were not read'],
    ])
    const review = await librarian.get(`/library/upload/${upload.batchId}`)
    expect(review.status).toBe(200)
    expect(review.text).toContain('Refused: More than 3 files in one upload: the rest were not read')
  })
})

describe('ZIP entries are held to the per-file limit as they inflate', () => {
  afterAll(() => writeUploadLimits(server.runtime.db, { maxFileBytes: 50 * 1024 * 1024 }))

  test('an entry that inflates past the per-file limit is refused and leaves nothing; a small one beside it is kept', async () => {
    await writeUploadLimits(server.runtime.db, { maxFileBytes: 200 * 1024 })
    // Random padding does not compress: the ratio check passes it, so only the count of inflated bytes can stop it.
    const zip = await zipOf([
      { name: 'Score.pdf', bytes: await makePdf({ text: 'big', padding: 300 * 1024 }) },
      { name: 'Flute.pdf', bytes: await makePdf({ text: 'small' }) },
    ])
    expect(zip.length).toBeGreaterThan(300 * 1024)
    const upload = await postUpload([...newPiece('Zip Size Test'), { field: 'files', filename: 'Parts.zip', type: 'application/zip', bytes: zip }])
    expect(upload.status, upload.text).toBe(302)
    const rows = await rowsOf(upload.batchId)
    expect(rows.map((row) => [row.name, row.problem, row.key === null])).toEqual([
      ['Score.pdf', 'Larger than the 200 KB allowed for one file', true],
      ['Flute.pdf', null, false],
    ])
    expect(await everythingUnder(path.join(storageDirectory(), 'staging', upload.batchId), true)).toHaveLength(1)
  })
})

describe('stored files are outside the web root and no address serves them', () => {
  test('the storage folder is not under the client build, and no request for a staged key returns its bytes', async () => {
    const config = server.runtime.config.storage
    expect(config).toEqual({ kind: 'local', directory: storageDirectory() })
    const webRoot = path.resolve('build/client')
    expect(path.relative(webRoot, storageDirectory()).startsWith('..')).toBe(true)

    const upload = await postUpload([...newPiece('Web Root Test'), { field: 'files', filename: 'Flute.pdf', bytes: await makePdf({ text: 'web root' }) }])
    expect(upload.status, upload.text).toBe(302)
    const key = (await rowsOf(upload.batchId))[0]?.key ?? ''
    expect(key).not.toBe('')
    for (const address of [`/${key}`, `/${key}.pdf`, `/files/${key}`, `/data/files/${key}`, `/assets/../files/${key}`, `/assets/..%2f..%2f..%2fdata/files/${key}`]) {
      const response = await fetch(new URL(address, server.url), { redirect: 'manual', headers: { cookie: librarian.cookieHeader() } })
      const body = Buffer.from(await response.arrayBuffer())
      expect(response.status, address).not.toBe(200)
      expect(body.includes('%PDF-'), address).toBe(false)
    }
  })
})

describe('the upload calls no other service with what it was sent (SSRF, remote inclusion)', () => {
  let canary: Server
  let canaryUrl: string
  const hits: string[] = []

  beforeAll(async () => {
    canary = createServer((request, response) => {
      hits.push(request.url ?? '')
      response.end('%PDF-1.7 fetched')
    })
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve))
    canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => canary.close(() => resolve())))

  /** A real PDF that links to, and asks to open, an address on the canary. */
  async function pdfPointingAt(url: string): Promise<Buffer> {
    const document = await PDFDocument.create()
    const page = document.addPage([200, 200])
    const action = document.context.obj({ Type: 'Action', S: 'URI', URI: PDFString.of(url) })
    const link = document.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 200, 200], A: action })
    page.node.set(PDFName.of('Annots'), document.context.obj([document.context.register(link)]))
    document.catalog.set(PDFName.of('OpenAction'), action)
    return Buffer.from(await document.save())
  }

  test('URLs in the fields, the file names and the PDFs are never fetched, neither on upload nor on confirm', async () => {
    const upload = await postUpload([
      { field: 'target', value: 'new' },
      { field: 'title', value: `${canaryUrl}/title` },
      { field: 'composer', value: `${canaryUrl}/composer` },
      { field: 'files', filename: `${canaryUrl}/Flute.pdf`, encoded: true, bytes: await pdfPointingAt(`${canaryUrl}/pdf-link`) },
      { field: 'files', filename: `\\\\127.0.0.1\\share\\Oboe.pdf`, encoded: true, bytes: await makePdf({ text: 'unc' }) },
      { field: 'files', filename: 'Horn.pdf', bytes: Buffer.from(`${canaryUrl}/as-content.pdf`) },
    ])
    expect(upload.status, upload.text).toBe(302)
    const rows = await rowsOf(upload.batchId)
    expect(rows.map((row) => [row.name, row.problem])).toEqual([
      ['Flute.pdf', null],
      ['Oboe.pdf', null],
      ['Horn.pdf', 'Not a PDF'],
    ])
    const instrument = await database.db.selectFrom('instruments').select('id').orderBy('sort_order').limit(2).execute()
    const form: Record<string, string> = { intent: 'confirm' }
    for (const [index, row] of rows.slice(0, 2).entries()) {
      form[`files.${row.id}.instrumentId`] = instrument[index]?.id ?? ''
      form[`files.${row.id}.chairs`] = ''
      form[`files.${row.id}.label`] = `SSRF ${index}`
      form[`files.${row.id}.include`] = 'on'
    }
    const confirmed = await librarian.post(`/library/upload/${upload.batchId}`, form)
    expect(confirmed.status, confirmed.text).toBe(302)
    const batch = await database.db.selectFrom('upload_batches').select('status').where('id', '=', upload.batchId).executeTakeFirstOrThrow()
    expect(batch.status).toBe('confirmed')
    expect(hits).toEqual([])
    // The canary does answer when something does call it: the empty list above means nothing did.
    await fetch(`${canaryUrl}/control`)
    expect(hits).toEqual(['/control'])
  })
})

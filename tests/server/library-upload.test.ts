import { readdir } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { writeUploadLimits } from '#app/modules/library/upload-limits.server.ts'
import type { DatabaseHandle } from '#db/client.server.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { corruptPdf, encryptedPdf, makePdf, makeZip, renameInZip, zeroPagePdf, zipBomb } from '#tests/setup/library-files.ts'
import { openServerDatabase } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

/** The upload form at /library/upload through the whole stack, as a browser without JavaScript sends it. */
let server: TestServer
let database: DatabaseHandle
let librarian: BrowserSession

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

const pdfFile = async (name: string, pages = 1) => file(await makePdf({ pages, text: name }), name, 'application/pdf')
const file = (bytes: Buffer, name: string, type = 'application/octet-stream') => new File([new Uint8Array(bytes)], name, { type })

function uploadForm(fields: Record<string, string>, files: File[]): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  for (const item of files) form.append('files', item)
  return form
}

const batchIdOf = (location: string | null) => /\/library\/upload\/([0-9a-f-]{36})$/.exec(location ?? '')?.[1] ?? ''

async function rowsOf(batchId: string) {
  return database.db
    .selectFrom('upload_files')
    .leftJoin('instruments', 'instruments.id', 'upload_files.instrument_id')
    .select(['upload_files.original_name as name', 'upload_files.archive_name as archive', 'upload_files.problem', 'upload_files.page_count as pages',
      'upload_files.mapping', 'upload_files.label', 'upload_files.chairs', 'instruments.name as instrument', 'upload_files.staging_key as key',
      'upload_files.included', 'upload_files.duplicate_of_position as duplicateOf', 'upload_files.duplicate_of_file_id as duplicateOfFile', 'upload_files.sha256'])
    .where('batch_id', '=', batchId)
    .orderBy('position')
    .execute()
}

/**
 * Objects under staging/, as the local storage keeps them, and ZIPs waiting
 * in the temporary folder. (The storage's own temporary files are not
 * counted: the demo part files job writes through them meanwhile; the
 * storage contract tests show a failed put leaves none.)
 */
async function stagedObjects(): Promise<string[]> {
  const entries = await readdir(path.join(server.dataDir, 'files', 'staging'), { recursive: true, withFileTypes: true }).catch(() => [])
  const zips = (await readdir(tmpdir())).filter((name) => name.startsWith('band-upload-'))
  return [...entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name)), ...zips]
}

describe('the upload form', () => {
  test('offers a new piece or one by library number, the limits, and the uploads waiting', async () => {
    const page = await librarian.get('/library/upload')
    expect(page.status).toBe(200)
    expect(page.html).toMatch(/enctype="multipart\/form-data"/i)
    expect(page.text).toContain('A new piece')
    expect(page.text).toContain('A piece already in the library')
    expect(page.text).toMatch(/Up to 50 MB per file, 1 GB and 300 files in all/)
    expect(page.text).toContain('Your uploads waiting for review')
  })

  test('from a piece’s page it is for that piece', async () => {
    const piece = await database.db.selectFrom('pieces').select(['id', 'title']).where('deleted_at', 'is', null).orderBy('title').limit(1).executeTakeFirstOrThrow()
    const page = await librarian.get(`/library/upload?piece=${piece.id}`)
    expect(page.text).toContain(piece.title)
    expect(page.html).toContain(`name="pieceId" value="${piece.id}"`)
  })
})

describe('a batch for a new piece', () => {
  let batchId: string
  let rows: Awaited<ReturnType<typeof rowsOf>>

  beforeAll(async () => {
    const zip = renameInZip(
      await makeZip([
        { name: 'Set/05 Trombone 1.pdf', bytes: await makePdf({ text: 'Trombone 1' }) },
        { name: 'Set/06 Tuba.pdf', bytes: await makePdf({ text: 'Tuba', pages: 2 }) },
        { name: 'Set/XXevil.pdf', bytes: await makePdf({ text: 'evil' }) },
        { name: 'Set/inner.zip', bytes: await makeZip([{ name: 'a.pdf', bytes: await makePdf() }]) },
        { name: '__MACOSX/Set/._06 Tuba.pdf', bytes: Buffer.from('resource fork') },
      ]),
      'Set/XXevil.pdf',
      '../../evil.pdf',
    )
    const page = await librarian.postMultipart(
      '/library/upload',
      uploadForm({ target: 'new', title: 'Sunrise Intrada', composer: 'Upload Composer' }, [
        await pdfFile('01 Full Score.pdf', 4),
        await pdfFile('Sunrise Intrada - Flute 1.pdf'),
        await pdfFile('Clarinet in Bb 2.pdf'),
        await pdfFile('TPT1.pdf'),
        await pdfFile('Horn in F 1 & 3.pdf'),
        await pdfFile('Stimme 7.pdf'),
        file(zip, 'Low brass.zip', 'application/zip'),
        file(Buffer.from('just words'), 'notes.txt', 'text/plain'),
        file(Buffer.alloc(0), 'Empty.pdf', 'application/pdf'),
        file(encryptedPdf(), 'Locked Oboe.pdf', 'application/pdf'),
        file(await corruptPdf(), 'Broken Bassoon.pdf', 'application/pdf'),
        file(await zeroPagePdf(), 'Blank Harp.pdf', 'application/pdf'),
        file(await makePdf({ text: 'control' }), 'Euphonium\u0007\u202e.pdf', 'application/pdf'),
        file(await makePdf({ text: 'long' }), `${'Timpani '.repeat(40)}.pdf`, 'application/pdf'),
        file(await zipBomb(50 * 1024 * 1024), 'Bomb.zip', 'application/zip'),
      ]),
    )
    expect(page.status, page.text).toBe(302)
    batchId = batchIdOf(page.location)
    rows = await rowsOf(batchId)
  }, 60_000)

  test('each PDF is staged with its pages and a proposal; each bad file refused with its own message', () => {
    const by = (name: string) => rows.find((row) => row.name === name)
    expect(by('01 Full Score.pdf')).toMatchObject({ problem: null, pages: 4, instrument: 'Score', mapping: 'sure', included: true })
    expect(by('Sunrise Intrada - Flute 1.pdf')).toMatchObject({ instrument: 'Flute', chairs: [1], label: 'Flute 1' })
    expect(by('Clarinet in Bb 2.pdf')).toMatchObject({ instrument: 'Clarinet in B♭', chairs: [2] })
    expect(by('TPT1.pdf')).toMatchObject({ instrument: 'Trumpet in B♭', chairs: [1] })
    expect(by('Horn in F 1 & 3.pdf')).toMatchObject({ instrument: 'Horn in F', chairs: [1, 3] })
    // Not guessed: nothing in "Stimme 7" says which instrument.
    expect(by('Stimme 7.pdf')).toMatchObject({ problem: null, instrument: null, included: true })
    expect(by('Stimme 7.pdf')?.mapping).not.toBe('sure')

    expect(by('05 Trombone 1.pdf')).toMatchObject({ archive: 'Low brass.zip', instrument: 'Trombone', chairs: [1], pages: 1 })
    expect(by('06 Tuba.pdf')).toMatchObject({ archive: 'Low brass.zip', instrument: 'Tuba', pages: 2 })
    expect(by('evil.pdf')).toMatchObject({ archive: 'Low brass.zip', problem: 'Unsafe path in the ZIP', key: null })
    expect(by('inner.zip')).toMatchObject({ problem: 'ZIP inside a ZIP is not opened' })
    expect(rows.some((row) => row.name.includes('._'))).toBe(false)

    expect(by('notes.txt')?.problem).toBe('Not a PDF')
    expect(by('Empty.pdf')?.problem).toBe('Empty file')
    expect(by('Locked Oboe.pdf')?.problem).toMatch(/Encrypted PDF/)
    expect(by('Broken Bassoon.pdf')?.problem).toMatch(/Damaged PDF/)
    expect(by('Blank Harp.pdf')?.problem).toBe('The PDF has no pages')
    expect(by('Euphonium.pdf')).toMatchObject({ problem: null, instrument: 'Euphonium' })
    const long = rows.find((row) => row.name.startsWith('Timpani'))
    expect([...(long?.name ?? '')].length).toBeLessThanOrEqual(255)
    expect(long).toMatchObject({ problem: null, instrument: 'Timpani' })
    expect(by('Score.pdf')).toMatchObject({ archive: 'Bomb.zip', problem: expect.stringMatching(/ZIP bomb/), key: null })
    for (const row of rows) expect(row.included).toBe(row.problem === null)
  })

  test('only usable files are in staging, under opaque keys; no temporary file is left', async () => {
    const usable = rows.filter((row) => !row.problem)
    for (const row of usable) {
      expect(row.key).toMatch(new RegExp(`^staging/${batchId}/[0-9a-f-]{36}$`))
      expect(await server.runtime.storage.exists(row.key ?? '')).toBe(true)
    }
    const objects = await stagedObjects()
    expect(objects.filter((object) => object.includes(batchId))).toHaveLength(usable.length)
    expect(objects.filter((object) => object.startsWith('band-upload-'))).toEqual([])
  })

  test('the batch, its piece-to-be and an audit entry are written', async () => {
    const batch = await database.db.selectFrom('upload_batches').selectAll().where('id', '=', batchId).executeTakeFirstOrThrow()
    expect(batch).toMatchObject({ status: 'staged', piece_id: null, new_piece_title: 'Sunrise Intrada', new_piece_composer: 'Upload Composer' })
    const audit = await database.db.selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', batchId).execute()
    expect(audit).toEqual([{ action: 'upload.stage', changes: { details: expect.objectContaining({ files: rows.length, refused: rows.filter((row) => row.problem).length }) } }])
  })

  test('the review page lists every file and the upload page lists the batch as waiting', async () => {
    const review = await librarian.get(`/library/upload/${batchId}`)
    expect(review.status).toBe(200)
    for (const name of ['TPT1.pdf', '06 Tuba.pdf', 'Locked Oboe.pdf']) expect(review.text).toContain(name)
    const upload = await librarian.get('/library/upload')
    expect(upload.html).toContain(`/library/upload/${batchId}`)
    expect(upload.text).toContain('Sunrise Intrada')
  })
})

describe('duplicates', () => {
  test('the same bytes twice in a batch, or a file the library has, are flagged and left out', async () => {
    const stored = await database.db.selectFrom('part_files').select(['id', 'storage_key']).where('deleted_at', 'is', null).limit(1).executeTakeFirstOrThrow()
    const chunks: Buffer[] = []
    for await (const chunk of await server.runtime.storage.get(stored.storage_key)) chunks.push(chunk as Buffer)
    const twice = await makePdf({ text: 'twice' })
    const page = await librarian.postMultipart(
      '/library/upload',
      uploadForm({ target: 'new', title: 'Duplicate Test' }, [file(twice, 'Flute.pdf', 'application/pdf'), file(twice, 'Flute copy.pdf', 'application/pdf'), file(Buffer.concat(chunks), 'Oboe.pdf', 'application/pdf')]),
    )
    expect(page.status).toBe(302)
    const rows = await rowsOf(batchIdOf(page.location))
    expect(rows.map((row) => [row.name, row.duplicateOf, row.duplicateOfFile, row.included])).toEqual([
      ['Flute.pdf', null, null, true],
      ['Flute copy.pdf', 0, null, false],
      ['Oboe.pdf', null, stored.id, false],
    ])
  })
})

describe('an existing piece', () => {
  test('found by its library number; a file for a part it has becomes that part’s new version on confirm', async () => {
    const piece = await database.db
      .selectFrom('pieces')
      .select(['id', 'library_number'])
      .where('library_number', 'is not', null)
      .where('deleted_at', 'is', null)
      .orderBy('library_number')
      .limit(1)
      .executeTakeFirstOrThrow()
    const page = await librarian.postMultipart('/library/upload', uploadForm({ target: 'number', libraryNumber: ` ${piece.library_number} ` }, [await pdfFile('Flute.pdf')]))
    expect(page.status).toBe(302)
    const batch = await database.db.selectFrom('upload_batches').select('piece_id').where('id', '=', batchIdOf(page.location)).executeTakeFirstOrThrow()
    expect(batch.piece_id).toBe(piece.id)
  })

  test('an unknown library number, a missing title or no files: the form again with the reason, nothing kept', async () => {
    const before = await database.db.selectFrom('upload_batches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const objects = (await stagedObjects()).length
    const unknown = await librarian.postMultipart('/library/upload', uploadForm({ target: 'number', libraryNumber: 'NO-SUCH-9' }, [await pdfFile('Flute.pdf')]))
    expect(unknown.status).toBe(400)
    expect(unknown.text).toContain('No piece has the library number “NO-SUCH-9”.')
    expect(unknown.html).toContain('value="NO-SUCH-9"')
    const untitled = await librarian.postMultipart('/library/upload', uploadForm({ target: 'new', title: ' ' }, [await pdfFile('Flute.pdf')]))
    expect(untitled.status).toBe(400)
    expect(untitled.text).toContain('Give the new piece a title.')
    const empty = await librarian.postMultipart('/library/upload', uploadForm({ target: 'new', title: 'No Files' }, [file(Buffer.alloc(0), '')]))
    expect(empty.status).toBe(400)
    expect(empty.text).toContain('Choose the PDF files of the parts, or a ZIP of them.')
    const after = await database.db.selectFrom('upload_batches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
    expect((await stagedObjects()).length).toBe(objects)
  })

  test('a form that is not multipart is refused', async () => {
    const page = await librarian.post('/library/upload', { target: 'new', title: 'Plain' })
    expect(page.status).toBe(415)
  })
})

describe('limits from the settings', () => {
  afterAll(() => writeUploadLimits(server.runtime.db, { maxFileBytes: 50 * 1024 * 1024, maxBatchBytes: 1024 * 1024 * 1024, maxFiles: 300 }))

  test('a file over the per-file limit, files past the batch limit and past the file count are refused; the rest are kept', async () => {
    await writeUploadLimits(server.runtime.db, { maxFileBytes: 200 * 1024, maxBatchBytes: 500 * 1024, maxFiles: 6 })
    const big = await makePdf({ text: 'big', padding: 300 * 1024 })
    const medium = async (name: string) => file(await makePdf({ text: name, padding: 150 * 1024 }), name, 'application/pdf')
    const page = await librarian.postMultipart(
      '/library/upload',
      uploadForm({ target: 'new', title: 'Limits' }, [file(big, 'Too big.pdf', 'application/pdf'), await medium('One.pdf'), await medium('Two.pdf'), await medium('Three.pdf'), await medium('Four.pdf'), await pdfFile('Five.pdf'), await pdfFile('Six.pdf')]),
    )
    expect(page.status).toBe(302)
    const rows = await rowsOf(batchIdOf(page.location))
    expect(rows.map((row) => [row.name, row.problem])).toEqual([
      ['Too big.pdf', 'Larger than the 200 KB allowed for one file'],
      ['One.pdf', null],
      ['Two.pdf', null],
      ['Three.pdf', null],
      ['Four.pdf', 'The upload is over its 500 KB limit: this file was not kept'],
      ['Five.pdf', 'The upload is over its 500 KB limit: this file was not kept'],
      ['Six.pdf', 'More than 6 files in one upload: this one was not kept'],
    ])
    const objects = await stagedObjects()
    expect(objects.filter((object) => object.includes(batchIdOf(page.location)))).toHaveLength(3)
    expect(objects.filter((object) => object.startsWith('band-upload-'))).toEqual([])
  })
})

describe('a client that goes away mid-upload', () => {
  test('leaves no rows and no staged or temporary files', async () => {
    const before = await database.db.selectFrom('upload_batches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const objects = (await stagedObjects()).length
    const boundary = '----band-test-boundary'
    const url = new URL('/library/upload', server.url)
    const req = request(url, {
      method: 'POST',
      headers: {
        cookie: librarian.cookieHeader(),
        origin: librarian.origin,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(40 * 1024 * 1024),
      },
    })
    req.on('error', () => {})
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="target"\r\n\r\nnew\r\n--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nGone\r\n`)
    // One whole file, then the start of a big one; once the first is staged, the connection drops.
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="Flute.pdf"\r\nContent-Type: application/pdf\r\n\r\n`)
    req.write(await makePdf({ text: 'whole' }))
    req.write(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="Oboe.pdf"\r\nContent-Type: application/pdf\r\n\r\n`)
    req.write((await makePdf({ text: 'half', padding: 8 * 1024 * 1024 })).subarray(0, 4 * 1024 * 1024))
    await expect.poll(async () => (await stagedObjects()).length, { timeout: 10_000 }).toBe(objects + 1)
    req.destroy()
    await expect.poll(async () => (await stagedObjects()).length, { timeout: 10_000 }).toBe(objects)
    const after = await database.db.selectFrom('upload_batches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })
})

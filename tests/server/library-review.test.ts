import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DatabaseHandle } from '#db/client.server.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { openServerDatabase } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'
import { stageBatch } from '#tests/setup/upload-fixtures.ts'

/** The upload review at /library/upload/:batchId, through the whole stack, without JavaScript. */
let server: TestServer
let database: DatabaseHandle
let librarian: BrowserSession
let director: BrowserSession
let librarianId: string
let instruments: { id: string; name: string }[]

beforeAll(async () => {
  server = await startTestServer()
  database = await openServerDatabase(server)
  librarian = new BrowserSession(server.url)
  await librarian.signIn('librarian@example.org')
  director = new BrowserSession(server.url)
  await director.signIn('director@example.org')
  librarianId = (await database.db.selectFrom('users').select('id').where('email', '=', 'librarian@example.org').executeTakeFirstOrThrow()).id
  instruments = await database.db.selectFrom('instruments').select(['id', 'name']).orderBy('sort_order').limit(3).execute()
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
})

const stage = (title: string) => {
  const [a, b] = instruments
  return stageBatch(database.db, server.runtime.storage, {
    userId: librarianId,
    newTitle: title,
    newComposer: 'Review Composer',
    files: [
      { name: `${a?.name} 1.pdf`, instrumentId: a?.id ?? null, chairs: [1], label: `${a?.name} 1` },
      { name: 'mystery.pdf', instrumentId: null, mapping: 'unknown' },
      { name: `${b?.name}.pdf`, instrumentId: b?.id ?? null, label: b?.name ?? null },
      { name: 'readme.txt', instrumentId: null, problem: 'Not a PDF' },
    ],
  })
}

type Row = { instrumentId: string; chairs: string; label: string; include: boolean }
/** The review form as a browser sends it: every row's controls, as the page shows them, with `changes` applied. */
async function formOf(batchId: string, intent: string, changes: Record<string, Partial<Row>> = {}) {
  const rows = await database.db
    .selectFrom('upload_files')
    .select(['id', 'instrument_id', 'chairs', 'label', 'included', 'problem'])
    .where('batch_id', '=', batchId)
    .execute()
  const form: Record<string, string> = { intent }
  for (const row of rows) {
    if (row.problem) continue
    const sent = { instrumentId: row.instrument_id ?? '', chairs: row.chairs.join(' & '), label: row.label ?? '', include: row.included, ...changes[row.id] }
    form[`files.${row.id}.instrumentId`] = sent.instrumentId
    form[`files.${row.id}.chairs`] = sent.chairs
    form[`files.${row.id}.label`] = sent.label
    if (sent.include) form[`files.${row.id}.include`] = 'on'
  }
  return form
}

describe('the review page', () => {
  test('shows the files with a summary; a correction saved and a confirm store the piece; the result lists the parts', async () => {
    const batch = await stage('Review Test March')
    const url = `/library/upload/${batch.id}`
    const page = await librarian.get(url)
    expect(page.status).toBe(200)
    expect(page.text).toContain('2 ready, 1 to check, 1 refused')
    expect(page.text).toContain('Refused: Not a PDF')

    // Confirm with the mystery file unknown: refused with a message on its row, nothing stored.
    const refused = await librarian.post(url, await formOf(batch.id, 'confirm'))
    expect(refused.status).toBe(400)
    expect(refused.errors.join(' ')).toContain('Choose the instrument of mystery.pdf')

    const [, , c] = instruments
    const saved = await librarian.post(url, await formOf(batch.id, 'save', { [batch.files[1]?.id ?? '']: { instrumentId: c?.id ?? '', chairs: '2' } }))
    expect(saved.status).toBe(200)
    expect(saved.text).toContain('Saved 1 correction.')
    expect(saved.text).toContain(`mystery.pdf: instrument ${c?.name}, chairs 2, label “${c?.name} 2”`)

    const confirmed = await librarian.post(url, await formOf(batch.id, 'confirm'))
    expect(confirmed.status).toBe(302)
    const result = await librarian.follow(confirmed)
    expect(result.text).toContain('Stored 3 files for Review Test March')
    expect(result.text).toContain(`${c?.name} 2`)
    expect(result.text).toContain('new part')
    expect(result.text).toContain('Upload more')
    const actions = await database.db.selectFrom('audit_log').select('action').where('entity_id', '=', batch.id).orderBy('id').execute()
    expect(actions.map((row) => row.action)).toEqual(['upload.correct', 'upload.confirm'])
    // A confirmed batch cannot be changed.
    const again = await librarian.post(url, await formOf(batch.id, 'save'))
    expect(again.status).toBe(400)
    expect(again.errors.join(' ')).toContain('already confirmed by')
  })

  test('two librarians confirming at once: one succeeds, the other is told', async () => {
    const batch = await stage('Race Review March')
    const url = `/library/upload/${batch.id}`
    // The form as a browser sends it: every row's controls; the mystery file left out (no Include box).
    const [a, , b] = instruments
    const body = {
      intent: 'confirm',
      [`files.${batch.files[0]?.id}.instrumentId`]: a?.id ?? '',
      [`files.${batch.files[0]?.id}.chairs`]: '1',
      [`files.${batch.files[0]?.id}.label`]: `${a?.name} 1`,
      [`files.${batch.files[0]?.id}.include`]: 'on',
      [`files.${batch.files[1]?.id}.instrumentId`]: '',
      [`files.${batch.files[1]?.id}.chairs`]: '',
      [`files.${batch.files[1]?.id}.label`]: '',
      [`files.${batch.files[2]?.id}.instrumentId`]: b?.id ?? '',
      [`files.${batch.files[2]?.id}.chairs`]: '',
      [`files.${batch.files[2]?.id}.label`]: b?.name ?? '',
      [`files.${batch.files[2]?.id}.include`]: 'on',
    }
    const answers = await Promise.all([librarian.post(url, body), director.post(url, body)])
    expect(answers.map((answer) => answer.status).sort(), answers.map((answer) => answer.errors.join(' ')).join(' | ')).toEqual([302, 400])
    const told = answers.find((answer) => answer.status === 400)
    expect(told?.errors.join(' ')).toMatch(/already confirmed by|being confirmed/)
    const stored = await database.db.selectFrom('part_files').select('id').where('upload_batch_id', '=', batch.id).execute()
    expect(stored).toHaveLength(2)
  })

  test('cancel asks first, then discards the staged files', async () => {
    const batch = await stage('Cancel Review March')
    const url = `/library/upload/${batch.id}`
    expect((await librarian.get(`${url}?cancel`)).text).toContain('Yes, discard these 3 files')
    const unsure = await librarian.post(url, { intent: 'cancel' })
    expect(unsure.status).toBe(400)
    const cancelled = await librarian.post(url, { intent: 'cancel', sure: 'on' })
    expect(cancelled.location).toBe('/library/upload')
    for (const file of batch.files) if (file.stagingKey) expect(await server.runtime.storage.exists(file.stagingKey)).toBe(false)
    expect((await database.db.selectFrom('upload_batches').select('status').where('id', '=', batch.id).executeTakeFirstOrThrow()).status).toBe('cancelled')
  })

  test('a musician may not open a librarian’s upload; an unknown one is a 404', async () => {
    const batch = await stage('Private Review March')
    const musician = new BrowserSession(server.url)
    await musician.signIn('musician@example.org')
    expect((await musician.get(`/library/upload/${batch.id}`)).status).toBe(403)
    expect((await librarian.get('/library/upload/not-a-uuid')).status).toBe(404)
  })
})

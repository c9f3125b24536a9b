import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// The catalogue records through HTTP without JavaScript (music library issue,
// item 1): a librarian adds, edits, deletes and restores a piece and its parts;
// a musician sees only set-listed pieces, with only their parts.

let server: TestServer
let librarian: BrowserSession
let musician: BrowserSession

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  librarian = new BrowserSession(server.url)
  await librarian.signIn('librarian@example.org')
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
}, 120_000)
afterAll(() => server?.stop())

const db = () => server.runtime.db
const auditActions = async (entityId: string) =>
  (await db().selectFrom('audit_log').select('action').where('entity_id', '=', entityId).orderBy('id').execute()).map((row) => row.action)

describe('the catalogue without JavaScript', () => {
  it('lets a librarian create, edit, part, delete and restore a piece', async () => {
    const form = await librarian.get('/library/pieces/new')
    expect(form.status).toBe(200)
    const suggested = /name="libraryNumber"[^>]*value="([^"]+)"/.exec(form.html)?.[1] ?? /value="([^"]+)"[^>]*name="libraryNumber"/.exec(form.html)?.[1]
    expect(suggested).toMatch(/^CB-\d{4}$/)

    const fields = { title: 'The Typewriter', libraryNumber: suggested ?? '', composer: 'Leroy Anderson Testperson', duration: '2:45', ownership: 'owned', partsStatus: 'unknown', arrangerRole: 'arranger' }
    const refused = await librarian.post('/library/pieces/new', { ...fields, duration: 'two minutes', ownership: 'rented' })
    expect(refused.status).toBe(400)
    expect(refused.errors.join(' ')).toMatch(/7:30/)
    expect(refused.errors.join(' ')).toMatch(/rented from/)
    const taken = await librarian.post('/library/pieces/new', { ...fields, libraryNumber: 'CB-0001' })
    expect(taken.status).toBe(400)
    expect(taken.errors.join(' ')).toMatch(/CB-0001 is already the number of/)

    const created = await librarian.post('/library/pieces/new', fields)
    expect(created.status, created.errors.join(' ')).toBe(302)
    const pieceUrl = created.location ?? ''
    const pieceId = pieceUrl.split('/').pop() ?? ''
    const page = await librarian.follow(created)
    expect(page.toast).toBe('The Typewriter is in the catalogue.')
    expect(page.text).toContain('Typewriter, The')
    expect(page.text).toContain('Leroy Anderson Testperson')

    const edited = await librarian.post(`${pieceUrl}/edit`, { ...fields, title: 'The Typewriter (revised)', publisher: 'Test Music', tags: 'novelty, encore' })
    expect(edited.status, edited.errors.join(' ')).toBe(302)
    expect((await librarian.follow(edited)).text).toContain('novelty, encore')

    const horn = await db().selectFrom('instruments').select('id').where('name', '=', 'Horn in F').executeTakeFirstOrThrow()
    const added = await librarian.post(`${pieceUrl}/parts`, { intent: 'add', instrumentId: horn.id, chairs: '1 & 3', label: 'Horn in F 1 & 3' })
    expect(added.status, added.errors.join(' ')).toBe(302)
    const twice = await librarian.post(`${pieceUrl}/parts`, { intent: 'add', instrumentId: horn.id, chairs: '1 & 3', label: 'horn in f 1 & 3' })
    expect(twice.status).toBe(400)
    expect(twice.errors.join(' ')).toMatch(/already has a part called/)
    const part = await db().selectFrom('parts').select(['id', 'chairs', 'part_number']).where('piece_id', '=', pieceId).executeTakeFirstOrThrow()
    expect(part).toMatchObject({ chairs: [1, 3], part_number: 1 })
    expect((await librarian.get(pieceUrl)).text).toContain('Horn in F 1 & 3')

    const confirm = await librarian.get(`${pieceUrl}/delete`)
    expect(confirm.status).toBe(200)
    expect((await librarian.post(`${pieceUrl}/delete`, { intent: 'delete' })).status).toBe(400)
    const deleted = await librarian.post(`${pieceUrl}/delete`, { intent: 'delete', confirm: 'on' })
    expect(deleted.status).toBe(302)
    expect(deleted.location).toBe('/library')
    expect((await librarian.get(pieceUrl)).status).toBe(404)
    expect((await librarian.get('/library/deleted')).text).toContain('The Typewriter (revised)')
    const restored = await librarian.post('/library/deleted', { pieceId })
    expect(restored.status).toBe(302)
    expect((await librarian.follow(restored)).toast).toBe('The Typewriter (revised) is back in the catalogue.')
    expect(await auditActions(pieceId)).toEqual(['piece.create', 'piece.update', 'piece.delete', 'piece.restore'])
    expect(await auditActions(part.id)).toEqual(['part.create'])
  })

  it('shows a musician a set-listed piece with only their parts, and 404 for others', async () => {
    const member = await db().selectFrom('members').select('id').where('email', '=', 'musician@example.org').executeTakeFirstOrThrow()
    const listed = await db()
      .selectFrom('set_list_items')
      .innerJoin('events', 'events.id', 'set_list_items.event_id')
      .select('set_list_items.piece_id')
      .where('events.status', '=', 'scheduled')
      .where('events.ends_at', '>=', new Date())
      .where('events.section_id', 'is', null)
      .executeTakeFirstOrThrow()
    const hidden = await db()
      .selectFrom('pieces')
      .select('id')
      .where('deleted_at', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('set_list_items').select('piece_id').whereRef('set_list_items.piece_id', '=', 'pieces.id'))))
      .executeTakeFirstOrThrow()
    expect((await musician.get(`/library/pieces/${hidden.id}`)).status).toBe(404)
    const page = await musician.get(`/library/pieces/${listed.piece_id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Your parts')
    expect(page.text).not.toContain('Shelf location')
    expect(page.text).not.toContain('Edit the piece')
    const plays = await db().selectFrom('member_instruments').innerJoin('instruments', 'instruments.id', 'member_instruments.instrument_id').select('instruments.id').where('member_id', '=', member.id).execute()
    const others = await db()
      .selectFrom('parts')
      .select('label')
      .where('piece_id', '=', listed.piece_id)
      .where('deleted_at', 'is', null)
      .where('instrument_id', 'not in', plays.map((row) => row.id))
      .execute()
    for (const other of others) expect(page.html).not.toContain(`>${other.label}<`)
    expect((await musician.get(`/library/pieces/${listed.piece_id}/edit`)).status).toBe(403)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memberContext } from '#app/modules/audit/audit-test-helpers.ts'
import { addEvent, addTinyBand, type TinyBand } from '#tests/setup/band-fixtures.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { addPart, deletePart, listDeletedParts, listPieceParts, restorePart, updatePart } from './parts.server.ts'
import { createPerson, getPerson, listPeople, updatePerson } from './people.server.ts'
import { performanceHistory } from './performance-history.server.ts'
import { parseChairs, PartSchema, PersonSchema, PieceSchema } from './piece-schema.ts'
import { createPiece, deletePiece, getPiece, listDeletedPieces, restorePiece, updatePiece } from './pieces.server.ts'

// The catalogue on the real database: pieces, parts and people, each change
// audited, numbers never reused, and what a musician may see of it.

let database: TestDatabase
let band: TinyBand
beforeAll(async () => {
  database = await createTestDatabase()
  band = await addTinyBand(database.db)
})
afterAll(() => database.drop())

const audit = memberContext('Libby Librarian')
const all = { kind: 'all' } as const
const TZ = 'Europe/London'
let serial = 0
const piece = (fields: Record<string, string> = {}) => {
  const parsed = PieceSchema.safeParse({ title: `Test piece ${++serial}`, ...fields })
  if (!parsed.success) throw new Error(parsed.error.message)
  return parsed.data
}
const auditRows = (entityId: string) =>
  database.db.selectFrom('audit_log').select(['action', 'changes', 'actor_name']).where('entity_id', '=', entityId).orderBy('id').execute()

describe(`the catalogue on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('creates a piece with a new composer, files it under its title, and audits both', async () => {
    const created = await createPiece(database.db, piece({ title: 'The Stars and Stripes Forever', libraryNumber: `T-${serial}1`, composer: 'John Philip Sousa', duration: '3:30', tags: 'march, patriotic, march' }), null, audit)
    expect(created.ok).toBe(true)
    if (!created.ok) return
    const record = await getPiece(database.db, created.value, all, TZ)
    expect(record).toMatchObject({ sortTitle: 'Stars and Stripes Forever, The', composer: 'John Philip Sousa', durationSeconds: 210, tags: ['march', 'patriotic'], lastChangedBy: 'Libby Librarian' })
    const rows = await auditRows(created.value)
    expect(rows.map((row) => row.action)).toEqual(['piece.create'])
    expect(rows[0]?.changes).toMatchObject({ after: { title: 'The Stars and Stripes Forever', composer: 'John Philip Sousa' } })
    const person = await database.db.selectFrom('people').select(['id', 'sort_name']).where('name', '=', 'John Philip Sousa').executeTakeFirstOrThrow()
    expect(person.sort_name).toBe('Sousa, John Philip')
    expect((await auditRows(person.id)).map((row) => row.action)).toEqual(['person.create'])
  })

  it('refuses a taken library number, a deleted piece’s included, naming the piece', async () => {
    const first = await createPiece(database.db, piece({ title: 'Old Set', libraryNumber: 'CB-9046' }), null, audit)
    if (!first.ok) throw new Error('not created')
    const again = await createPiece(database.db, piece({ libraryNumber: 'cb-9046' }), null, audit)
    expect(again).toEqual({ ok: false, field: 'libraryNumber', message: expect.stringContaining('CB-9046 is already the number of Old Set') })
    await deletePiece(database.db, first.value, audit)
    const afterDelete = await createPiece(database.db, piece({ libraryNumber: 'CB-9046' }), null, audit)
    expect(afterDelete).toMatchObject({ ok: false, field: 'libraryNumber', message: expect.stringContaining('CB-9046 belonged to Old Set (deleted)') })
    expect((await createPiece(database.db, piece({ libraryNumber: 'CB-9046.1' }), null, audit)).ok).toBe(true)
  })

  it('refuses each bad input of the piece form with a message on its field', () => {
    const refused = (fields: Record<string, string>) => {
      const parsed = PieceSchema.safeParse({ title: 'X', ...fields })
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'))
    }
    expect(refused({ title: '' })).toEqual(['title'])
    expect(refused({ duration: '7:75' })).toEqual(['duration'])
    expect(refused({ grade: '2.3' })).toEqual(['grade'])
    expect(refused({ year: '99' })).toEqual(['year'])
    expect(refused({ instrumentation: 'lots of brass' })).toEqual(['instrumentation'])
    expect(refused({ instrumentation: '2222-4231-timp-3perc' })).toEqual([])
    expect(refused({ ownership: 'rented' }).sort()).toEqual(['lender', 'rentalDueOn'])
    expect(refused({ ownership: 'borrowed' })).toEqual(['lender'])
    expect(refused({ partsStatus: 'incomplete' })).toEqual(['missingParts'])
    expect(refused({ rentalDueOn: '2027-02-30' })).toEqual(['rentalDueOn'])
    expect(refused({ libraryNumber: '<script>' })).toEqual(['libraryNumber'])
    expect(refused({ physicalSize: 'huge' })).toEqual(['physicalSize'])
  })

  it('edits a piece with before and after in the audit row, then deletes and restores it', async () => {
    const created = await createPiece(database.db, piece({ title: 'Edit Me', publisher: 'Old House' }), null, audit)
    if (!created.ok) throw new Error('not created')
    const saved = await updatePiece(database.db, created.value, piece({ title: 'Edited', publisher: 'New House', arranger: 'Jay Bocook', arrangerRole: 'editor' }), audit)
    expect(saved.ok).toBe(true)
    const update = (await auditRows(created.value)).at(-1)
    expect(update?.action).toBe('piece.update')
    expect(update?.changes).toMatchObject({ before: { title: 'Edit Me', publisher: 'Old House', arranger: null }, after: { title: 'Edited', publisher: 'New House', arranger: 'Jay Bocook', arranger_role: 'editor' } })

    expect(await deletePiece(database.db, created.value, audit)).toEqual({ title: 'Edited' })
    expect(await getPiece(database.db, created.value, all, TZ)).toBeUndefined()
    expect((await listDeletedPieces(database.db)).map((row) => row.id)).toContain(created.value)
    expect((await updatePiece(database.db, created.value, piece(), audit)).ok).toBe(false)
    // Past the 30 days it stays deleted (the admin trash purges it).
    expect(await restorePiece(database.db, created.value, audit, new Date(Date.now() + 31 * 24 * 3600 * 1000))).toBeNull()
    expect(await restorePiece(database.db, created.value, audit)).toEqual({ title: 'Edited' })
    expect(await getPiece(database.db, created.value, all, TZ)).toBeDefined()
    expect((await auditRows(created.value)).map((row) => row.action)).toEqual(['piece.create', 'piece.update', 'piece.delete', 'piece.restore'])
  })

  it('reads chairs as the band writes them', () => {
    expect(parseChairs('1')).toEqual([1])
    expect(parseChairs('1 & 3')).toEqual([1, 3])
    expect(parseChairs('3, 1')).toEqual([1, 3])
    expect(parseChairs('1 and 2')).toEqual([1, 2])
    expect(parseChairs('')).toEqual([])
    expect(parseChairs('first')).toBeNull()
    expect(parseChairs('0')).toBeNull()
    expect(parseChairs('21')).toBeNull()
  })

  it('adds, edits, deletes and restores parts; a label is unique on the piece in any case', async () => {
    const created = await createPiece(database.db, piece(), null, audit)
    if (!created.ok) throw new Error('not created')
    const part = (fields: Record<string, string>) => {
      const parsed = PartSchema.parse({ intent: 'add', instrumentId: band.instruments.clarinet.id, ...fields })
      if (parsed.intent !== 'add') throw new Error('not add')
      return parsed
    }
    const horns = await addPart(database.db, created.value, part({ label: 'Horn in F 1 & 3', chairs: '1 & 3' }), audit)
    if (!horns.ok) throw new Error('not added')
    const row = await database.db.selectFrom('parts').select(['chairs', 'part_number']).where('id', '=', horns.value).executeTakeFirstOrThrow()
    expect(row).toEqual({ chairs: [1, 3], part_number: 1 })
    expect(await addPart(database.db, created.value, part({ label: 'horn in f 1 & 3' }), audit)).toMatchObject({ ok: false, field: 'label' })
    expect(await addPart(database.db, created.value, part({ label: 'Other', instrumentId: '00000000-0000-4000-8000-000000000000' }), audit)).toMatchObject({ ok: false, field: 'instrumentId' })
    expect((await updatePart(database.db, created.value, horns.value, part({ label: 'Horn in F 1', chairs: '1' }), audit)).ok).toBe(true)
    expect((await deletePart(database.db, created.value, horns.value, audit)).ok).toBe(true)
    expect(await listPieceParts(database.db, created.value, all)).toEqual([])
    expect((await listDeletedParts(database.db, created.value)).map((deleted) => deleted.label)).toEqual(['Horn in F 1'])
    // A deleted part's label may be used again; then the old part cannot come back under it.
    const again = await addPart(database.db, created.value, part({ label: 'Horn in F 1' }), audit)
    expect(again.ok).toBe(true)
    expect(await restorePart(database.db, created.value, horns.value, audit)).toMatchObject({ ok: false, field: 'partId' })
    if (again.ok) await deletePart(database.db, created.value, again.value, audit)
    expect((await restorePart(database.db, created.value, horns.value, audit)).ok).toBe(true)
    expect((await auditRows(horns.value)).map((entry) => entry.action)).toEqual(['part.create', 'part.update', 'part.delete', 'part.restore'])
  })

  it('shows a musician only pieces of their upcoming set lists, and only their instrument’s parts', async () => {
    const listed = await createPiece(database.db, piece({ title: 'On the list' }), null, audit)
    const unlisted = await createPiece(database.db, piece({ title: 'Not on the list' }), null, audit)
    if (!listed.ok || !unlisted.ok) throw new Error('not created')
    const add = (instrumentId: string, label: string) => addPart(database.db, listed.value, { intent: 'add', instrumentId, label, chairs: [] }, audit)
    await add(band.instruments.clarinet.id, 'Clarinet part')
    await add(band.instruments.flute.id, 'Flute part')
    const rehearsal = await addEvent(database.db, { daysFromNow: 3 })
    await database.db.insertInto('set_list_items').values({ event_id: rehearsal.id, piece_id: listed.value, position: 1 }).execute()
    const carl = { kind: 'assigned', memberId: band.members.carl.id } as const
    expect(await getPiece(database.db, unlisted.value, carl, TZ)).toBeUndefined()
    expect((await getPiece(database.db, listed.value, carl, TZ))?.title).toBe('On the list')
    expect((await listPieceParts(database.db, listed.value, carl)).map((part) => part.label)).toEqual(['Clarinet part'])
    expect((await listPieceParts(database.db, listed.value, all)).map((part) => part.label)).toEqual(['Clarinet part', 'Flute part'])
  })

  it('keeps performance history from past, not cancelled events', async () => {
    const created = await createPiece(database.db, piece(), null, audit)
    if (!created.ok) throw new Error('not created')
    const past = await addEvent(database.db, { daysFromNow: -10, title: 'Spring concert' })
    const cancelled = await addEvent(database.db, { daysFromNow: -5, status: 'cancelled' })
    const future = await addEvent(database.db, { daysFromNow: 5 })
    for (const event of [past, cancelled, future]) {
      await database.db.insertInto('set_list_items').values({ event_id: event.id, piece_id: created.value, position: 1 }).execute()
    }
    expect((await performanceHistory(database.db, created.value)).map((row) => row.title)).toEqual(['Spring concert'])
  })

  it('creates and renames people, refusing a name taken, and lists them with their pieces', async () => {
    const input = (fields: Record<string, string>) => PersonSchema.parse(fields)
    const holst = await createPerson(database.db, input({ name: 'Gustav Holst', bornYear: '1874', diedYear: '1934' }), audit)
    if (!holst.ok) throw new Error('not created')
    expect(await createPerson(database.db, input({ name: 'gustav  holst' }), audit)).toMatchObject({ ok: false, field: 'name' })
    expect(PersonSchema.safeParse({ name: 'X', bornYear: '1900', diedYear: '1800' }).success).toBe(false)
    const suite = await createPiece(database.db, piece({ title: 'First Suite in E-flat', composer: 'Gustav Holst' }), null, audit)
    expect(suite.ok).toBe(true)
    expect((await updatePerson(database.db, holst.value, input({ name: 'Gustav Theodore Holst', sortName: 'Holst, Gustav' }), audit)).ok).toBe(true)
    const person = await getPerson(database.db, holst.value)
    expect(person).toMatchObject({ name: 'Gustav Theodore Holst', sortName: 'Holst, Gustav', composed: [{ title: 'First Suite in E-flat' }], arranged: [] })
    const listed = await listPeople(database.db, { q: 'theodore' })
    expect(listed.people).toEqual([expect.objectContaining({ id: holst.value, composed: 1, arranged: 0 })])
    expect((await auditRows(holst.value)).map((row) => row.action)).toEqual(['person.create', 'person.update'])
  })
})

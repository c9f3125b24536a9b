import { type Kysely, sql } from 'kysely'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Database, Db } from '#db/types.ts'
import type { PersonInput } from './piece-schema.ts'

/**
 * Composers and arrangers are records of their own: one row per person,
 * found by name (case and spacing aside) wherever a piece names them.
 */

/** "Gustav Holst" → "Holst, Gustav"; a single word stays as it is. */
export function sortNameOf(name: string): string {
  const words = name.trim().split(/\s+/)
  const last = words.pop() ?? name
  return words.length > 0 ? `${last}, ${words.join(' ')}` : last
}

export const tidyPersonName = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ')

/** The person called `name`, created when the library has nobody of that name yet. */
export async function findOrCreatePerson(db: Db, name: string): Promise<{ id: string; created: boolean }> {
  const tidy = tidyPersonName(name)
  const found = await db
    .selectFrom('people')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', tidy.toLowerCase()))
    .executeTakeFirst()
  if (found) return { id: found.id, created: false }
  const created = await db
    .insertInto('people')
    .values({ name: tidy, sort_name: sortNameOf(tidy) })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (created) return { id: created.id, created: true }
  // Someone added the same spelling a moment ago.
  const raced = await db.selectFrom('people').select('id').where('name', '=', tidy).executeTakeFirstOrThrow()
  return { id: raced.id, created: false }
}

const PERSON_COLUMNS = ['people.id', 'people.name', 'people.sort_name as sortName', 'people.born_year as bornYear', 'people.died_year as diedYear', 'people.notes'] as const

export type PeopleCursor = { sortName: string; id: string }
export const PEOPLE_PAGE_SIZE = 50

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`)

/** Composers and arrangers by sort name, keyset-paged, with how many catalogue pieces name them in each role. */
export async function listPeople(db: Db, options: { q?: string; after?: PeopleCursor; limit?: number }) {
  const limit = options.limit ?? PEOPLE_PAGE_SIZE
  const { after, q } = options
  const count = (column: 'composer_id' | 'arranger_id') =>
    sql<number>`(select count(*)::int from pieces where pieces.${sql.ref(column)} = people.id and pieces.deleted_at is null)`
  const rows = await db
    .selectFrom('people')
    .select([...PERSON_COLUMNS, count('composer_id').as('composed'), count('arranger_id').as('arranged')])
    .$if(Boolean(q), (query) =>
      query.where((eb) => eb.or([eb('people.name', 'ilike', `%${escapeLike(q ?? '')}%`), eb('people.sort_name', 'ilike', `%${escapeLike(q ?? '')}%`)])),
    )
    .$if(Boolean(after), (query) =>
      query.where((eb) => eb(eb.refTuple('people.sort_name', 'people.id'), '>', eb.tuple(after?.sortName ?? '', after?.id ?? ''))),
    )
    .orderBy('people.sort_name')
    .orderBy('people.id')
    .limit(limit + 1)
    .execute()
  const last = rows[limit - 1]
  return { people: rows.slice(0, limit), next: rows.length > limit && last ? { sortName: last.sortName, id: last.id } : null }
}

export function encodePeopleCursor(cursor: PeopleCursor): string {
  return Buffer.from(JSON.stringify([cursor.sortName, cursor.id])).toString('base64url')
}

/** A cursor from the address bar; a tampered or stale one means the first page. */
export function decodePeopleCursor(text: string | undefined): PeopleCursor | undefined {
  if (!text) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    if (!Array.isArray(value) || value.length !== 2) return undefined
    const [sortName, id] = value as unknown[]
    if (typeof sortName !== 'string' || typeof id !== 'string' || !UUID.test(id)) return undefined
    return { sortName, id }
  } catch {
    return undefined
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** One person with the catalogue pieces they composed and arranged (deleted pieces left out). */
export async function getPerson(db: Db, id: string) {
  if (!UUID.test(id)) return undefined
  const person = await db.selectFrom('people').select(PERSON_COLUMNS).where('id', '=', id).executeTakeFirst()
  if (!person) return undefined
  const piecesAs = (column: 'pieces.composer_id' | 'pieces.arranger_id') =>
    db
      .selectFrom('pieces')
      .select(['pieces.id', 'pieces.title', 'pieces.library_number as libraryNumber', 'pieces.arranger_role as arrangerRole'])
      .where(column, '=', id)
      .where('pieces.deleted_at', 'is', null)
      .orderBy(sql`lower(pieces.sort_title)`)
      .orderBy('pieces.id')
      .execute()
  const [composed, arranged] = await Promise.all([piecesAs('pieces.composer_id'), piecesAs('pieces.arranger_id')])
  return { ...person, composed, arranged }
}

type PersonOutcome = { ok: true; value: string } | { ok: false; field: string; message: string }

function personColumns(input: PersonInput) {
  const name = tidyPersonName(input.name)
  return {
    name,
    sort_name: input.sortName ? tidyPersonName(input.sortName) : sortNameOf(name),
    born_year: input.bornYear ?? null,
    died_year: input.diedYear ?? null,
    notes: input.notes ?? null,
  }
}

async function nameHolder(db: Db, name: string, exceptId?: string) {
  return db
    .selectFrom('people')
    .select(['id', 'name'])
    .where((eb) => eb(eb.fn('lower', ['name']), '=', tidyPersonName(name).toLowerCase()))
    .$if(Boolean(exceptId), (query) => query.where('id', '!=', exceptId ?? ''))
    .executeTakeFirst()
}

const nameTaken = (name: string): PersonOutcome => ({
  ok: false,
  field: 'name',
  message: `${name} is already in the library. Open that record instead, or tell the two apart (add a middle name or initial).`,
})
const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505'

export async function createPerson(db: Kysely<Database>, input: PersonInput, audit: AuditContext): Promise<PersonOutcome> {
  const columns = personColumns(input)
  try {
    return await db.transaction().execute(async (trx) => {
      const holder = await nameHolder(trx, columns.name)
      if (holder) return nameTaken(holder.name)
      const row = await trx.insertInto('people').values(columns).returning('id').executeTakeFirstOrThrow()
      await recordAudit(trx, audit, { action: 'person.create', entity: ['person', row.id], after: columns })
      return { ok: true, value: row.id }
    })
  } catch (error) {
    if (isUniqueViolation(error)) return nameTaken(columns.name)
    throw error
  }
}

/** Saves a person; a rename reaches the search documents of their pieces (a database trigger). */
export async function updatePerson(db: Kysely<Database>, id: string, input: PersonInput, audit: AuditContext): Promise<PersonOutcome> {
  if (!UUID.test(id)) return { ok: false, field: 'person', message: 'There is no such person.' }
  const columns = personColumns(input)
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('people')
        .select(['name', 'sort_name', 'born_year', 'died_year', 'notes'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!before) return { ok: false, field: 'person', message: 'There is no such person.' }
      const holder = await nameHolder(trx, columns.name, id)
      if (holder) return nameTaken(holder.name)
      await trx.updateTable('people').set({ ...columns, updated_at: new Date() }).where('id', '=', id).execute()
      await recordAudit(trx, audit, { action: 'person.update', entity: ['person', id], before, after: columns })
      return { ok: true, value: id }
    })
  } catch (error) {
    if (isUniqueViolation(error)) return nameTaken(columns.name)
    throw error
  }
}

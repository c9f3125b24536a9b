import { type Kysely, sql } from 'kysely'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Database, Db } from '#db/types.ts'
import { type LibraryReach, visiblePiece } from './access.server.ts'
import { findOrCreatePerson } from './people.server.ts'
import { parseDuration, type PieceInput, RESTORE_DAYS } from './piece-schema.ts'

/**
 * Pieces of the catalogue: the record librarians keep, created, edited,
 * soft-deleted and restored, each change audited with its before and after.
 * A library number is never reused, a deleted piece's included.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (id: string) => UUID.test(id)

const DAY_MS = 24 * 60 * 60 * 1000

export type Outcome<T> = { ok: true; value: T } | { ok: false; field: string; message: string }

const PIECE_COLUMNS = [
  'pieces.id',
  'pieces.library_number as libraryNumber',
  'pieces.title',
  'pieces.sort_title as sortTitle',
  'pieces.alternate_titles as alternateTitles',
  'pieces.subtitle',
  'pieces.composer_id as composerId',
  'pieces.arranger_id as arrangerId',
  'pieces.arranger_role as arrangerRole',
  'pieces.publisher',
  'pieces.edition',
  'pieces.year',
  'pieces.genre',
  'pieces.tags',
  'pieces.grade',
  'pieces.grade_source as gradeSource',
  'pieces.duration_seconds as durationSeconds',
  'pieces.instrumentation',
  'pieces.ensemble',
  'pieces.physical_size as physicalSize',
  'pieces.shelf_location as shelfLocation',
  'pieces.ownership',
  'pieces.lender',
  'pieces.rental_due_on as rentalDueOn',
  'pieces.parts_status as partsStatus',
  'pieces.missing_parts as missingParts',
  'pieces.notes',
  'pieces.created_at as createdAt',
  'pieces.updated_at as updatedAt',
] as const

/** The piece `reach` may see (never a deleted one), with its people and who made and last changed it. */
export async function getPiece(db: Db, id: string, reach: LibraryReach, timeZone: string) {
  if (!isUuid(id)) return undefined
  const piece = await db
    .selectFrom('pieces')
    .leftJoin('people as composer', 'composer.id', 'pieces.composer_id')
    .leftJoin('people as arranger', 'arranger.id', 'pieces.arranger_id')
    .leftJoin('users as creator', 'creator.id', 'pieces.created_by')
    .select([...PIECE_COLUMNS, 'composer.name as composer', 'arranger.name as arranger', 'creator.display_name as createdBy'])
    .select((eb) =>
      eb
        .selectFrom('audit_log')
        .select('audit_log.actor_name')
        .where('audit_log.entity_type', '=', 'piece')
        .where('audit_log.entity_id', '=', sql<string>`pieces.id::text`)
        .orderBy('audit_log.id', 'desc')
        .limit(1)
        .as('lastChangedBy'),
    )
    .where('pieces.id', '=', id)
    .where(visiblePiece(reach, timeZone))
    .executeTakeFirst()
  return piece ? { ...piece, rentalDueOn: dateText(piece.rentalDueOn) } : undefined
}

export type PieceRecord = NonNullable<Awaited<ReturnType<typeof getPiece>>>

/** PGlite and pg give a date column back as text or a Date: always "2027-03-31". */
function dateText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) {
    const local = new Date(value.getTime() - value.getTimezoneOffset() * 60_000)
    return local.toISOString().slice(0, 10)
  }
  return String(value).slice(0, 10)
}

/** Whether a rented set is past its due date, on the band's calendar day `today` ("2027-03-31"). */
export const isOverdue = (piece: { ownership: string; rentalDueOn: string | null }, today: string) =>
  piece.ownership === 'rented' && piece.rentalDueOn !== null && piece.rentalDueOn < today

/** The names of everyone a piece may be filed under, for the composer and arranger datalists. */
export async function listPersonNames(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('people').select('name').orderBy('sort_name').orderBy('name').limit(2000).execute()
  return rows.map((row) => row.name)
}

function columnsOf(input: PieceInput) {
  return {
    library_number: input.libraryNumber ?? null,
    title: input.title,
    alternate_titles: input.alternateTitles,
    subtitle: input.subtitle ?? null,
    arranger_role: input.arrangerRole,
    publisher: input.publisher ?? null,
    edition: input.edition ?? null,
    year: input.year ?? null,
    genre: input.genre ?? null,
    tags: input.tags,
    grade: input.grade ?? null,
    grade_source: input.gradeSource ?? null,
    duration_seconds: input.duration ? parseDuration(input.duration) : null,
    instrumentation: input.instrumentation ?? null,
    ensemble: input.ensemble,
    physical_size: input.physicalSize ?? null,
    shelf_location: input.shelfLocation ?? null,
    ownership: input.ownership,
    // Only a rented or borrowed set has a lender; only a rented one a due date.
    lender: input.ownership === 'rented' || input.ownership === 'borrowed' ? (input.lender ?? null) : null,
    rental_due_on: input.ownership === 'rented' ? (input.rentalDueOn ?? null) : null,
    parts_status: input.partsStatus,
    missing_parts: input.partsStatus === 'incomplete' ? (input.missingParts ?? null) : null,
    notes: input.notes ?? null,
  }
}

/** What the audit row keeps of a piece: its columns, with the people by name. */
async function snapshot(db: Db, id: string) {
  const row = await db
    .selectFrom('pieces')
    .leftJoin('people as composer', 'composer.id', 'pieces.composer_id')
    .leftJoin('people as arranger', 'arranger.id', 'pieces.arranger_id')
    .select([
      'pieces.library_number',
      'pieces.title',
      'pieces.alternate_titles',
      'pieces.subtitle',
      'composer.name as composer',
      'arranger.name as arranger',
      'pieces.arranger_role',
      'pieces.publisher',
      'pieces.edition',
      'pieces.year',
      'pieces.genre',
      'pieces.tags',
      'pieces.grade',
      'pieces.grade_source',
      'pieces.duration_seconds',
      'pieces.instrumentation',
      'pieces.ensemble',
      'pieces.physical_size',
      'pieces.shelf_location',
      'pieces.ownership',
      'pieces.lender',
      'pieces.rental_due_on',
      'pieces.parts_status',
      'pieces.missing_parts',
      'pieces.notes',
    ])
    .where('pieces.id', '=', id)
    .executeTakeFirst()
  return row ? { ...row, rental_due_on: dateText(row.rental_due_on) } : undefined
}

/** Who already has `number`, deleted pieces included (numbers are never reused); undefined when it is free. */
export async function libraryNumberHolder(db: Db, number: string, exceptPieceId?: string) {
  return db
    .selectFrom('pieces')
    .select(['id', 'title', 'library_number', 'deleted_at'])
    .where((eb) => eb(eb.fn('lower', ['library_number']), '=', number.toLowerCase()))
    .$if(Boolean(exceptPieceId), (query) => query.where('id', '!=', exceptPieceId ?? ''))
    .executeTakeFirst()
}

function numberTakenMessage(holder: { title: string; library_number: string | null; deleted_at: Date | null }) {
  return holder.deleted_at
    ? `${holder.library_number} belonged to ${holder.title} (deleted). Library numbers are never reused: choose another.`
    : `${holder.library_number} is already the number of ${holder.title}. Choose another.`
}

async function refuseTakenNumber(db: Db, input: PieceInput, exceptPieceId?: string): Promise<Outcome<never> | null> {
  if (!input.libraryNumber) return null
  const holder = await libraryNumberHolder(db, input.libraryNumber, exceptPieceId)
  return holder ? { ok: false, field: 'libraryNumber', message: numberTakenMessage(holder) } : null
}

/** The composer or arranger a form names, created (and audited) when the library has nobody of that name. */
async function personFor(trx: Db, name: string | undefined, audit: AuditContext): Promise<string | null> {
  if (!name) return null
  const person = await findOrCreatePerson(trx, name)
  if (person.created) {
    const after = await trx.selectFrom('people').select(['name', 'sort_name']).where('id', '=', person.id).executeTakeFirstOrThrow()
    await recordAudit(trx, audit, { action: 'person.create', entity: ['person', person.id], after })
  }
  return person.id
}

/** The unique index refused a number someone took a moment ago. */
function isNumberRace(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown }
  return code === '23505' && (constraint === undefined || constraint === 'pieces_library_number_key')
}

async function withNumberRace<T>(input: PieceInput, work: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await work()
  } catch (error) {
    if (!isNumberRace(error)) throw error
    return { ok: false, field: 'libraryNumber', message: `${input.libraryNumber} was taken a moment ago. Choose another.` }
  }
}

export async function createPiece(db: Kysely<Database>, input: PieceInput, createdBy: string | null, audit: AuditContext): Promise<Outcome<string>> {
  return withNumberRace(input, () =>
    db.transaction().execute(async (trx) => {
      const taken = await refuseTakenNumber(trx, input)
      if (taken) return taken
      const row = await trx
        .insertInto('pieces')
        .values({
          ...columnsOf(input),
          composer_id: await personFor(trx, input.composer, audit),
          arranger_id: await personFor(trx, input.arranger, audit),
          created_by: createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, audit, { action: 'piece.create', entity: ['piece', row.id], after: await snapshot(trx, row.id) })
      return { ok: true, value: row.id }
    }),
  )
}

/** Saves the edit form; `ok: false` with `field: 'piece'` when the piece is gone. */
export async function updatePiece(db: Kysely<Database>, id: string, input: PieceInput, audit: AuditContext): Promise<Outcome<string>> {
  if (!isUuid(id)) return { ok: false, field: 'piece', message: 'There is no such piece.' }
  return withNumberRace(input, () =>
    db.transaction().execute(async (trx) => {
      const live = await trx.selectFrom('pieces').select('id').where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst()
      if (!live) return { ok: false, field: 'piece', message: 'There is no such piece. It may have been deleted.' }
      const taken = await refuseTakenNumber(trx, input, id)
      if (taken) return taken
      const before = await snapshot(trx, id)
      await trx
        .updateTable('pieces')
        .set({
          ...columnsOf(input),
          composer_id: await personFor(trx, input.composer, audit),
          arranger_id: await personFor(trx, input.arranger, audit),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute()
      await recordAudit(trx, audit, { action: 'piece.update', entity: ['piece', id], before, after: await snapshot(trx, id) })
      return { ok: true, value: id }
    }),
  )
}

/** Soft-deletes a piece: it leaves the catalogue, keeps its number, and may be restored for 30 days. */
export async function deletePiece(db: Kysely<Database>, id: string, audit: AuditContext): Promise<{ title: string } | null> {
  if (!isUuid(id)) return null
  return db.transaction().execute(async (trx) => {
    const piece = await trx
      .updateTable('pieces')
      .set({ deleted_at: new Date() })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning(['title', 'library_number'])
      .executeTakeFirst()
    if (!piece) return null
    await recordAudit(trx, audit, { action: 'piece.delete', entity: ['piece', id], before: { title: piece.title, library_number: piece.library_number, deleted_at: null }, after: { deleted_at: new Date() } })
    return { title: piece.title }
  })
}

/** Brings back a piece deleted in the last 30 days; older ones wait for the admin trash's purge. */
export async function restorePiece(db: Kysely<Database>, id: string, audit: AuditContext, now = new Date()): Promise<{ title: string } | null> {
  if (!isUuid(id)) return null
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('pieces')
      .select(['title', 'library_number', 'deleted_at'])
      .where('id', '=', id)
      .where('deleted_at', '>=', new Date(now.getTime() - RESTORE_DAYS * DAY_MS))
      .forUpdate()
      .executeTakeFirst()
    if (!before) return null
    await trx.updateTable('pieces').set({ deleted_at: null, updated_at: new Date() }).where('id', '=', id).execute()
    await recordAudit(trx, audit, { action: 'piece.restore', entity: ['piece', id], before: { deleted_at: before.deleted_at }, after: { deleted_at: null } })
    return { title: before.title }
  })
}

/** Pieces deleted in the last 30 days, the latest first, with who deleted them. */
export async function listDeletedPieces(db: Db, now = new Date()) {
  const rows = await db
    .selectFrom('pieces')
    .leftJoin('people as composer', 'composer.id', 'pieces.composer_id')
    .select(['pieces.id', 'pieces.title', 'pieces.library_number as libraryNumber', 'composer.name as composer', 'pieces.deleted_at as deletedAt'])
    .select((eb) =>
      eb
        .selectFrom('audit_log')
        .select('audit_log.actor_name')
        .where('audit_log.entity_type', '=', 'piece')
        .where('audit_log.entity_id', '=', sql<string>`pieces.id::text`)
        .where('audit_log.action', '=', 'piece.delete')
        .orderBy('audit_log.id', 'desc')
        .limit(1)
        .as('deletedBy'),
    )
    .where('pieces.deleted_at', '>=', new Date(now.getTime() - RESTORE_DAYS * DAY_MS))
    .orderBy('pieces.deleted_at', 'desc')
    .orderBy('pieces.id')
    .limit(500)
    .execute()
  return rows.flatMap((row) => (row.deletedAt ? [{ ...row, deletedAt: row.deletedAt, restorableUntil: new Date(row.deletedAt.getTime() + RESTORE_DAYS * DAY_MS) }] : []))
}

/** What deleting a piece touches, for the confirmation page. */
export async function pieceDeletionImpact(db: Db, id: string, now = new Date()) {
  const [parts, upcoming] = await Promise.all([
    db.selectFrom('parts').select(sql<number>`count(*)::int`.as('count')).where('piece_id', '=', id).where('deleted_at', 'is', null).executeTakeFirstOrThrow(),
    db
      .selectFrom('set_list_items')
      .innerJoin('events', 'events.id', 'set_list_items.event_id')
      .select(['events.id', 'events.title', 'events.starts_at as startsAt'])
      .where('set_list_items.piece_id', '=', id)
      .where('events.deleted_at', 'is', null)
      .where('events.status', '=', 'scheduled')
      .where('events.ends_at', '>=', now)
      .orderBy('events.starts_at')
      .execute(),
  ])
  return { parts: parts.count, upcomingEvents: upcoming }
}

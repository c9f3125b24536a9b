import { type Kysely, sql } from 'kysely'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Database, Db } from '#db/types.ts'
import { type LibraryReach, visiblePart } from './access.server.ts'
import { type PartInput, RESTORE_DAYS } from './piece-schema.ts'
import { isUuid, type Outcome } from './pieces.server.ts'

/**
 * The parts of a piece: an instrument, the chairs it serves ("Horn in F 1 & 3"
 * serves chairs 1 and 3) and a label unique on the piece. Deleting a part is
 * soft; the piece page lists deleted parts to restore.
 */

const DAY_MS = 24 * 60 * 60 * 1000

/** The parts `reach` may see, in score order, each with its current file's pages and how many versions it has. */
export async function listPieceParts(db: Db, pieceId: string, reach: LibraryReach) {
  return db
    .selectFrom('parts')
    .innerJoin('instruments', 'instruments.id', 'parts.instrument_id')
    .leftJoin('part_files as current', (join) =>
      join.onRef('current.part_id', '=', 'parts.id').on('current.superseded_at', 'is', null).on('current.deleted_at', 'is', null),
    )
    .select([
      'parts.id',
      'parts.label',
      'parts.chairs',
      'parts.sort_order as sortOrder',
      'parts.instrument_id as instrumentId',
      'instruments.name as instrument',
      'current.page_count as pages',
    ])
    .select((eb) =>
      eb
        .selectFrom('part_files')
        .select(sql<number>`count(*)::int`.as('count'))
        .whereRef('part_files.part_id', '=', 'parts.id')
        .where('part_files.deleted_at', 'is', null)
        .as('versions'),
    )
    .where('parts.piece_id', '=', pieceId)
    .where(visiblePart(reach))
    .orderBy('parts.sort_order')
    .orderBy('instruments.sort_order')
    .orderBy(sql`parts.part_number nulls first`)
    .orderBy('parts.label')
    .execute()
}

export type PiecePart = Awaited<ReturnType<typeof listPieceParts>>[number]

/** Parts of the piece deleted in the last 30 days, for "Deleted parts". */
export async function listDeletedParts(db: Db, pieceId: string, now = new Date()) {
  return db
    .selectFrom('parts')
    .innerJoin('instruments', 'instruments.id', 'parts.instrument_id')
    .select(['parts.id', 'parts.label', 'instruments.name as instrument', 'parts.deleted_at as deletedAt'])
    .where('parts.piece_id', '=', pieceId)
    .where('parts.deleted_at', '>=', new Date(now.getTime() - RESTORE_DAYS * DAY_MS))
    .orderBy('parts.deleted_at', 'desc')
    .execute()
}

/** Every instrument, in score order, for the part forms. */
export function listInstrumentChoices(db: Db) {
  return db.selectFrom('instruments').select(['id', 'name']).orderBy('sort_order').orderBy('name').execute()
}

const PART_SNAPSHOT = ['parts.label', 'parts.chairs', 'parts.part_number', 'parts.sort_order', 'instruments.name as instrument'] as const

function partSnapshot(db: Db, partId: string) {
  return db
    .selectFrom('parts')
    .innerJoin('instruments', 'instruments.id', 'parts.instrument_id')
    .select(PART_SNAPSHOT)
    .where('parts.id', '=', partId)
    .executeTakeFirstOrThrow()
}

const labelTaken = (label: string) => ({
  ok: false as const,
  field: 'label',
  message: `This piece already has a part called “${label}”. Give this one another label, or edit that one.`,
})

/** Another live part of the piece with this label (any case)? */
async function labelHolder(db: Db, pieceId: string, label: string, exceptPartId?: string) {
  return db
    .selectFrom('parts')
    .select('id')
    .where('piece_id', '=', pieceId)
    .where('deleted_at', 'is', null)
    .where((eb) => eb(eb.fn('lower', ['label']), '=', label.toLowerCase()))
    .$if(Boolean(exceptPartId), (query) => query.where('id', '!=', exceptPartId ?? ''))
    .executeTakeFirst()
}

const isLabelRace = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505'

/** Locks the live piece, so two part changes on one piece see each other's labels. */
async function lockPiece(trx: Db, pieceId: string) {
  return trx.selectFrom('pieces').select('id').where('id', '=', pieceId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst()
}

async function instrumentExists(db: Db, id: string) {
  return Boolean(await db.selectFrom('instruments').select('id').where('id', '=', id).executeTakeFirst())
}

const noPiece = { ok: false as const, field: 'piece', message: 'There is no such piece. It may have been deleted.' }
const noPart = { ok: false as const, field: 'partId', message: 'That part is gone. Reload the page.' }

function partColumns(input: PartInput, sortOrder: number) {
  return {
    instrument_id: input.instrumentId,
    chairs: input.chairs,
    part_number: input.chairs[0] ?? null,
    label: input.label,
    sort_order: sortOrder,
  }
}

export async function addPart(db: Kysely<Database>, pieceId: string, input: PartInput, audit: AuditContext): Promise<Outcome<string>> {
  if (!isUuid(pieceId)) return noPiece
  try {
    return await db.transaction().execute(async (trx) => {
      if (!(await lockPiece(trx, pieceId))) return noPiece
      if (!(await instrumentExists(trx, input.instrumentId))) return { ok: false, field: 'instrumentId', message: 'Choose the instrument from the list' }
      if (await labelHolder(trx, pieceId, input.label)) return labelTaken(input.label)
      // Without a place given, a new part goes after the others.
      const last = await trx
        .selectFrom('parts')
        .select((eb) => eb.fn.max('sort_order').as('max'))
        .where('piece_id', '=', pieceId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst()
      const sortOrder = input.sortOrder ?? (last?.max ?? 0) + 10
      const row = await trx
        .insertInto('parts')
        .values({ piece_id: pieceId, ...partColumns(input, sortOrder) })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, audit, { action: 'part.create', entity: ['part', row.id], after: { piece_id: pieceId, ...(await partSnapshot(trx, row.id)) } })
      return { ok: true, value: row.id }
    })
  } catch (error) {
    if (isLabelRace(error)) return labelTaken(input.label)
    throw error
  }
}

export async function updatePart(db: Kysely<Database>, pieceId: string, partId: string, input: PartInput, audit: AuditContext): Promise<Outcome<string>> {
  if (!isUuid(pieceId) || !isUuid(partId)) return noPart
  try {
    return await db.transaction().execute(async (trx) => {
      if (!(await lockPiece(trx, pieceId))) return noPiece
      const part = await trx
        .selectFrom('parts')
        .select(['id', 'sort_order'])
        .where('id', '=', partId)
        .where('piece_id', '=', pieceId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst()
      if (!part) return noPart
      if (!(await instrumentExists(trx, input.instrumentId))) return { ok: false, field: 'instrumentId', message: 'Choose the instrument from the list' }
      if (await labelHolder(trx, pieceId, input.label, partId)) return labelTaken(input.label)
      const before = await partSnapshot(trx, partId)
      await trx.updateTable('parts').set(partColumns(input, input.sortOrder ?? part.sort_order)).where('id', '=', partId).execute()
      await recordAudit(trx, audit, { action: 'part.update', entity: ['part', partId], before, after: await partSnapshot(trx, partId) })
      return { ok: true, value: partId }
    })
  } catch (error) {
    if (isLabelRace(error)) return labelTaken(input.label)
    throw error
  }
}

/** Soft-deletes a part of the piece; its files stay with it, for a restore. */
export async function deletePart(db: Kysely<Database>, pieceId: string, partId: string, audit: AuditContext): Promise<Outcome<string>> {
  if (!isUuid(pieceId) || !isUuid(partId)) return noPart
  return db.transaction().execute(async (trx) => {
    if (!(await lockPiece(trx, pieceId))) return noPiece
    const deleted = await trx
      .updateTable('parts')
      .set({ deleted_at: new Date() })
      .where('id', '=', partId)
      .where('piece_id', '=', pieceId)
      .where('deleted_at', 'is', null)
      .returning('label')
      .executeTakeFirst()
    if (!deleted) return noPart
    await recordAudit(trx, audit, { action: 'part.delete', entity: ['part', partId], before: { piece_id: pieceId, label: deleted.label, deleted_at: null }, after: { deleted_at: new Date() } })
    return { ok: true, value: deleted.label }
  })
}

/** Restores a part deleted in the last 30 days, unless a live part has taken its label since. */
export async function restorePart(db: Kysely<Database>, pieceId: string, partId: string, audit: AuditContext, now = new Date()): Promise<Outcome<string>> {
  if (!isUuid(pieceId) || !isUuid(partId)) return noPart
  try {
    return await db.transaction().execute(async (trx) => {
      if (!(await lockPiece(trx, pieceId))) return noPiece
      const part = await trx
        .selectFrom('parts')
        .select(['label', 'deleted_at'])
        .where('id', '=', partId)
        .where('piece_id', '=', pieceId)
        .where('deleted_at', '>=', new Date(now.getTime() - RESTORE_DAYS * DAY_MS))
        .executeTakeFirst()
      if (!part) return noPart
      if (await labelHolder(trx, pieceId, part.label, partId)) {
        return { ok: false, field: 'partId', message: `Another part is called “${part.label}” now. Rename that one first, then restore this one.` }
      }
      await trx.updateTable('parts').set({ deleted_at: null }).where('id', '=', partId).execute()
      await recordAudit(trx, audit, { action: 'part.restore', entity: ['part', partId], before: { deleted_at: part.deleted_at }, after: { deleted_at: null } })
      return { ok: true, value: part.label }
    })
  } catch (error) {
    if (isLabelRace(error)) return { ok: false, field: 'partId', message: 'Another part took that label a moment ago. Reload the page.' }
    throw error
  }
}

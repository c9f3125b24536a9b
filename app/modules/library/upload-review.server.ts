import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Storage } from '#app/platform/storage.server.ts'
import type { Db, PartMapping, SharedPart, UploadBatchStatus } from '#db/types.ts'
import { isUuid } from './pieces.server.ts'
import { LIBRARY_PREFIX } from './storage-keys.ts'

/**
 * The review step of a batch upload: the librarian sees one row per file and
 * corrects the mapper's proposals. Confirming is upload-confirm.server.ts,
 * cancelling and the daily sweep upload-cleanup.server.ts. A confirmed or
 * cancelled batch no longer changes.
 */

/** What confirm, cancel and the sweep need: the database, the storage, somewhere to warn. */
export type UploadServices = { db: Db; storage: Storage; logger?: { warn(obj: object, msg: string): void } }

export type ReviewStatus = 'ready' | 'check' | 'duplicate' | 'refused'

export type ReviewRow = {
  id: string
  position: number
  originalName: string
  archiveName: string | null
  stagingKey: string | null
  sizeBytes: number
  sha256: string | null
  pageCount: number | null
  problem: string | null
  instrumentId: string | null
  chairs: number[]
  label: string | null
  mapping: PartMapping
  mappingNote: string | null
  alsoFor: SharedPart[]
  included: boolean
  duplicateOf: string | null
  status: ReviewStatus
}

export type ReviewBatch = {
  id: string
  status: UploadBatchStatus
  createdBy: string | null
  createdByName: string | null
  createdAt: Date
  updatedAt: Date
  confirmedByName: string | null
  confirmedAt: Date | null
  piece: { id: string; title: string; composer: string | null } | null
  newPiece: { title: string; composer: string | null } | null
  rows: ReviewRow[]
}

/**
 * The final key of an upload file. Opaque like every library key, and
 * derived from the upload row, so after a crash mid-confirm the sweep knows
 * where a moved file went and can put it back in staging.
 */
export const finalKeyOf = (uploadFileId: string): string => `${LIBRARY_PREFIX}${uploadFileId}`

function statusOf(row: { problem: string | null; duplicateOf: string | null; mapping: PartMapping; instrumentId: string | null }): ReviewStatus {
  if (row.problem) return 'refused'
  if (row.duplicateOf) return 'duplicate'
  if (row.mapping === 'ambiguous' || row.mapping === 'unknown' || !row.instrumentId) return 'check'
  return 'ready'
}

export async function getReviewBatch(db: Db, batchId: string): Promise<ReviewBatch | null> {
  if (!isUuid(batchId)) return null
  const batch = await db
    .selectFrom('upload_batches')
    .leftJoin('users as creator', 'creator.id', 'upload_batches.created_by')
    .leftJoin('users as confirmer', 'confirmer.id', 'upload_batches.confirmed_by')
    .leftJoin('pieces', (join) => join.onRef('pieces.id', '=', 'upload_batches.piece_id'))
    .leftJoin('people', 'people.id', 'pieces.composer_id')
    .select([
      'upload_batches.id',
      'upload_batches.status',
      'upload_batches.created_by as createdBy',
      'creator.display_name as createdByName',
      'upload_batches.created_at as createdAt',
      'upload_batches.updated_at as updatedAt',
      'confirmer.display_name as confirmedByName',
      'upload_batches.confirmed_at as confirmedAt',
      'upload_batches.new_piece_title as newTitle',
      'upload_batches.new_piece_composer as newComposer',
      'pieces.id as pieceId',
      'pieces.title as pieceTitle',
      'people.name as composer',
    ])
    .where('upload_batches.id', '=', batchId)
    .executeTakeFirst()
  if (!batch) return null
  const files = await db
    .selectFrom('upload_files')
    .leftJoin('part_files', 'part_files.id', 'upload_files.duplicate_of_file_id')
    .leftJoin('parts', 'parts.id', 'part_files.part_id')
    .leftJoin('pieces', 'pieces.id', 'parts.piece_id')
    .leftJoin('upload_files as earlier', (join) =>
      join.onRef('earlier.batch_id', '=', 'upload_files.batch_id').onRef('earlier.position', '=', 'upload_files.duplicate_of_position'),
    )
    .select([
      'upload_files.id',
      'upload_files.position',
      'upload_files.original_name as originalName',
      'upload_files.archive_name as archiveName',
      'upload_files.staging_key as stagingKey',
      'upload_files.size_bytes as sizeBytes',
      'upload_files.sha256',
      'upload_files.page_count as pageCount',
      'upload_files.problem',
      'upload_files.instrument_id as instrumentId',
      'upload_files.chairs',
      'upload_files.label',
      'upload_files.mapping',
      'upload_files.mapping_note as mappingNote',
      'upload_files.also_for as alsoFor',
      'upload_files.included',
      'pieces.title as dupPiece',
      'parts.label as dupPart',
      'earlier.original_name as dupEarlier',
    ])
    .where('upload_files.batch_id', '=', batchId)
    .orderBy('upload_files.position')
    .execute()
  const rows = files.map(({ dupPiece, dupPart, dupEarlier, ...file }): ReviewRow => {
    const duplicateOf = dupPiece ? `${dupPiece} – ${dupPart ?? ''}` : dupEarlier ? `${dupEarlier} (in this upload)` : null
    const row = { ...file, duplicateOf, alsoFor: file.alsoFor ?? [] }
    return { ...row, included: row.problem ? false : row.included, status: statusOf(row) }
  })
  return {
    id: batch.id,
    status: batch.status,
    createdBy: batch.createdBy,
    createdByName: batch.createdByName,
    createdAt: batch.createdAt,
    updatedAt: batch.updatedAt,
    confirmedByName: batch.confirmedByName,
    confirmedAt: batch.confirmedAt,
    piece: batch.pieceId ? { id: batch.pieceId, title: batch.pieceTitle ?? '', composer: batch.composer } : null,
    newPiece: !batch.pieceId && batch.newTitle ? { title: batch.newTitle, composer: batch.newComposer } : null,
    rows,
  }
}

/** "28 ready, 2 to check, 1 refused". */
export function summarise(rows: ReviewRow[]): Record<ReviewStatus, number> {
  const counts: Record<ReviewStatus, number> = { ready: 0, check: 0, duplicate: 0, refused: 0 }
  for (const row of rows) counts[row.status]++
  return counts
}

/** "Your uploads waiting for review": the user's staged batches, newest first (for D1's upload page). */
export function listStagedBatches(db: Db, userId: string) {
  return db
    .selectFrom('upload_batches')
    .leftJoin('pieces', 'pieces.id', 'upload_batches.piece_id')
    .select((eb) => [
      'upload_batches.id',
      'upload_batches.created_at as createdAt',
      eb.fn.coalesce('pieces.title', 'upload_batches.new_piece_title').as('title'),
      eb.selectFrom('upload_files').select((inner) => inner.fn.countAll<number>().as('n')).whereRef('upload_files.batch_id', '=', 'upload_batches.id').as('files'),
    ])
    .where('upload_batches.created_by', '=', userId)
    .where('upload_batches.status', '=', 'staged')
    .orderBy('upload_batches.created_at', 'desc')
    .execute()
}

/** One row of the review form, as parsed by the route's schema. */
export type RowInput = { instrumentId: string | null; chairs: number[]; label: string; include: boolean }
export type RowErrors = Record<string, string[]>
export type Change = { fileId: string; name: string; what: string }

export type Refusal = { ok: false; message: string; rowErrors?: RowErrors }

const labelFor = (instrument: string, chairs: number[]) => (chairs.length ? `${instrument} ${chairs.join(' & ')}` : instrument)
const sameChairs = (a: number[], b: number[]) => a.length === b.length && a.every((chair, i) => chair === b[i])

export async function instrumentNames(db: Db): Promise<Map<string, { name: string; sortOrder: number }>> {
  const rows = await db.selectFrom('instruments').select(['id', 'name', 'sort_order as sortOrder']).execute()
  return new Map(rows.map((row) => [row.id, { name: row.name, sortOrder: row.sortOrder }]))
}

function refusedBecause(status: UploadBatchStatus, by: string | null, at: Date | null, timeZone: string): string {
  const when = at ? new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(at) : null
  if (status === 'confirmed') return `This upload was already confirmed${by ? ` by ${by}` : ''}${when ? ` at ${when}` : ''}.`
  if (status === 'confirming') return `This upload is being confirmed${by ? ` by ${by}` : ''} right now.`
  return 'This upload was cancelled: its files are gone. Upload them again.'
}

/** The refusal for a batch that is no longer staged: who confirmed or cancelled it, and when. */
export async function notStaged(db: Db, batchId: string, timeZone: string): Promise<Refusal> {
  const now = await db
    .selectFrom('upload_batches')
    .leftJoin('users', 'users.id', 'upload_batches.confirmed_by')
    .select(['upload_batches.status', 'upload_batches.confirmed_at', 'users.display_name'])
    .where('upload_batches.id', '=', batchId)
    .executeTakeFirst()
  return { ok: false, message: now ? refusedBecause(now.status, now.display_name, now.confirmed_at, timeZone) : 'There is no such upload.' }
}

/**
 * Saves the librarian's corrections. A changed instrument, chairs or label
 * makes the row 'corrected'; a label left as it was follows a new instrument
 * or chairs. Refused files cannot be included. Only a staged batch changes.
 */
export async function saveCorrections(
  db: Db,
  input: { batchId: string; rows: Record<string, RowInput>; timeZone: string },
  audit: AuditContext,
): Promise<{ ok: true; changes: Change[] } | Refusal> {
  const instruments = await instrumentNames(db)
  return db.transaction().execute(async (trx) => {
    const batch = await trx
      .selectFrom('upload_batches')
      .leftJoin('users', 'users.id', 'upload_batches.confirmed_by')
      .select(['upload_batches.status', 'upload_batches.confirmed_at', 'users.display_name'])
      .where('upload_batches.id', '=', input.batchId)
      .forUpdate('upload_batches')
      .executeTakeFirst()
    if (!batch) return { ok: false, message: 'There is no such upload.' }
    if (batch.status !== 'staged') return { ok: false, message: refusedBecause(batch.status, batch.display_name, batch.confirmed_at, input.timeZone) }
    const files = await trx
      .selectFrom('upload_files')
      .select(['id', 'original_name', 'problem', 'instrument_id', 'chairs', 'label', 'included', 'mapping'])
      .where('batch_id', '=', input.batchId)
      .execute()
    const rowErrors: RowErrors = {}
    const changes: Change[] = []
    const updates: { id: string; set: { instrument_id: string | null; chairs: number[]; label: string | null; included: boolean; mapping: PartMapping } }[] = []
    for (const file of files) {
      const sent = input.rows[file.id]
      if (!sent) continue
      if (file.problem) {
        if (sent.include) rowErrors[`files.${file.id}.include`] = [`${file.original_name} was refused (${file.problem}); it cannot be included.`]
        continue
      }
      if (sent.instrumentId && !instruments.has(sent.instrumentId)) {
        rowErrors[`files.${file.id}.instrumentId`] = ['Choose one of the band’s instruments.']
        continue
      }
      const instrumentChanged = sent.instrumentId !== file.instrument_id
      const chairsChanged = !sameChairs(sent.chairs, file.chairs)
      let label: string | null = sent.label.trim() || null
      // The label was left alone while what it describes changed: it follows.
      if ((instrumentChanged || chairsChanged) && (label === null || label === file.label) && sent.instrumentId) {
        label = labelFor(instruments.get(sent.instrumentId)?.name ?? '', sent.chairs)
      }
      const labelChanged = label !== file.label
      const what: string[] = []
      if (instrumentChanged) what.push(`instrument ${sent.instrumentId ? instruments.get(sent.instrumentId)?.name : 'none'}`)
      if (chairsChanged) what.push(`chairs ${sent.chairs.join(' & ') || 'none'}`)
      if (labelChanged) what.push(`label “${label ?? ''}”`)
      if (sent.include !== file.included) what.push(sent.include ? 'included' : 'left out')
      if (!what.length) continue
      const corrected = instrumentChanged || chairsChanged || labelChanged
      updates.push({
        id: file.id,
        set: { instrument_id: sent.instrumentId, chairs: sent.chairs, label, included: sent.include, mapping: corrected ? 'corrected' : file.mapping },
      })
      changes.push({ fileId: file.id, name: file.original_name, what: what.join(', ') })
    }
    if (Object.keys(rowErrors).length) return { ok: false, message: 'Some rows need another look; nothing was saved.', rowErrors }
    for (const update of updates) await trx.updateTable('upload_files').set(update.set).where('id', '=', update.id).execute()
    if (changes.length) {
      await trx.updateTable('upload_batches').set({ updated_at: new Date() }).where('id', '=', input.batchId).execute()
      await recordAudit(trx, audit, {
        action: 'upload.correct',
        entity: ['upload_batch', input.batchId],
        details: { changes: changes.map((change) => `${change.name}: ${change.what}`) },
      })
    }
    return { ok: true, changes }
  })
}


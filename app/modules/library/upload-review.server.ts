import { type AuditContext, recordAudit, systemContext } from '#app/modules/audit/audit.server.ts'
import type { Storage } from '#app/platform/storage.server.ts'
import type { Db, PartMapping, SharedPart, UploadBatchStatus } from '#db/types.ts'
import { nextLibraryNumber } from './library-numbers.server.ts'
import { addFileVersion } from './part-file-versions.server.ts'
import { findOrCreatePerson } from './people.server.ts'
import { isUuid } from './pieces.server.ts'
import { LIBRARY_PREFIX } from './storage-keys.ts'

/**
 * The review step of a batch upload: the librarian corrects the mapper's
 * proposals, then confirms (the files move from staging to the library and
 * every row is written in one transaction) or cancels (the staged files go).
 * A confirmed or cancelled batch no longer changes.
 */

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

type Refusal = { ok: false; message: string; rowErrors?: RowErrors }

const labelFor = (instrument: string, chairs: number[]) => (chairs.length ? `${instrument} ${chairs.join(' & ')}` : instrument)
const sameChairs = (a: number[], b: number[]) => a.length === b.length && a.every((chair, i) => chair === b[i])

async function instrumentNames(db: Db): Promise<Map<string, { name: string; sortOrder: number }>> {
  const rows = await db.selectFrom('instruments').select(['id', 'name', 'sort_order as sortOrder']).execute()
  return new Map(rows.map((row) => [row.id, { name: row.name, sortOrder: row.sortOrder }]))
}

function refusedBecause(status: UploadBatchStatus, by: string | null, at: Date | null, timeZone: string): string {
  const when = at ? new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(at) : null
  if (status === 'confirmed') return `This upload was already confirmed${by ? ` by ${by}` : ''}${when ? ` at ${when}` : ''}.`
  if (status === 'confirming') return `This upload is being confirmed${by ? ` by ${by}` : ''} right now.`
  return 'This upload was cancelled: its files are gone. Upload them again.'
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

export type StoredPart = { partId: string; label: string; pageCount: number; version: number; newPart: boolean; originalName: string }
export type ConfirmOutcome = { ok: true; pieceId: string; stored: StoredPart[] } | Refusal

type Services = { db: Db; storage: Storage; logger?: { warn(obj: object, msg: string): void } }

/**
 * Confirms a staged batch: all or nothing. The batch is claimed first
 * (staged → confirming), so of two librarians confirming at once one goes
 * on and the other is told. The included files move to their final keys,
 * then one transaction writes piece, parts, files and audit; any failure
 * moves the files back and leaves the batch staged for another try.
 */
export async function confirmUpload(
  services: Services,
  input: { batchId: string; rows: Record<string, RowInput>; userId: string; timeZone: string },
  audit: AuditContext,
): Promise<ConfirmOutcome> {
  const { db, storage } = services
  // Rows sent with the confirm button are saved first: a correction and the confirm are one click.
  const saved = await saveCorrections(db, { batchId: input.batchId, rows: input.rows, timeZone: input.timeZone }, audit)
  if (!saved.ok) return saved

  const claimed = await db
    .updateTable('upload_batches')
    .set({ status: 'confirming', confirmed_by: input.userId, updated_at: new Date() })
    .where('id', '=', input.batchId)
    .where('status', '=', 'staged')
    .returning(['id', 'piece_id', 'new_piece_title', 'new_piece_composer'])
    .executeTakeFirst()
  if (!claimed) {
    const now = await db
      .selectFrom('upload_batches')
      .leftJoin('users', 'users.id', 'upload_batches.confirmed_by')
      .select(['upload_batches.status', 'upload_batches.confirmed_at', 'users.display_name'])
      .where('upload_batches.id', '=', input.batchId)
      .executeTakeFirst()
    if (!now) return { ok: false, message: 'There is no such upload.' }
    return { ok: false, message: refusedBecause(now.status, now.display_name, now.confirmed_at, input.timeZone) }
  }
  const release = () =>
    db.updateTable('upload_batches').set({ status: 'staged', confirmed_by: null, updated_at: new Date() }).where('id', '=', input.batchId).where('status', '=', 'confirming').execute()

  const files = await db
    .selectFrom('upload_files')
    .select(['id', 'original_name', 'staging_key', 'size_bytes', 'sha256', 'page_count', 'problem', 'instrument_id', 'chairs', 'label', 'also_for', 'included'])
    .where('batch_id', '=', input.batchId)
    .orderBy('position')
    .execute()
  const included = files.filter((file) => file.included && !file.problem && file.staging_key)
  const rowErrors: RowErrors = {}
  const labels = new Map<string, string>()
  for (const file of included) {
    if (!file.instrument_id || !file.label) {
      rowErrors[`files.${file.id}.instrumentId`] = [`Choose the instrument of ${file.original_name}, or leave the file out.`]
      continue
    }
    for (const label of [file.label, ...(file.also_for ?? []).map((shared) => shared.label)]) {
      const first = labels.get(label.toLowerCase())
      if (first) rowErrors[`files.${file.id}.label`] = [`“${label}” is also the part of ${first}: give one of them another label, or leave one out.`]
      else labels.set(label.toLowerCase(), file.original_name)
    }
  }
  if (!included.length) {
    await release()
    return { ok: false, message: 'No file is included. Include at least one, or cancel the upload.' }
  }
  if (Object.keys(rowErrors).length) {
    await release()
    return { ok: false, message: 'Some rows need another look before the upload can be confirmed.', rowErrors }
  }

  const moved: { from: string; to: string }[] = []
  const undoMoves = async () => {
    for (const move of moved.reverse()) {
      await storage.move(move.to, move.from).catch((error: unknown) => services.logger?.warn({ err: error, key: move.to }, 'could not move a file back to staging'))
    }
  }
  const failed = async (message: string, error: unknown): Promise<Refusal> => {
    services.logger?.warn({ err: error, batchId: input.batchId }, 'upload confirm failed')
    await undoMoves()
    await release()
    return { ok: false, message }
  }

  try {
    for (const file of included) {
      const to = finalKeyOf(file.id)
      await storage.move(file.staging_key as string, to)
      moved.push({ from: file.staging_key as string, to })
    }
  } catch (error) {
    return failed('Storage failed — nothing was saved; try again.', error)
  }

  let outcome: { pieceId: string; stored: StoredPart[] }
  try {
    const instruments = await instrumentNames(db)
    outcome = await db.transaction().execute(async (trx) => {
      let pieceId = claimed.piece_id
      let pieceCreated: Record<string, unknown> | null = null
      if (pieceId) {
        // One confirm per piece at a time: two batches cannot both create the same part.
        const piece = await trx.selectFrom('pieces').select('id').where('id', '=', pieceId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst()
        if (!piece) throw new ConfirmError('The piece of this upload was deleted. Restore it first, or cancel the upload.')
      } else {
        const title = claimed.new_piece_title ?? 'Untitled'
        const composer = claimed.new_piece_composer?.trim() ? await findOrCreatePerson(trx, claimed.new_piece_composer) : null
        for (let attempt = 0; attempt < 5 && !pieceId; attempt++) {
          const libraryNumber = await nextLibraryNumber(trx)
          // Another piece took this number a moment ago: take the next one.
          const inserted = await trx
            .insertInto('pieces')
            .values({ title, composer_id: composer?.id ?? null, library_number: libraryNumber, created_by: input.userId })
            .onConflict((oc) => oc.column('library_number').doNothing())
            .returning('id')
            .executeTakeFirst()
          if (inserted) {
            pieceId = inserted.id
            pieceCreated = { title, composer: claimed.new_piece_composer, library_number: libraryNumber }
          }
        }
        if (!pieceId) throw new ConfirmError('No free library number was found; try again.')
        await recordAudit(trx, audit, { action: 'piece.create', entity: ['piece', pieceId], after: pieceCreated })
      }
      const stored: StoredPart[] = []
      const partFor = async (instrumentId: string, chairs: number[], label: string) => {
        const existing = await trx
          .selectFrom('parts')
          .select('id')
          .where('piece_id', '=', pieceId)
          .where((eb) => eb(eb.fn('lower', ['label']), '=', label.toLowerCase()))
          .where('deleted_at', 'is', null)
          .executeTakeFirst()
        if (existing) return { id: existing.id, created: false }
        const created = await trx
          .insertInto('parts')
          .values({ piece_id: pieceId, instrument_id: instrumentId, chairs, part_number: chairs[0] ?? null, label, sort_order: instruments.get(instrumentId)?.sortOrder ?? 0 })
          .returning('id')
          .executeTakeFirstOrThrow()
        return { id: created.id, created: true }
      }
      for (const file of included) {
        const targets = [{ instrumentId: file.instrument_id as string, chairs: file.chairs, label: file.label as string }, ...(file.also_for ?? [])]
        for (const target of targets) {
          const part = await partFor(target.instrumentId, target.chairs, target.label)
          // A shared sheet: the same stored object serves each of its parts.
          const version = await addFileVersion(trx, {
            partId: part.id,
            storageKey: finalKeyOf(file.id),
            originalName: file.original_name,
            sizeBytes: file.size_bytes,
            sha256: file.sha256 ?? '',
            pageCount: file.page_count ?? 1,
            uploadedBy: input.userId,
            uploadBatchId: input.batchId,
          })
          stored.push({ partId: part.id, label: target.label, pageCount: file.page_count ?? 1, version: version.version, newPart: part.created, originalName: file.original_name })
        }
      }
      await trx
        .updateTable('upload_batches')
        .set({ status: 'confirmed', piece_id: pieceId, confirmed_by: input.userId, confirmed_at: new Date(), updated_at: new Date() })
        .where('id', '=', input.batchId)
        .execute()
      await recordAudit(trx, audit, {
        action: 'upload.confirm',
        entity: ['upload_batch', input.batchId],
        details: {
          pieceId,
          files: stored.map((part) => `${part.originalName} → ${part.label} (${part.newPart ? 'new part' : `version ${part.version}`})`),
          leftOut: files.length - included.length,
        },
      })
      return { pieceId, stored }
    })
  } catch (error) {
    return failed(error instanceof ConfirmError ? error.message : 'Saving failed — nothing was saved; try again.', error)
  }

  // Committed: the files left out go now (the sweep never touches a confirmed batch).
  for (const file of files) {
    if (file.staging_key && !included.includes(file)) {
      await storage.delete(file.staging_key).catch((error: unknown) => services.logger?.warn({ err: error, key: file.staging_key }, 'could not remove a staged file'))
    }
  }
  return { ok: true, ...outcome }
}

class ConfirmError extends Error {}

/** What a confirmed batch stored, for its result page. */
export function listStoredParts(db: Db, batchId: string) {
  return db
    .selectFrom('part_files')
    .innerJoin('parts', 'parts.id', 'part_files.part_id')
    .select(['parts.id as partId', 'parts.piece_id as pieceId', 'parts.label', 'part_files.page_count as pageCount', 'part_files.version', 'part_files.original_name as originalName'])
    .where('part_files.upload_batch_id', '=', batchId)
    .orderBy('parts.sort_order')
    .orderBy('parts.label')
    .execute()
}

/** Cancels a staged batch: its staged files are removed, the rows stay as 'cancelled' until the sweep. */
export async function cancelUpload(
  services: Services,
  input: { batchId: string; timeZone: string },
  audit: AuditContext,
): Promise<{ ok: true; files: number } | Refusal> {
  const { db, storage } = services
  const outcome = await db.transaction().execute(async (trx) => {
    const cancelled = await trx
      .updateTable('upload_batches')
      .set({ status: 'cancelled', updated_at: new Date() })
      .where('id', '=', input.batchId)
      .where('status', '=', 'staged')
      .returning('id')
      .executeTakeFirst()
    if (!cancelled) return null
    const keys = await trx.selectFrom('upload_files').select('staging_key').where('batch_id', '=', input.batchId).execute()
    await recordAudit(trx, audit, { action: 'upload.cancel', entity: ['upload_batch', input.batchId], details: { files: keys.length } })
    return keys
  })
  if (!outcome) {
    const now = await db
      .selectFrom('upload_batches')
      .leftJoin('users', 'users.id', 'upload_batches.confirmed_by')
      .select(['upload_batches.status', 'upload_batches.confirmed_at', 'users.display_name'])
      .where('upload_batches.id', '=', input.batchId)
      .executeTakeFirst()
    return { ok: false, message: now ? refusedBecause(now.status, now.display_name, now.confirmed_at, input.timeZone) : 'There is no such upload.' }
  }
  // After the commit; what cannot go now, the sweep removes within a day.
  for (const { staging_key: key } of outcome) {
    if (key) await storage.delete(key).catch((error: unknown) => services.logger?.warn({ err: error, key }, 'could not remove a staged file'))
  }
  return { ok: true, files: outcome.length }
}

export const STAGING_SWEEP_JOB = 'library.staging.sweep'
const DAY_MS = 24 * 60 * 60 * 1000
const HOUR_MS = 60 * 60 * 1000

/**
 * Abandoned uploads: staged or cancelled batches older than a day lose
 * their staged files and rows. A batch left 'confirming' for an hour (the
 * process died mid-confirm) becomes 'confirmed' if its transaction
 * committed, else its moved files go back to staging and it is 'staged'
 * again. Confirmed batches and library/ files are never touched.
 */
export async function sweepStaging(
  services: Services & { chainKey: string },
  now: Date = new Date(),
): Promise<{ removed: number; recovered: number }> {
  const { db, storage } = services
  const old = await db
    .selectFrom('upload_batches')
    .select('id')
    .where('status', 'in', ['staged', 'cancelled'])
    .where('created_at', '<', new Date(now.getTime() - DAY_MS))
    .execute()
  let removed = 0
  for (const { id } of old) {
    const keys = await db.selectFrom('upload_files').select('staging_key').where('batch_id', '=', id).execute()
    for (const { staging_key: key } of keys) if (key) await storage.delete(key)
    await db.transaction().execute(async (trx) => {
      // Still abandoned: a confirm that claimed it meanwhile keeps it (and is told its files are gone).
      const gone = await trx.deleteFrom('upload_batches').where('id', '=', id).where('status', 'in', ['staged', 'cancelled']).returning('id').executeTakeFirst()
      if (gone) {
        removed++
        await recordAudit(trx, systemContext('Staging sweep', services.chainKey), { action: 'upload.sweep', entity: ['upload_batch', id], details: { files: keys.length } })
      }
    })
  }

  const stuck = await db
    .selectFrom('upload_batches')
    .select('id')
    .where('status', '=', 'confirming')
    .where('updated_at', '<', new Date(now.getTime() - HOUR_MS))
    .execute()
  let recovered = 0
  for (const { id } of stuck) {
    const stored = await db.selectFrom('part_files').select('id').where('upload_batch_id', '=', id).limit(1).executeTakeFirst()
    if (!stored) {
      const files = await db.selectFrom('upload_files').select(['id', 'staging_key']).where('batch_id', '=', id).execute()
      for (const file of files) {
        if (file.staging_key && (await storage.exists(finalKeyOf(file.id)))) await storage.move(finalKeyOf(file.id), file.staging_key)
      }
    }
    await db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable('upload_batches')
        .set(stored ? { status: 'confirmed', confirmed_at: now, updated_at: now } : { status: 'staged', confirmed_by: null, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'confirming')
        .returning('id')
        .executeTakeFirst()
      if (changed) {
        recovered++
        await recordAudit(trx, systemContext('Staging sweep', services.chainKey), {
          action: 'upload.recover',
          entity: ['upload_batch', id],
          details: { status: stored ? 'confirmed' : 'staged' },
        })
      }
    })
  }
  return { removed, recovered }
}

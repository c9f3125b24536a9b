import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Db } from '#db/types.ts'
import { nextLibraryNumber } from './library-numbers.server.ts'
import { addFileVersion } from './part-file-versions.server.ts'
import { findOrCreatePerson } from './people.server.ts'
import { finalKeyOf, instrumentNames, notStaged, type Refusal, type RowErrors, type RowInput, saveCorrections, type UploadServices } from './upload-review.server.ts'

/**
 * Confirming a reviewed batch upload: the files move from staging to the
 * library and every row is written in one transaction (ADR 011).
 */

export type StoredPart = { partId: string; label: string; pageCount: number; version: number; newPart: boolean; originalName: string }
export type ConfirmOutcome = { ok: true; pieceId: string; stored: StoredPart[] } | Refusal


/**
 * Confirms a staged batch: all or nothing. The batch is claimed first
 * (staged → confirming), so of two librarians confirming at once one goes
 * on and the other is told. The included files move to their final keys,
 * then one transaction writes piece, parts, files and audit; any failure
 * moves the files back and leaves the batch staged for another try.
 */
export async function confirmUpload(
  services: UploadServices,
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
  if (!claimed) return notStaged(db, input.batchId, input.timeZone)
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

import { z } from 'zod'
import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Storage } from '#app/platform/storage.server.ts'
import type { Db, PartMapping, SharedPart } from '#db/types.ts'
import { mapPartName } from './part-names.ts'
import type { ReceivedFile } from './upload-stream.server.ts'

/**
 * The upload form's answer, once its files are staged: which piece they are
 * for, the mapper's proposal for each file name, duplicates flagged, and
 * every row written in one transaction. Nothing here guesses silently: a
 * file the mapper is unsure of is left for the librarian to check, and a
 * duplicate is left out unless the librarian puts it back in.
 */

/** Which piece the files are for: one chosen on its page, one found by its library number, or a new one. */
export const UploadTargetSchema = z.discriminatedUnion('target', [
  z.object({ target: z.literal('piece'), pieceId: z.guid({ error: 'Choose the piece again from its page.' }) }),
  z.object({
    target: z.literal('number'),
    libraryNumber: z.string({ error: 'Give the piece’s library number.' }).trim().min(1, 'Give the piece’s library number.').max(20, 'At most 20 characters.'),
  }),
  z.object({
    target: z.literal('new'),
    title: z.string({ error: 'Give the new piece a title.' }).trim().min(1, 'Give the new piece a title.').max(200, 'At most 200 characters.'),
    composer: z.string().trim().max(200, 'At most 200 characters.').optional(),
  }),
], { error: 'Say which piece the files are for.' })

export type UploadTarget = z.infer<typeof UploadTargetSchema>
export type FieldErrors = Record<string, string[]>

type PieceContext = { id: string; title: string; composer: string | null; arranger: string | null }

export type StageOutcome = { batchId: string; files: number; toCheck: number; refused: number; duplicates: number }

/** The piece named by the upload link on its page (`?piece=`), or null. */
export async function uploadPieceSummary(db: Db, pieceId: string) {
  if (!z.guid().safeParse(pieceId).success) return null
  const piece = await db
    .selectFrom('pieces')
    .leftJoin('people', 'people.id', 'pieces.composer_id')
    .select((eb) => [
      'pieces.id',
      'pieces.title',
      'pieces.library_number as libraryNumber',
      'people.name as composer',
      eb.selectFrom('parts').select((inner) => inner.fn.countAll<number>().as('n')).whereRef('parts.piece_id', '=', 'pieces.id').where('parts.deleted_at', 'is', null).as('parts'),
    ])
    .where('pieces.id', '=', pieceId)
    .where('pieces.deleted_at', 'is', null)
    .executeTakeFirst()
  return piece ? { ...piece, parts: Number(piece.parts ?? 0) } : null
}

/** Removes what an upload staged when its form is refused (the files must be chosen again). */
export async function discardReceived(storage: Storage, files: ReceivedFile[]): Promise<void> {
  await Promise.allSettled(files.flatMap((file) => (file.stagingKey ? [storage.delete(file.stagingKey)] : [])))
}

/** The piece an upload adds to, or what stands in the way; a new piece is only a title until the upload is confirmed. */
async function resolveTarget(db: Db, target: UploadTarget): Promise<{ piece: PieceContext | null } | { fieldErrors: FieldErrors }> {
  if (target.target === 'new') return { piece: null }
  const piece = await db
    .selectFrom('pieces')
    .leftJoin('people as composer', 'composer.id', 'pieces.composer_id')
    .leftJoin('people as arranger', 'arranger.id', 'pieces.arranger_id')
    .select(['pieces.id', 'pieces.title', 'composer.name as composer', 'arranger.name as arranger'])
    .where('pieces.deleted_at', 'is', null)
    .$call((query) =>
      target.target === 'piece' ? query.where('pieces.id', '=', target.pieceId) : query.where((eb) => eb(eb.fn('lower', ['pieces.library_number']), '=', target.libraryNumber.toLowerCase())),
    )
    .executeTakeFirst()
  if (piece) return { piece }
  return target.target === 'piece'
    ? { fieldErrors: { pieceId: ['That piece is not in the library any more.'] } }
    : { fieldErrors: { libraryNumber: [`No piece has the library number “${target.libraryNumber}”.`] } }
}

/** Reads the form's fields into a target, or field errors. */
export async function checkUploadTarget(db: Db, fields: Record<string, string>): Promise<{ ok: true; target: UploadTarget; piece: PieceContext | null } | { ok: false; fieldErrors: FieldErrors }> {
  const parsed = UploadTargetSchema.safeParse({ ...fields, composer: fields.composer || undefined })
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {}
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'target')] ??= []).push(issue.message)
    return { ok: false, fieldErrors }
  }
  const resolved = await resolveTarget(db, parsed.data)
  return 'fieldErrors' in resolved ? { ok: false, fieldErrors: resolved.fieldErrors } : { ok: true, target: parsed.data, piece: resolved.piece }
}

type Proposal = { instrumentId: string | null; chairs: number[]; label: string | null; mapping: PartMapping; note: string | null; alsoFor: SharedPart[] }

/** The mapper's reading of a file name, tied to the band's own instruments. */
function propose(name: string, context: { pieceTitle: string; composer: string | null; arranger: string | null }, instruments: Map<string, string>): Proposal {
  const mapping = mapPartName(name, { pieceTitle: context.pieceTitle, composer: context.composer, arranger: context.arranger })
  const instrumentId = mapping.instrument ? (instruments.get(mapping.instrument) ?? null) : null
  if (mapping.instrument && !instrumentId) {
    return { instrumentId: null, chairs: mapping.chairs, label: mapping.label, mapping: 'unknown', note: `Reads as ${mapping.instrument}, which is not one of the band’s instruments: choose one.`, alsoFor: [] }
  }
  const alsoFor = mapping.alsoFor.flatMap((shared) => {
    const id = instruments.get(shared.instrument)
    return id ? [{ instrumentId: id, chairs: shared.chairs, label: shared.label }] : []
  })
  return { instrumentId, chairs: mapping.chairs, label: mapping.label, mapping: mapping.status, note: mapping.note, alsoFor }
}

/** Library files with the same bytes, by SHA-256 (only files still in use or in the trash count). */
async function libraryDuplicates(db: Db, hashes: string[]): Promise<Map<string, string>> {
  if (hashes.length === 0) return new Map()
  const rows = await db.selectFrom('part_files').select(['sha256', 'id']).where('sha256', 'in', hashes).orderBy('created_at').execute()
  const found = new Map<string, string>()
  for (const row of rows) if (!found.has(row.sha256)) found.set(row.sha256, row.id)
  return found
}

/**
 * Writes the staged batch: one upload_batches row and one upload_files row
 * per file, in one transaction with its audit entry. When the transaction
 * fails, the staged objects go too.
 */
export async function stageUpload(
  services: { db: Db; storage: Storage },
  input: { batchId: string; userId: string; target: UploadTarget; piece: PieceContext | null; files: ReceivedFile[] },
  audit: AuditContext,
): Promise<StageOutcome> {
  const { db, storage } = services
  const { batchId, target, piece, files } = input
  const instruments = new Map((await db.selectFrom('instruments').select(['id', 'name']).execute()).map((row) => [row.name, row.id]))
  const inLibrary = await libraryDuplicates(db, files.flatMap((file) => (file.sha256 ? [file.sha256] : [])))
  const context = {
    pieceTitle: piece?.title ?? (target.target === 'new' ? target.title : ''),
    composer: piece?.composer ?? (target.target === 'new' ? (target.composer ?? null) : null),
    arranger: piece?.arranger ?? null,
  }
  const firstWithHash = new Map<string, number>()
  const rows = files.map((file, position) => {
    const proposal = file.problem ? null : propose(file.originalName, context, instruments)
    const earlier = file.sha256 ? firstWithHash.get(file.sha256) : undefined
    if (file.sha256 && earlier === undefined) firstWithHash.set(file.sha256, position)
    const duplicateOfFile = file.sha256 ? (inLibrary.get(file.sha256) ?? null) : null
    const duplicate = duplicateOfFile !== null || earlier !== undefined
    return {
      batch_id: batchId,
      position,
      original_name: file.originalName,
      archive_name: file.archiveName,
      staging_key: file.stagingKey,
      size_bytes: file.sizeBytes,
      sha256: file.sha256,
      page_count: file.pageCount,
      problem: file.problem,
      duplicate_of_file_id: duplicateOfFile,
      duplicate_of_position: earlier ?? null,
      instrument_id: proposal?.instrumentId ?? null,
      chairs: proposal?.chairs ?? [],
      label: proposal?.label ?? null,
      mapping: proposal?.mapping ?? 'unknown',
      mapping_note: proposal?.note ?? null,
      also_for: JSON.stringify(proposal?.alsoFor ?? []),
      // A duplicate is flagged and left out; the librarian may put it back in.
      included: !file.problem && !duplicate,
    }
  })
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('upload_batches')
        .values({
          id: batchId,
          created_by: input.userId,
          piece_id: piece?.id ?? null,
          new_piece_title: target.target === 'new' ? target.title : null,
          new_piece_composer: target.target === 'new' ? (target.composer ?? null) : null,
        })
        .execute()
      // Chunks keep each statement well under PostgreSQL's 65,535 parameters.
      for (let start = 0; start < rows.length; start += 500) await trx.insertInto('upload_files').values(rows.slice(start, start + 500)).execute()
      await recordAudit(trx, audit, {
        action: 'upload.stage',
        entity: ['upload_batch', batchId],
        details: {
          piece: piece ? { id: piece.id, title: piece.title } : { new: context.pieceTitle },
          files: rows.length,
          refused: rows.filter((row) => row.problem).length,
          bytes: rows.reduce((sum, row) => sum + row.size_bytes, 0),
        },
      })
    })
  } catch (error) {
    await discardReceived(storage, files)
    throw error
  }
  return {
    batchId,
    files: rows.length,
    toCheck: rows.filter((row) => !row.problem && (row.mapping !== 'sure' || !row.instrument_id)).length,
    refused: rows.filter((row) => row.problem).length,
    duplicates: rows.filter((row) => row.duplicate_of_file_id || row.duplicate_of_position !== null).length,
  }
}

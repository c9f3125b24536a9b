import { Readable } from 'node:stream'
import { PDFDocument } from 'pdf-lib'
import { stagingKey } from '#app/modules/library/storage-keys.ts'
import type { Storage } from '#app/platform/storage.server.ts'
import type { Db, PartMapping } from '#db/types.ts'

/** A small real PDF with its text printed on each page. */
export async function smallPdf(text: string, pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  for (let page = 1; page <= pages; page++) doc.addPage([200, 200]).drawText(`${text} p${page}`, { x: 10, y: 100, size: 10 })
  return doc.save()
}

export type StagedFile = { name: string; instrumentId: string | null; chairs?: number[]; label?: string | null; mapping?: PartMapping; problem?: string }

/** A staged batch as the upload form leaves it: rows in upload_batches/upload_files, PDFs under stagingKey(batchId). */
export async function stageBatch(
  db: Db,
  storage: Storage,
  options: { userId: string | null; pieceId?: string; newTitle?: string; newComposer?: string; files: StagedFile[] },
) {
  const batch = await db
    .insertInto('upload_batches')
    .values({ created_by: options.userId, piece_id: options.pieceId ?? null, new_piece_title: options.pieceId ? null : (options.newTitle ?? 'Test March'), new_piece_composer: options.newComposer ?? null })
    .returning('id')
    .executeTakeFirstOrThrow()
  const files = []
  for (const [position, file] of options.files.entries()) {
    const key = file.problem ? null : stagingKey(batch.id)
    const stored = key ? await storage.put(key, Readable.from([Buffer.from(await smallPdf(file.name))])) : null
    const row = await db
      .insertInto('upload_files')
      .values({
        batch_id: batch.id,
        position,
        original_name: file.name,
        staging_key: key,
        size_bytes: stored?.size ?? 0,
        sha256: stored?.sha256 ?? null,
        page_count: stored ? 1 : null,
        problem: file.problem ?? null,
        instrument_id: file.instrumentId,
        chairs: file.chairs ?? [],
        label: file.label ?? null,
        mapping: file.mapping ?? (file.instrumentId ? 'sure' : 'unknown'),
        included: !file.problem,
      })
      .returning(['id', 'staging_key'])
      .executeTakeFirstOrThrow()
    files.push({ id: row.id, stagingKey: row.staging_key })
  }
  return { id: batch.id, files }
}

import type { Db } from '#db/types.ts'

export type NewPartFile = {
  partId: string
  storageKey: string
  originalName: string
  sizeBytes: number
  sha256: string
  pageCount: number
  uploadedBy: string | null
  uploadBatchId?: string | null
}

/**
 * A part's new file: the current one (if any) becomes an older version, kept
 * and restorable. Run inside the caller's transaction; the part row is locked
 * so two uploads for one part get consecutive versions.
 */
export async function addFileVersion(trx: Db, file: NewPartFile): Promise<{ id: string; version: number; replacedId: string | null }> {
  await trx.selectFrom('parts').select('id').where('id', '=', file.partId).forUpdate().executeTakeFirstOrThrow()
  const latest = await trx
    .selectFrom('part_files')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('part_id', '=', file.partId)
    .executeTakeFirst()
  const replaced = await trx
    .updateTable('part_files')
    .set({ superseded_at: new Date() })
    .where('part_id', '=', file.partId)
    .where('superseded_at', 'is', null)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  const version = (latest?.version ?? 0) + 1
  const inserted = await trx
    .insertInto('part_files')
    .values({
      part_id: file.partId,
      version,
      storage_key: file.storageKey,
      original_name: file.originalName,
      size_bytes: file.sizeBytes,
      sha256: file.sha256,
      page_count: file.pageCount,
      uploaded_by: file.uploadedBy,
      upload_batch_id: file.uploadBatchId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: inserted.id, version, replacedId: replaced?.id ?? null }
}

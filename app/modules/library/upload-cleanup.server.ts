import { type AuditContext, recordAudit, systemContext } from '#app/modules/audit/audit.server.ts'
import { finalKeyOf, notStaged, type Refusal, type UploadServices } from './upload-review.server.ts'
import { isUuid } from './pieces.server.ts'
import { STAGING_PREFIX } from './storage-keys.ts'

/**
 * Cancelled and abandoned batch uploads: cancel removes the staged files
 * at once; the daily sweep removes what is left and settles a confirm that
 * a crash interrupted (ADR 011).
 */

/** Cancels a staged batch: its staged files are removed, the rows stay as 'cancelled' until the sweep. */
export async function cancelUpload(
  services: UploadServices,
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
  if (!outcome) return notStaged(db, input.batchId, input.timeZone)
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
 * again. Staged files of no batch at all (a crash during intake) go after a
 * day too. Confirmed batches and library/ files are never touched.
 */
export async function sweepStaging(
  services: UploadServices & { chainKey: string },
  now: Date = new Date(),
): Promise<{ removed: number; recovered: number; orphaned: number }> {
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
  return { removed, recovered, orphaned: await sweepOrphans(services, now) }
}

/**
 * Staged objects no row names: an intake writes its rows only after every
 * file is staged, so a process that died on the way left files under a batch
 * folder with no batch. Those older than a day are removed, one audit entry
 * per batch folder; a folder whose batch exists is left to the rules above.
 * Returns how many objects went.
 */
async function sweepOrphans(services: UploadServices & { chainKey: string }, now: Date): Promise<number> {
  const { db, storage } = services
  const byBatch = new Map<string, string[]>()
  for await (const object of storage.list(STAGING_PREFIX)) {
    const batchId = object.key.slice(STAGING_PREFIX.length).split('/')[0] ?? ''
    if (!isUuid(batchId) || now.getTime() - object.lastModified.getTime() < DAY_MS) continue
    byBatch.set(batchId, [...(byBatch.get(batchId) ?? []), object.key])
  }
  if (byBatch.size === 0) return 0
  const known = new Set((await db.selectFrom('upload_batches').select('id').where('id', 'in', [...byBatch.keys()]).execute()).map((row) => row.id))
  let orphaned = 0
  for (const [batchId, keys] of byBatch) {
    if (known.has(batchId)) continue
    for (const key of keys) await storage.delete(key)
    orphaned += keys.length
    await db.transaction().execute((trx) =>
      recordAudit(trx, systemContext('Staging sweep', services.chainKey), { action: 'upload.sweep', entity: ['upload_batch', batchId], details: { files: keys.length, withoutRows: true } }),
    )
  }
  return orphaned
}

import { type AuditContext, recordAudit } from '#app/modules/audit/audit.server.ts'
import type { Db } from '#db/types.ts'
import { type LibraryReach, visiblePart, visiblePiece } from './access.server.ts'
import { TRASH_DAYS } from './part-files.ts'

/**
 * A part's files: the current one, older versions (kept when a new one was
 * uploaded, restorable) and deleted ones (in the trash for 30 days). A part
 * has at most one current file: neither `superseded_at` nor `deleted_at`.
 */

export { TRASH_DAYS }

export type PartSummary = {
  id: string
  label: string
  instrument: string
  chairs: number[]
  piece: { id: string; title: string; libraryNumber: string | null }
}

export type PartFile = {
  id: string
  version: number
  originalName: string
  pageCount: number
  sizeBytes: number
  sha256: string
  uploadedBy: string | null
  uploadedAt: Date
  supersededAt: Date | null
  deletedAt: Date | null
}

export type PartFiles = {
  current: PartFile | null
  /** Newest version first. */
  older: PartFile[]
  /** Deleted within the last 30 days, most recently deleted first. */
  deleted: PartFile[]
}

/** The part of `pieceId`, if `reach` lets its holder see both; null otherwise (a 404, whatever the reason). */
export async function getVisiblePart(
  db: Db,
  reach: LibraryReach,
  timeZone: string,
  ids: { pieceId: string; partId: string },
): Promise<PartSummary | null> {
  const row = await db
    .selectFrom('parts')
    .innerJoin('pieces', 'pieces.id', 'parts.piece_id')
    .innerJoin('instruments', 'instruments.id', 'parts.instrument_id')
    .select([
      'parts.id',
      'parts.label',
      'parts.chairs',
      'instruments.name as instrument',
      'pieces.id as pieceId',
      'pieces.title as pieceTitle',
      'pieces.library_number as libraryNumber',
    ])
    .where('parts.id', '=', ids.partId)
    .where('parts.piece_id', '=', ids.pieceId)
    .where(visiblePiece(reach, timeZone))
    .where(visiblePart(reach))
    .executeTakeFirst()
  if (!row) return null
  return {
    id: row.id,
    label: row.label,
    instrument: row.instrument,
    chairs: row.chairs,
    piece: { id: row.pieceId, title: row.pieceTitle, libraryNumber: row.libraryNumber },
  }
}

function partFilesQuery(db: Db, partId: string) {
  return db
    .selectFrom('part_files')
    .leftJoin('users', 'users.id', 'part_files.uploaded_by')
    .select([
      'part_files.id',
      'part_files.version',
      'part_files.original_name as originalName',
      'part_files.page_count as pageCount',
      'part_files.size_bytes as sizeBytes',
      'part_files.sha256',
      'users.display_name as uploadedBy',
      'part_files.created_at as uploadedAt',
      'part_files.superseded_at as supersededAt',
      'part_files.deleted_at as deletedAt',
    ])
    .where('part_files.part_id', '=', partId)
}

const trashCutoff = (now: Date) => new Date(now.getTime() - TRASH_DAYS * 24 * 60 * 60 * 1000)

/** Every file of the part a librarian may still act on; files deleted over 30 days ago are left out. */
export async function listPartFiles(db: Db, partId: string, now = new Date()): Promise<PartFiles> {
  const rows = await partFilesQuery(db, partId)
    .where((eb) => eb.or([eb('part_files.deleted_at', 'is', null), eb('part_files.deleted_at', '>', trashCutoff(now))]))
    .orderBy('part_files.version', 'desc')
    .execute()
  return {
    current: rows.find((file) => !file.supersededAt && !file.deletedAt) ?? null,
    older: rows.filter((file) => file.supersededAt && !file.deletedAt),
    deleted: rows.filter((file) => file.deletedAt).toSorted((a, b) => Number(b.deletedAt) - Number(a.deletedAt)),
  }
}

/** The current file only: what a musician's read-only view shows. */
export async function currentPartFile(db: Db, partId: string): Promise<PartFile | null> {
  const row = await partFilesQuery(db, partId)
    .where('part_files.superseded_at', 'is', null)
    .where('part_files.deleted_at', 'is', null)
    .executeTakeFirst()
  return row ?? null
}

export type FileChange = { partId: string; fileId: string }
export type FileChangeOutcome = { ok: true; version: number } | { ok: false; message: string }

/** What the audit row keeps of a file: enough to tell versions apart, never the storage key. */
const audited = (file: PartFile) => ({
  version: file.version,
  original_name: file.originalName,
  sha256: file.sha256,
  superseded: file.supersededAt !== null,
  deleted: file.deletedAt !== null,
})

/**
 * Locks the part (so two librarians acting on its files take turns) and reads
 * the file, which must belong to it.
 */
async function lockedFile(trx: Db, change: FileChange): Promise<PartFile | null> {
  const part = await trx.selectFrom('parts').select('id').where('id', '=', change.partId).forUpdate().executeTakeFirst()
  if (!part) return null
  return (await partFilesQuery(trx, change.partId).where('part_files.id', '=', change.fileId).executeTakeFirst()) ?? null
}

async function currentOf(trx: Db, partId: string) {
  return trx
    .selectFrom('part_files')
    .select(['id', 'version'])
    .where('part_id', '=', partId)
    .where('superseded_at', 'is', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

/** An older version becomes current again; the current file becomes an older version. */
export async function makeVersionCurrent(db: Db, change: FileChange, audit: AuditContext): Promise<FileChangeOutcome> {
  return db.transaction().execute(async (trx) => {
    const file = await lockedFile(trx, change)
    if (!file || file.deletedAt) return { ok: false, message: 'That file is not among this part’s older versions.' }
    if (!file.supersededAt) return { ok: false, message: `Version ${file.version} is already the current file.` }
    const now = new Date()
    // The old current file steps aside first: the database allows one current file per part.
    const current = await currentOf(trx, change.partId)
    if (current) await trx.updateTable('part_files').set({ superseded_at: now }).where('id', '=', current.id).execute()
    await trx.updateTable('part_files').set({ superseded_at: null }).where('id', '=', file.id).execute()
    await recordAudit(trx, audit, {
      action: 'part_file.make_current',
      entity: ['part_file', file.id],
      before: audited(file),
      after: { ...audited(file), superseded: false },
      details: { part_id: change.partId, replaced_version: current?.version ?? null },
    })
    return { ok: true, version: file.version }
  })
}

/**
 * Moves a file to the trash (restorable for 30 days). When it was the current
 * file, the newest older version takes its place, so the part keeps a file
 * while it has one.
 */
export async function deletePartFile(db: Db, change: FileChange, audit: AuditContext): Promise<FileChangeOutcome & { promoted?: number | null }> {
  return db.transaction().execute(async (trx) => {
    const file = await lockedFile(trx, change)
    if (!file || file.deletedAt) return { ok: false, message: 'That file is already in the trash or is not this part’s.' }
    const now = new Date()
    await trx.updateTable('part_files').set({ deleted_at: now }).where('id', '=', file.id).execute()
    let promoted: { id: string; version: number } | undefined
    if (!file.supersededAt) {
      promoted = await trx
        .selectFrom('part_files')
        .select(['id', 'version'])
        .where('part_id', '=', change.partId)
        .where('deleted_at', 'is', null)
        .where('superseded_at', 'is not', null)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst()
      if (promoted) await trx.updateTable('part_files').set({ superseded_at: null }).where('id', '=', promoted.id).execute()
    }
    await recordAudit(trx, audit, {
      action: 'part_file.delete',
      entity: ['part_file', file.id],
      before: audited(file),
      after: { ...audited(file), deleted: true },
      details: { part_id: change.partId, now_current_version: promoted?.version ?? null },
    })
    return { ok: true, version: file.version, promoted: promoted?.version ?? null }
  })
}

/**
 * Takes a file out of the trash (within 30 days). It becomes the current file
 * when the part has none, otherwise an older version.
 */
export async function restorePartFile(db: Db, change: FileChange, audit: AuditContext): Promise<FileChangeOutcome & { current?: boolean }> {
  return db.transaction().execute(async (trx) => {
    const file = await lockedFile(trx, change)
    const now = new Date()
    if (!file?.deletedAt) return { ok: false, message: 'That file is not in this part’s trash.' }
    if (file.deletedAt <= trashCutoff(now)) {
      return { ok: false, message: `Version ${file.version} was deleted more than ${TRASH_DAYS} days ago and can no longer be restored.` }
    }
    const current = await currentOf(trx, change.partId)
    const becomesCurrent = !current
    await trx
      .updateTable('part_files')
      .set({ deleted_at: null, superseded_at: becomesCurrent ? null : (file.supersededAt ?? now) })
      .where('id', '=', file.id)
      .execute()
    await recordAudit(trx, audit, {
      action: 'part_file.restore',
      entity: ['part_file', file.id],
      before: audited(file),
      after: { ...audited(file), deleted: false, superseded: !becomesCurrent },
      details: { part_id: change.partId },
    })
    return { ok: true, version: file.version, current: becomesCurrent }
  })
}

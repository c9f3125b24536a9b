import type { Db } from '#db/types.ts'
import { type LibraryReach, visiblePart, visiblePiece } from './access.server.ts'
import { isUuid } from './pieces.server.ts'

/**
 * "May this member get this file?" for the download route of Music library
 * II: a part file is handed out only when its piece and its part are visible
 * to the holder of `reach` (access.server.ts). Librarians (`all`) may get any
 * version that is not deleted; a musician only the current version of a part
 * for an instrument they play, of a piece on an upcoming event's set list.
 * The chair rule and parts assigned to a member directly are still to come
 * (issue 10).
 */

export type DownloadableFile = {
  id: string
  storageKey: string
  contentType: string
  sizeBytes: number
  sha256: string
  pageCount: number
  createdAt: Date
  /** What the browser saves it as: "Holst - First Suite in E-flat - Clarinet in B♭ 2.pdf". */
  fileName: string
}

/** The file, or null when it does not exist, is deleted, or `reach` does not show it (the route answers all alike). */
export async function downloadableFile(db: Db, reach: LibraryReach, timeZone: string, fileId: string): Promise<DownloadableFile | null> {
  if (!isUuid(fileId)) return null
  const row = await db
    .selectFrom('part_files')
    .innerJoin('parts', 'parts.id', 'part_files.part_id')
    .innerJoin('pieces', 'pieces.id', 'parts.piece_id')
    .leftJoin('people as composer', 'composer.id', 'pieces.composer_id')
    .select([
      'part_files.id',
      'part_files.storage_key as storageKey',
      'part_files.content_type as contentType',
      'part_files.size_bytes as sizeBytes',
      'part_files.sha256',
      'part_files.page_count as pageCount',
      'part_files.created_at as createdAt',
      'pieces.title',
      'composer.sort_name as composerSortName',
      'parts.label',
    ])
    .where('part_files.id', '=', fileId)
    .where('part_files.deleted_at', 'is', null)
    .$if(reach.kind !== 'all', (query) => query.where('part_files.superseded_at', 'is', null))
    .where(visiblePiece(reach, timeZone))
    .where(visiblePart(reach))
    .executeTakeFirst()
  if (!row) return null
  const { title, composerSortName, label, ...file } = row
  return { ...file, fileName: downloadFileName({ composerSortName, title, label }) }
}

/**
 * "Surname - Title - Part.pdf", with what file systems refuse (/ \ : * ? " < > |,
 * control characters) replaced and runs of spaces folded. The surname is the
 * composer's filing name up to its comma ("Holst, Gustav" → "Holst").
 */
export function downloadFileName(parts: { composerSortName: string | null; title: string; label: string }): string {
  const surname = parts.composerSortName?.split(',')[0] ?? ''
  const clean = (text: string) =>
    text
      // eslint-disable-next-line no-control-regex -- control characters are what is being removed
      .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  const name = [surname, parts.title, parts.label].map(clean).filter(Boolean).join(' - ')
  // At most 240 bytes of UTF-8, so ".pdf" and a browser's " (1)" still fit the usual 255-byte limit of a file name.
  let kept = ''
  for (const character of name || 'part') {
    if (Buffer.byteLength(kept + character) > 240) break
    kept += character
  }
  return `${kept.trim()}.pdf`
}

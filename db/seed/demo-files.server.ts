import { Readable } from 'node:stream'
import { sql } from 'kysely'
import { demoPartPdf } from '#app/modules/library/demo-pdf.ts'
import { LIBRARY_PREFIX } from '#app/modules/library/storage-keys.ts'
import { enqueueJob } from '#app/platform/jobs.server.ts'
import type { Storage } from '#app/platform/storage.server.ts'
import type { Db } from '#db/types.ts'
import { buildCatalogue } from './catalogue.ts'
import { stableId } from './random.ts'

/**
 * A small generated PDF for every demo part (issue 9, item 5), so downloads,
 * versions and concert folders have something to work on from the first
 * start. The seed writes the parts of pieces on upcoming set lists itself
 * (what players open first) and leaves the rest to the 'library.demo-files'
 * job, a batch per run: ~9,500 objects take several seconds to store, and
 * every test server starts from a fresh demo band.
 */
export const DEMO_FILES_JOB = 'library.demo-files'

// One run stores this many objects (~0.2 s locally), so a worker shutting down waits for one batch only.
const PARTS_PER_RUN = 300
// Parallel puts: each local put waits on an fsync; together they share the wait.
const PUTS_AT_ONCE = 16

/** 1–4 pages, the same for a part on every install. */
export function demoPageCount(partId: string): number {
  return 1 + (Number.parseInt(partId.replaceAll('-', '').slice(-4), 16) % 4)
}

/** Opaque like every library key, but the same on every run, so a repeated batch overwrites rather than piles up. */
export const demoFileKey = (partId: string): string => `${LIBRARY_PREFIX}${stableId(`demo part file:${partId}`)}`

let demoPartIdsMemo: string[] | undefined
/** The demo catalogue's part ids: they do not depend on the date, so the job can tell demo parts from a librarian's. */
export function demoPartIds(): string[] {
  demoPartIdsMemo ??= buildCatalogue().parts.map((part) => part.id).filter((id): id is string => typeof id === 'string')
  return demoPartIdsMemo
}

type PendingPart = {
  id: string
  label: string
  title: string
  libraryNumber: string | null
  composer: string | null
  arranger: string | null
}

/** Demo parts among `partIds` that have no file at all yet (a deleted one counts: the librarian's choice stands). */
function pendingParts(db: Db, partIds: string[], limit: number): Promise<PendingPart[]> {
  return db
    .selectFrom('parts')
    .innerJoin('pieces', 'pieces.id', 'parts.piece_id')
    .leftJoin('people as composers', 'composers.id', 'pieces.composer_id')
    .leftJoin('people as arrangers', 'arrangers.id', 'pieces.arranger_id')
    .select([
      'parts.id',
      'parts.label',
      'pieces.title',
      'pieces.library_number as libraryNumber',
      'composers.name as composer',
      'arrangers.name as arranger',
    ])
    .where('parts.id', '=', sql<string>`any(${sql.val(partIds)}::uuid[])`)
    .where('parts.deleted_at', 'is', null)
    .where('pieces.deleted_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('part_files').select('part_files.id').whereRef('part_files.part_id', '=', 'parts.id'))))
    .orderBy('pieces.library_number')
    .orderBy('parts.sort_order')
    .limit(limit)
    .execute()
}

async function eachAtOnce<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T
        await work(item)
      }
    }),
  )
}

/**
 * Writes the files of up to `limit` demo parts among `partIds` that have none:
 * the objects first, then their rows in one transaction (the caller's, when
 * `db` is one). Safe to repeat: keys are fixed and a part that got a file
 * meanwhile keeps it. `more` says whether parts are left.
 */
export async function writeDemoPartFiles(
  db: Db,
  storage: Storage,
  options: { partIds: string[]; limit?: number },
): Promise<{ written: number; more: boolean }> {
  const limit = options.limit ?? options.partIds.length
  if (limit === 0) return { written: 0, more: false }
  const found = await pendingParts(db, options.partIds, limit + 1)
  const batch = found.slice(0, limit)
  const rows: { part_id: string; version: number; storage_key: string; original_name: string; size_bytes: number; sha256: string; page_count: number; uploaded_by: null }[] = []
  await eachAtOnce(batch, PUTS_AT_ONCE, async (part) => {
    const pages = demoPageCount(part.id)
    const credit = [part.composer, part.arranger ? `arr. ${part.arranger}` : null].filter(Boolean).join(', ') || null
    const bytes = demoPartPdf({ libraryNumber: part.libraryNumber, pieceTitle: part.title, credit, partLabel: part.label, pages })
    const key = demoFileKey(part.id)
    const stored = await storage.put(key, Readable.from([bytes]), { contentType: 'application/pdf' })
    rows.push({
      part_id: part.id,
      version: 1,
      storage_key: key,
      original_name: `${part.libraryNumber ? `${part.libraryNumber} ` : ''}${part.label}.pdf`,
      size_bytes: stored.size,
      sha256: stored.sha256,
      page_count: pages,
      uploaded_by: null,
    })
  })
  const insert = async (trx: Db) => {
    let written = 0
    for (let start = 0; start < rows.length; start += 500) {
      // A part that got a file meanwhile (an upload, a second worker) keeps it.
      const inserted = await trx.insertInto('part_files').values(rows.slice(start, start + 500)).onConflict((oc) => oc.doNothing()).returning('id').execute()
      written += inserted.length
    }
    return written
  }
  const written = db.isTransaction ? await insert(db) : await db.transaction().execute(insert)
  return { written, more: found.length > limit }
}

/**
 * The job: one batch, then the next run is queued while demo parts without a
 * file remain. It writes no audit rows: the seed's `system.demo_band_added`
 * row stands for the whole demo band, and rows trickling in for a minute
 * after start would sit between the first visitors' own entries.
 */
export function demoFilesJob(runtime: { db: Db; storage: Storage }) {
  return async () => {
    const { more } = await writeDemoPartFiles(runtime.db, runtime.storage, {
      partIds: demoPartIds(),
      limit: PARTS_PER_RUN,
    })
    if (more) await enqueueJob(runtime.db, { name: DEMO_FILES_JOB })
  }
}

import { type Expression, type RawBuilder, sql } from 'kysely'
import type { Db } from '#db/types.ts'
import { type LibraryReach, visiblePart, visiblePiece } from './access.server.ts'
import { type LibraryQuery, type LibrarySort, PAGE_SIZE } from './search-schema.ts'

/**
 * The catalogue search (/library): full text over pieces.search_vector (kept
 * by the trigger of db/migrations/0018), typo tolerance through the words of
 * library_search_terms (pg_trgm), filters, six sorts and keyset pages. Every
 * query goes through `visiblePiece`, so a musician finds only what they may see.
 */

// Ordinals as people type them; the catalogue spells them out ("First Suite").
const ORDINALS: Record<string, string> = {
  '1st': 'first', '2nd': 'second', '3rd': 'third', '4th': 'fourth', '5th': 'fifth',
  '6th': 'sixth', '7th': 'seventh', '8th': 'eighth', '9th': 'ninth', '10th': 'tenth',
}
const MAX_WORDS = 8
// Shorter words have too few trigrams for a sure match, and prefix them would match half the catalogue.
const TYPO_MIN_LENGTH = 4
const PREFIX_MIN_LENGTH = 3
const TYPO_SIMILARITY = 0.3
const TYPO_ALTERNATIVES = 3

/** Lower case, accents folded (as unaccent does), no punctuation: the words the catalogue is indexed by. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** A search as words: folded, split at anything but letters and digits, ordinals spelt out. */
export function searchWords(q: string): string[] {
  return foldText(q)
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((word) => ORDINALS[word] ?? word)
    .slice(0, MAX_WORDS)
}

/**
 * The words of `q` and, for each one the catalogue does not hold, its nearest
 * catalogue words (trigram similarity ≥ 0.3) as alternatives. The last word
 * counts as known when a catalogue word starts with it: it is matched as a prefix.
 */
export async function expandWords(db: Db, words: string[]): Promise<string[][]> {
  const candidates = words
    .map((word, index) => ({ word, prefix: index === words.length - 1 && word.length >= PREFIX_MIN_LENGTH }))
    .filter(({ word }) => word.length >= TYPO_MIN_LENGTH && !/^\d+$/.test(word))
  if (candidates.length === 0) return words.map((word) => [word])
  const { rows } = await sql<{ word: string; term: string }>`
    select w.word, t.term
    from unnest(${candidates.map((c) => c.word)}::text[], ${candidates.map((c) => c.prefix)}::boolean[]) as w(word, prefix)
    cross join lateral (
      select term from library_search_terms
      where term % w.word and similarity(term, w.word) >= ${TYPO_SIMILARITY}
      order by similarity(term, w.word) desc, term
      limit ${TYPO_ALTERNATIVES}
    ) as t
    where not exists (
      select 1 from library_search_terms known
      where known.term = w.word or (w.prefix and known.term like w.word || '%')
    )
  `.execute(db)
  return words.map((word) => [word, ...rows.filter((row) => row.word === word).map((row) => row.term)])
}

/**
 * The tsquery text: every word (or one of its alternatives) must match; the
 * last word also as a prefix, so "stri" finds "Stripes". Words hold only
 * [a-z0-9], so nothing in them can be read as tsquery syntax.
 */
export function tsqueryText(groups: string[][]): string {
  return groups
    .map((group, index) => {
      const last = index === groups.length - 1
      const terms = group.map((term, position) => (last && position === 0 && term.length >= PREFIX_MIN_LENGTH ? `${term}:*` : term))
      return terms.length > 1 ? `(${terms.join(' | ')})` : (terms[0] ?? '')
    })
    .join(' & ')
}

type Cast = 'text' | 'uuid' | 'boolean' | 'numeric' | 'timestamptz'
type Key = { expr: RawBuilder<unknown>; cast: Cast }
type Order = { keys: Key[]; direction: 'asc' | 'desc' }

const key = (expr: string, cast: Cast): Key => ({ expr: sql.raw(expr), cast })
const TITLE: Key[] = [key('lower(pieces.sort_title)', 'text'), key('pieces.id', 'uuid')]

/**
 * Each sort is one direction over a tuple that ends in the id, so it is total
 * and a page starts exactly after the last row of the page before. No key is
 * ever null (a null would drop rows from a row comparison).
 */
function orderFor(sort: LibrarySort, score: RawBuilder<unknown> | null): Order {
  switch (sort) {
    case 'relevance':
      // Best first: the negated score ascending keeps the whole tuple one direction.
      return { keys: [{ expr: sql`(-${score ?? sql`0`})`, cast: 'numeric' }, ...TITLE], direction: 'asc' }
    case 'title':
      return { keys: TITLE, direction: 'asc' }
    case 'composer':
      return {
        keys: [key('(pieces.composer_id is null)', 'boolean'), key("lower(coalesce(composer.sort_name, ''))", 'text'), ...TITLE],
        direction: 'asc',
      }
    case 'number':
      return { keys: [key('(pieces.library_number is null)', 'boolean'), key("coalesce(pieces.library_number, '')", 'text'), key('pieces.id', 'uuid')], direction: 'asc' }
    case 'grade':
      return { keys: [key('(pieces.grade is null)', 'boolean'), key('coalesce(pieces.grade, 0)', 'numeric'), ...TITLE], direction: 'asc' }
    case 'recent':
      return { keys: [key('pieces.created_at', 'timestamptz'), key('pieces.id', 'uuid')], direction: 'desc' }
  }
}

type CursorValue = string | number | boolean
const CHECKS: Record<Cast, (value: unknown) => boolean> = {
  text: (value) => typeof value === 'string',
  uuid: (value) => typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  boolean: (value) => typeof value === 'boolean',
  numeric: (value) => typeof value === 'number' && Number.isFinite(value),
  timestamptz: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ][\d:.]+([+-]\d{2}(:?\d{2})?|Z)$/.test(value),
}

/** An opaque cursor: the sort's key values of the last row shown. */
export function encodeCursor(sort: LibrarySort, values: CursorValue[]): string {
  return Buffer.from(JSON.stringify([sort, ...values])).toString('base64url')
}

/** The cursor's values, or undefined for one that does not fit the sort (tampered or stale: the first page). */
export function decodeCursor(sort: LibrarySort, text: string | undefined): CursorValue[] | undefined {
  if (!text) return undefined
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  const { keys } = orderFor(sort, null)
  if (!Array.isArray(decoded) || decoded[0] !== sort || decoded.length !== keys.length + 1) return undefined
  const values: unknown[] = decoded.slice(1)
  return keys.every((k, index) => CHECKS[k.cast](values[index])) ? (values as CursorValue[]) : undefined
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`

export type SearchOptions = { reach: LibraryReach; timeZone: string; query: LibraryQuery; limit?: number }

export type PieceHit = {
  id: string
  libraryNumber: string | null
  title: string
  sortTitle: string
  composer: string | null
  composerId: string | null
  arranger: string | null
  arrangerRole: string
  grade: string | null
  genre: string | null
  ensemble: string
  shelfLocation: string | null
  partsStatus: string
  partsCount: number
  hasFiles: boolean
}

export type SearchPage = { pieces: PieceHit[]; next: string | null; cursorIgnored: boolean }

/** One page of the pieces `reach` may see that match the query, in its sort. */
export async function searchPieces(db: Db, options: SearchOptions): Promise<SearchPage> {
  const { query, reach } = options
  const limit = options.limit ?? PAGE_SIZE
  const words = query.q ? searchWords(query.q) : []
  const text = words.length ? tsqueryText(await expandWords(db, words)) : null
  const tsquery = text === null ? null : sql`to_tsquery('english', ${text})`
  // ts_rank_cd weighs title (A) over composer and arranger (B) over the rest (C); a title close to the whole search comes first.
  const score =
    tsquery === null
      ? null
      : sql`round((ts_rank_cd(pieces.search_vector, ${tsquery}) + 0.5 * similarity(lower(pieces.title), ${words.join(' ')}))::numeric, 6)`
  const sort = query.sort === 'relevance' && !score ? 'title' : query.sort
  const order = orderFor(sort, score)
  const cursor = decodeCursor(sort, query.after)

  let select = db
    .selectFrom('pieces')
    .leftJoin('people as composer', 'composer.id', 'pieces.composer_id')
    .leftJoin('people as arranger', 'arranger.id', 'pieces.arranger_id')
    .where(visiblePiece(reach, options.timeZone))
    .select([
      'pieces.id',
      'pieces.library_number as libraryNumber',
      'pieces.title',
      'pieces.sort_title as sortTitle',
      'composer.name as composer',
      'pieces.composer_id as composerId',
      'arranger.name as arranger',
      'pieces.arranger_role as arrangerRole',
      'pieces.grade',
      'pieces.genre',
      'pieces.ensemble',
      'pieces.shelf_location as shelfLocation',
      'pieces.parts_status as partsStatus',
      sql<CursorValue[]>`json_build_array(${sql.join(order.keys.map((k) => k.expr))})`.as('sortKey'),
    ])
  if (tsquery) select = select.where(sql<boolean>`pieces.search_vector @@ ${tsquery}`)
  if (query.composerId) select = select.where('pieces.composer_id', '=', query.composerId)
  if (query.composer) {
    const pattern = likePattern(foldText(query.composer.trim()))
    select = select.where(sql<boolean>`unaccent(lower(composer.name)) like ${pattern}`)
  }
  if (query.genre) select = select.where(sql<boolean>`lower(pieces.genre) = ${query.genre.toLowerCase()}`)
  if (query.ensemble) select = select.where(sql<boolean>`lower(pieces.ensemble) = ${query.ensemble.toLowerCase()}`)
  if (query.ownership) select = select.where('pieces.ownership', '=', query.ownership)
  if (query.gradeMin !== undefined) select = select.where('pieces.grade', '>=', String(query.gradeMin))
  if (query.gradeMax !== undefined) select = select.where('pieces.grade', '<=', String(query.gradeMax))
  if (query.missingParts) select = select.where('pieces.parts_status', '=', 'incomplete')
  if (query.hasParts) {
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('parts')
          .innerJoin('part_files', 'part_files.part_id', 'parts.id')
          .select(sql`1`.as('one'))
          .whereRef('parts.piece_id', '=', 'pieces.id')
          .where('parts.deleted_at', 'is', null)
          .where('part_files.superseded_at', 'is', null)
          .where('part_files.deleted_at', 'is', null),
      ),
    )
  }
  if (cursor) {
    const tuple = sql`(${sql.join(order.keys.map((k) => k.expr))})`
    const values = sql`(${sql.join(order.keys.map((k, index) => sql`${cursor[index]}::${sql.raw(k.cast)}`))})`
    select = select.where(sql<boolean>`${tuple} ${sql.raw(order.direction === 'asc' ? '>' : '<')} ${values}`)
  }
  for (const k of order.keys) select = select.orderBy(k.expr as Expression<unknown>, order.direction)
  const fetched = await select.limit(limit + 1).execute()

  const shown = fetched.slice(0, limit)
  const counts = await partCounts(db, reach, shown.map((row) => row.id))
  const last = shown.at(-1)
  return {
    pieces: shown.map(({ sortKey: _key, ...row }) => ({ ...row, ...(counts.get(row.id) ?? { partsCount: 0, hasFiles: false }) })),
    next: last && fetched.length > limit ? encodeCursor(sort, last.sortKey) : null,
    cursorIgnored: Boolean(query.after) && !cursor,
  }
}

/** For the pieces of one page: how many parts `reach` sees, and whether any has a current file. */
async function partCounts(db: Db, reach: LibraryReach, pieceIds: string[]) {
  const counts = new Map<string, { partsCount: number; hasFiles: boolean }>()
  if (pieceIds.length === 0) return counts
  const rows = await db
    .selectFrom('parts')
    .leftJoin('part_files', (join) =>
      join.onRef('part_files.part_id', '=', 'parts.id').on('part_files.superseded_at', 'is', null).on('part_files.deleted_at', 'is', null),
    )
    .where('parts.piece_id', 'in', pieceIds)
    .where(visiblePart(reach))
    .select([
      'parts.piece_id as pieceId',
      sql<number>`count(distinct parts.id)::int`.as('partsCount'),
      sql<boolean>`count(part_files.id) > 0`.as('hasFiles'),
    ])
    .groupBy('parts.piece_id')
    .execute()
  for (const row of rows) counts.set(row.pieceId, { partsCount: row.partsCount, hasFiles: row.hasFiles })
  return counts
}

/** The choices of the filter panel: genres and ensembles in use among the pieces `reach` sees. */
export async function searchChoices(db: Db, options: { reach: LibraryReach; timeZone: string; composerId?: string }) {
  const visible = visiblePiece(options.reach, options.timeZone)
  const [genres, ensembles, composer] = await Promise.all([
    db.selectFrom('pieces').where(visible).where('pieces.genre', 'is not', null).select(sql<string>`min(pieces.genre)`.as('name')).groupBy(sql`lower(pieces.genre)`).orderBy(sql`lower(pieces.genre)`).execute(),
    db.selectFrom('pieces').where(visible).select(sql<string>`min(pieces.ensemble)`.as('name')).groupBy(sql`lower(pieces.ensemble)`).orderBy(sql`lower(pieces.ensemble)`).execute(),
    options.composerId
      ? db.selectFrom('people').where('people.id', '=', options.composerId).select(['people.id', 'people.name']).executeTakeFirst()
      : undefined,
  ])
  return { genres: genres.map((row) => row.name), ensembles: ensembles.map((row) => row.name), composer: composer ?? null }
}

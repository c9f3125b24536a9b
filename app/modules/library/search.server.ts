import { type Expression, type RawBuilder, sql } from 'kysely'
import { genericPlan } from '#db/generic-plan.ts'
import type { Db } from '#db/types.ts'
import { type LibraryReach, visiblePart, visiblePiece } from './access.server.ts'
import { type LibraryQuery, type LibrarySort, PAGE_SIZE } from './search-schema.ts'
import { type PostingWords, postedPieceIds, postingsBatch, type RelevanceKey } from './search-postings.server.ts'

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
 * A search's words with their typo alternatives (`groups`), the lexemes of
 * each (`lexemes[group][term]`), and whether the last word is matched as a
 * prefix (`prefix`).
 */
export type SearchTerms = { groups: string[][]; lexemes: string[][][]; prefix: boolean }

/**
 * The words of `q` and, for each one the catalogue does not hold, its nearest
 * catalogue words (trigram similarity ≥ 0.3) as alternatives; and the lexemes
 * (stemmed, as the search index holds them) of every one: "marches" → march,
 * "the" → none. The last word counts as known when a catalogue word starts
 * with it, and is matched as a prefix when some word of a live piece goes on
 * from it ("stri" → stripes); when none does ("suite"), matching the word
 * alone finds the same pieces without the index gathering every word that
 * starts with it. One round trip.
 */
export async function readSearchTerms(db: Db, words: string[]): Promise<SearchTerms> {
  if (words.length === 0) return { groups: [], lexemes: [], prefix: false }
  const typo = words.map((word) => word.length >= TYPO_MIN_LENGTH && !/^\d+$/.test(word))
  const prefix = words.map((word, index) => index === words.length - 1 && word.length >= PREFIX_MIN_LENGTH)
  const { rows } = await sql<{ n: number; term: string; lexemes: string[]; extended: boolean }>`${genericPlan}
    with input as (
      -- Known words are looked up first (an index probe), so only unknown ones pay for the trigram scan.
      select w.*, w.typo and not exists (
        select 1 from library_search_terms known
        where known.term = w.word or (w.prefix and known.term >= w.word and known.term < w.word || chr(1114111) and known.term like w.word || '%')
      ) as unknown,
      w.prefix and exists (
        select 1 from library_search_postings p
        cross join lateral (select (tsvector_to_array(to_tsvector('english', w.word)))[1] as stem) as s
        where p.lexeme > s.stem and p.lexeme < s.stem || chr(1114111)
      ) as extended
      from unnest(${words}::text[], ${typo}::boolean[], ${prefix}::boolean[]) with ordinality as w(word, typo, prefix, n)
    ),
    alternatives as (
      select w.n, t.term, t.score
      from input w
      cross join lateral (
        select term, similarity(term, w.word) as score from library_search_terms
        where w.unknown and term % w.word and similarity(term, w.word) >= ${sql.lit(TYPO_SIMILARITY)}
        order by similarity(term, w.word) desc, term
        limit ${sql.lit(TYPO_ALTERNATIVES)}
      ) as t
    )
    select n::int, term, tsvector_to_array(to_tsvector('english', term)) as lexemes, extended
    from (select n, word as term, 0 as alternative, 1::real as score, extended from input
          union all select n, term, 1, score, false from alternatives) as terms
    order by n, alternative, score desc, term
  `.execute(db)
  const groups = words.map((_word, index) => rows.filter((row) => row.n === index + 1))
  return {
    groups: groups.map((group) => group.map((row) => row.term)),
    lexemes: groups.map((group) => group.map((row) => row.lexemes)),
    prefix: groups.at(-1)?.[0]?.extended ?? false,
  }
}

/**
 * The tsquery text: every word (or one of its alternatives) must match; the
 * last word also as a prefix when `prefix`, so "stri" finds "Stripes".
 * `weights` narrows every word to those fields ('A' the title, 'AB' title,
 * composer or arranger), for the relevance tier. Words hold only [a-z0-9],
 * so nothing in them can be read as tsquery syntax.
 */
export function tsqueryText(terms: Pick<SearchTerms, 'groups' | 'prefix'>, weights = ''): string {
  return terms.groups
    .map((group, index) => {
      const each = group.map((term, position) => (isPrefix(terms, index, position) ? `${term}:*${weights}` : weights ? `${term}:${weights}` : term))
      return each.length > 1 ? `(${each.join(' | ')})` : (each[0] ?? '')
    })
    .join(' & ')
}

/** Only the last word, as typed (not its alternatives), is matched as a prefix. */
const isPrefix = ({ groups, prefix }: Pick<SearchTerms, 'groups' | 'prefix'>, index: number, position: number) =>
  prefix && index === groups.length - 1 && position === 0

type Cast = 'text' | 'uuid' | 'boolean' | 'numeric' | 'timestamptz'
type Key = { expr: RawBuilder<unknown>; cast: Cast }
type Order = { keys: Key[]; direction: 'asc' | 'desc' }

const key = (expr: string, cast: Cast): Key => ({ expr: sql.raw(expr), cast })
const TITLE: Key[] = [key('lower(pieces.sort_title)', 'text'), key('pieces.id', 'uuid')]

/** The search as tsqueries: any field, title only, title or people (the relevance tier). */
type TextMatch = { any: RawBuilder<unknown>; title: RawBuilder<unknown>; titleOrPeople: RawBuilder<unknown> }

/**
 * Each sort is one direction over a tuple that ends in the id, so it is total
 * and a page starts exactly after the last row of the page before. No key is
 * ever null (a null would drop rows from a row comparison). Each tuple but
 * relevance's is an index of migration 0019; relevance's is the order of
 * library_search_postings (search-postings.server.ts).
 */
function orderFor(sort: LibrarySort, match: TextMatch | null): Order {
  switch (sort) {
    case 'relevance': {
      // Every word in the title first, then in the title or the people, then anywhere; then the shortest title, the closest to the search.
      const tier = match
        ? sql`(case when pieces.search_vector @@ ${match.title} then 0 when pieces.search_vector @@ ${match.titleOrPeople} then 1 else 2 end)`
        : sql`0`
      return { keys: [{ expr: tier, cast: 'numeric' }, key('char_length(pieces.title)', 'numeric'), ...TITLE], direction: 'asc' }
    }
    case 'title':
      return { keys: TITLE, direction: 'asc' }
    case 'composer':
      return { keys: [key('(pieces.composer_id is null)', 'boolean'), key("coalesce(pieces.composer_sort, '')", 'text'), ...TITLE], direction: 'asc' }
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
  const terms = await readSearchTerms(db, words)
  const { groups } = terms
  // A subquery, so the query is parsed and stemmed once per statement, not once per row (a generic plan cannot fold it).
  const tsquery = (weights = '') => sql`(select to_tsquery('english', ${tsqueryText(terms, weights)}))`
  const match: TextMatch | null = groups.length ? { any: tsquery(), title: tsquery('A'), titleOrPeople: tsquery('AB') } : null
  const sort = query.sort === 'relevance' && !match ? 'title' : query.sort
  const order = orderFor(sort, match)
  const cursor = decodeCursor(sort, query.after)

  // The matching pieces in the sort's order, ids only: the planner stops at the page's end on an index of migration 0019.
  let matches = db.selectFrom('pieces').where(visiblePiece(reach, options.timeZone)).select('pieces.id')
  if (query.composerId) matches = matches.where('pieces.composer_id', '=', query.composerId)
  if (query.composer) {
    const pattern = likePattern(foldText(query.composer.trim()))
    matches = matches.where('pieces.composer_id', 'in', (eb) => eb.selectFrom('people').select('people.id').where(sql<boolean>`unaccent(lower(people.name)) like ${pattern}`))
  }
  if (query.genre) matches = matches.where(sql<boolean>`lower(pieces.genre) = ${query.genre.toLowerCase()}`)
  if (query.ensemble) matches = matches.where(sql<boolean>`lower(pieces.ensemble) = ${query.ensemble.toLowerCase()}`)
  // Values from a fixed list (zod-checked) are written into the text, so even a plan made once knows how many rows they keep.
  if (query.ownership) matches = matches.where('pieces.ownership', '=', sql.lit(query.ownership))
  if (query.gradeMin !== undefined) matches = matches.where('pieces.grade', '>=', sql.lit(String(query.gradeMin)))
  if (query.gradeMax !== undefined) matches = matches.where('pieces.grade', '<=', sql.lit(String(query.gradeMax)))
  if (query.missingParts) matches = matches.where('pieces.parts_status', '=', 'incomplete')
  if (query.hasParts) {
    matches = matches.where((eb) =>
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
  for (const k of order.keys) matches = matches.orderBy(k.expr as Expression<unknown>, order.direction)
  // Free text whose value decides which index pays (an ensemble, part of a composer's name) is planned for its value;
  // a genre or a composer is served by its index (migration 0020, pieces_composer_idx) whatever the value.
  const planOnce = !query.ensemble && !query.composer

  /** The page: `count` of `candidates` with what the list shows, the people and part counts read for those rows only. */
  const pageOf = (candidates: typeof matches, count: number) => {
    const page = db
      .selectFrom(candidates.limit(sql.lit(count)).as('page'))
      .innerJoin('pieces', 'pieces.id', 'page.id')
      .leftJoin('people as composer', 'composer.id', 'pieces.composer_id')
      .leftJoin('people as arranger', 'arranger.id', 'pieces.arranger_id')
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
        (eb) =>
          eb
            .selectFrom('parts')
            .whereRef('parts.piece_id', '=', 'pieces.id')
            .where(visiblePart(reach))
            .select(sql<number>`count(*)::int`.as('count'))
            .as('partsCount'),
        // A scalar subquery, not exists(): the planner may hash an exists() over every part of the catalogue.
        (eb) =>
          eb
            .selectFrom('parts')
            .innerJoin('part_files', 'part_files.part_id', 'parts.id')
            .whereRef('parts.piece_id', '=', 'pieces.id')
            .where(visiblePart(reach))
            .where('part_files.superseded_at', 'is', null)
            .where('part_files.deleted_at', 'is', null)
            .select(sql<boolean>`true`.as('one'))
            .limit(sql.lit(1))
            .as('hasFiles'),
      ])
      .$if(planOnce, (select) => select.modifyFront(genericPlan))
    let ordered = page
    for (const k of order.keys) ordered = ordered.orderBy(k.expr as Expression<unknown>, order.direction)
    return ordered.execute()
  }

  /** The next `count` matches after `after` (the exact way: every match ranked). */
  const ranked = (after: CursorValue[] | undefined, count: number) => {
    const matched = match ? matches.where(sql<boolean>`pieces.search_vector @@ ${match.any}`) : matches
    if (!after) return pageOf(matched, count)
    const tuple = sql`(${sql.join(order.keys.map((k) => k.expr))})`
    const values = sql`(${sql.join(order.keys.map((k, index) => sql`${after[index]}::${sql.raw(k.cast)}`))})`
    return pageOf(matched.where(sql<boolean>`${tuple} ${sql.raw(order.direction === 'asc' ? '>' : '<')} ${values}`), count)
  }
  // One word matched by relevance, for a librarian: the next candidates come ranked from the postings (ADR 012),
  // each of them a piece with that word, so the text match is not checked again.
  const fetched =
    (sort === 'relevance' && reach.kind === 'all'
      ? await fromPostings(db, terms, cursor as RelevanceKey | undefined, limit + 1, (ids, count) =>
          pageOf(matches.where(sql<boolean>`pieces.id in ${ids}`), count),
        )
      : null) ?? (await ranked(cursor, limit + 1))

  const shown = fetched.slice(0, limit)
  const last = shown.at(-1)
  return {
    pieces: shown.map(({ sortKey: _key, partsCount, hasFiles, ...row }) => ({ ...row, partsCount: partsCount ?? 0, hasFiles: Boolean(hasFiles) })),
    next: last && fetched.length > limit ? encodeCursor(sort, last.sortKey) : null,
    cursorIgnored: Boolean(query.after) && !cursor,
  }
}

// Each round reads four times as many postings per word; past the last, the exact way is the cheaper one.
const POSTING_ROUNDS = 5

/**
 * The next `count` catalogue rows in relevance order, taken from the postings
 * of the one word the search comes down to (stop words dropped; typo
 * alternatives and the prefix's words merged), or null when the search is not
 * one word or the postings would be slower than ranking every match: a prefix
 * standing for many words, filters that keep few candidates. `read` fetches
 * the pieces of a batch (an id subquery) through the catalogue query.
 */
async function fromPostings<Row>(
  db: Db,
  terms: SearchTerms,
  after: RelevanceKey | undefined,
  count: number,
  read: (pieceIds: RawBuilder<string>, count: number) => Promise<Row[]>,
): Promise<Row[] | null> {
  const words = oneWord(terms)
  if (!words) return null
  const rows: Row[] = []
  let from = after ?? null
  for (let round = 0, perWord = count; round < POSTING_ROUNDS; round++, perWord *= 4) {
    rows.push(...(await read(postedPieceIds(words, from, perWord), count)).slice(0, count - rows.length))
    if (rows.length >= count) return rows
    const batch = await postingsBatch(db, words, from, perWord)
    if (batch.kind === 'too-broad') return null
    if (batch.through === null) return rows
    from = batch.through
  }
  return null
}

/** The lexemes of the one word a search comes down to, or null when it is none or several (or a term stems to two). */
function oneWord(terms: SearchTerms): PostingWords | null {
  const { lexemes } = terms
  if (lexemes.some((group) => group.some((list) => list.length > 1))) return null
  const found = lexemes.flatMap((group, index) => (group.some((list) => list.length > 0) ? [index] : []))
  const [index] = found
  if (found.length !== 1 || index === undefined) return null
  const stems = (lexemes[index] ?? []).map((list) => list[0])
  const prefix = isPrefix(terms, index, 0) ? (stems[0] ?? null) : null
  return { exact: stems.filter((stem, position): stem is string => stem !== undefined && !(prefix !== null && position === 0)), prefix }
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

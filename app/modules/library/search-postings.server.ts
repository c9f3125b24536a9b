import { type RawBuilder, sql } from 'kysely'
import { genericPlan } from '#db/generic-plan.ts'
import type { Db } from '#db/types.ts'

/**
 * The best pieces for a one-word search, read from library_search_postings
 * (migration 0019, ADR 012) instead of ranking every piece the word matches.
 * The postings of each word are kept in the search's relevance order — tier
 * (title, then composer or arranger, then elsewhere), title length, sort title,
 * id — so the next candidates after a cursor are the first index entries of
 * each word the search stands for. The caller re-reads those pieces through
 * the catalogue query, which applies the filters and computes the same key.
 */

/** A relevance key: tier, title length, lower(sort title), id. */
export type RelevanceKey = [number, number, string, string]

/** The words one search word stands for: whole words (typo alternatives) and, for the last word, a prefix. */
export type PostingWords = { exact: string[]; prefix: string | null }

export type PostingsBatch =
  /** The batch held every piece after `after` up to `through` (null: up to the last posting). */
  | { kind: 'batch'; through: RelevanceKey | null }
  /** The prefix stands for too many words to merge here. */
  | { kind: 'too-broad' }

// Before the first key there is: tiers and lengths are never negative.
const START: RelevanceKey = [-1, -1, '', '00000000-0000-0000-0000-000000000000']
// A prefix such as "con" stands for hundreds of words; past this many the ranked scan of every match is cheaper.
const MAX_PREFIXED_WORDS = 50

/**
 * The postings after `after`, up to `perWord` per word, merged: a piece found
 * under several words counts once, with its best tier, and only when no word
 * placed it at or before `after` (it was shown on an earlier page). The merge
 * is exact up to `through`, the smallest last key of the words that may have
 * more, so pages built from batches are the order of the full ranking.
 * `output` is the final select over the CTEs `kept`, `through` and `prefixed`.
 */
function postings(words: PostingWords, after: RelevanceKey | null, perWord: number, output: RawBuilder<unknown>) {
  const [tier, length, title, id] = after ?? START
  const [only, ...others] = words.exact
  // One word, no prefix (the usual case): its next postings are the batch; nothing to merge.
  if (only !== undefined && others.length === 0 && words.prefix === null) {
    return sql`
      with prefixed (lexeme) as (select null::text where false),
      kept as (
        select p.piece_id, p.tier, p.title_length, p.sort_title from library_search_postings p
        where p.lexeme = ${only}
          and (p.tier, p.title_length, p.sort_title, p.piece_id) > (${tier}::smallint, ${length}::integer, ${title}::text, ${id}::uuid)
        order by p.tier, p.title_length, p.sort_title, p.piece_id
        limit ${sql.lit(perWord)}
      ),
      through as (
        select tier, title_length, sort_title, piece_id from kept
        where (select count(*) from kept) = ${sql.lit(perWord)}
        order by tier desc, title_length desc, sort_title desc, piece_id desc limit 1
      )
      ${output}
    `
  }
  const prefix = words.prefix ?? ''
  return sql`
    with recursive prefixed (lexeme, n) as (
      select min(lexeme), 1 from library_search_postings
      where ${prefix} <> '' and lexeme >= ${prefix} and lexeme < ${prefix} || chr(1114111)
      union all
      select (
        select min(p.lexeme) from library_search_postings p
        where p.lexeme > prefixed.lexeme and p.lexeme < ${prefix} || chr(1114111)
      ), n + 1
      from prefixed where prefixed.lexeme is not null and n <= ${sql.lit(MAX_PREFIXED_WORDS)}
    ),
    words (lexeme) as (
      select unnest(${words.exact}::text[])
      union
      select lexeme from prefixed where lexeme is not null
    ),
    hits as (
      select w.lexeme, h.piece_id, h.tier, h.title_length, h.sort_title,
        row_number() over (partition by w.lexeme order by h.tier, h.title_length, h.sort_title, h.piece_id) as place
      from words w
      cross join lateral (
        select p.piece_id, p.tier, p.title_length, p.sort_title from library_search_postings p
        where p.lexeme = w.lexeme
          and (p.tier, p.title_length, p.sort_title, p.piece_id) > (${tier}::smallint, ${length}::integer, ${title}::text, ${id}::uuid)
        order by p.tier, p.title_length, p.sort_title, p.piece_id
        limit ${sql.lit(perWord)}
      ) as h
    ),
    through as (
      select tier, title_length, sort_title, piece_id from hits where place = ${sql.lit(perWord)}
      order by tier, title_length, sort_title, piece_id limit 1
    ),
    kept as (
      select distinct h.piece_id from hits h
      where (not exists (select 1 from through)
          or (h.tier, h.title_length, h.sort_title, h.piece_id)
            <= (select t.tier, t.title_length, t.sort_title, t.piece_id from through t))
        ${after ? shownBefore(after) : sql``}
    )
    ${output}
  `
}

/** Not a piece some word placed at or before `after`: it was on an earlier page (on the first page there is none). */
const shownBefore = ([tier, length, title, id]: RelevanceKey) => sql`
  and not exists (
    select 1 from library_search_postings earlier join words w on w.lexeme = earlier.lexeme
    where earlier.piece_id = h.piece_id
      and (earlier.tier, earlier.title_length, earlier.sort_title, earlier.piece_id)
        <= (${tier}::smallint, ${length}::integer, ${title}::text, ${id}::uuid)
  )`

const tooBroad = sql`(select count(*) from prefixed where lexeme is not null) > ${sql.lit(MAX_PREFIXED_WORDS)}`

/** The ids of one batch, as a subquery for `pieces.id in (…)` in the catalogue query (none when the prefix is too broad). */
export function postedPieceIds(words: PostingWords, after: RelevanceKey | null, perWord: number): RawBuilder<string> {
  return sql<string>`(${postings(words, after, perWord, sql`select piece_id from kept where not ${tooBroad}`)})`
}

/** Where a batch ends: asked only when the catalogue found fewer pieces among its ids than it wanted. */
export async function postingsBatch(db: Db, words: PostingWords, after: RelevanceKey | null, perWord: number): Promise<PostingsBatch> {
  const { rows } = await sql`${genericPlan} ${postings(words, after, perWord, sql`
    select ${tooBroad} as too_broad, (select json_build_array(tier, title_length, sort_title, piece_id) from through) as through
  `)}`.execute(db)
  const row = rows[0] as { too_broad: boolean; through: RelevanceKey | null } | undefined
  if (!row || row.too_broad) return { kind: 'too-broad' }
  return { kind: 'batch', through: row.through }
}

import { z } from 'zod'
import type { Ownership } from '#db/types.ts'

/**
 * The catalogue search's GET parameters (/library?q=…). A shared link may be
 * old or hand-edited: a value that does not fit is left out and named in
 * `problems`, so the page still answers (200) with what it understood.
 */

/** Pieces a page of results shows. */
export const PAGE_SIZE = 20

export const LIBRARY_SORTS = ['relevance', 'title', 'composer', 'number', 'grade', 'recent'] as const
export type LibrarySort = (typeof LIBRARY_SORTS)[number]

export const SORT_LABELS: Record<LibrarySort, string> = {
  relevance: 'Best match',
  title: 'Title',
  composer: 'Composer',
  number: 'Library number',
  grade: 'Grade (easiest first)',
  recent: 'Recently added',
}

export const OWNERSHIPS = ['owned', 'rented', 'borrowed', 'public_domain'] as const satisfies readonly Ownership[]
export const OWNERSHIP_LABELS: Record<Ownership, string> = {
  owned: 'Owned',
  rented: 'Rented',
  borrowed: 'Borrowed',
  public_domain: 'Public domain',
}

/** Band grades: 0.5 to 6 in half steps. */
export const GRADES = Array.from({ length: 12 }, (_, index) => (index + 1) / 2)

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional())
const grade = (label: string) =>
  optional(
    z.coerce
      .number({ error: `${label} must be a grade from 0.5 to 6` })
      .min(0.5, `${label} must be a grade from 0.5 to 6`)
      .max(6, `${label} must be a grade from 0.5 to 6`)
      .refine((value) => Number.isInteger(value * 2), `${label} goes in half steps (3, 3.5, 4…)`),
  )
const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === '1', z.boolean())

const FIELDS = {
  q: optional(z.string().trim().max(200, 'The search is at most 200 characters')),
  composer: optional(z.string().trim().max(100, 'A composer’s name is at most 100 characters')),
  composerId: optional(z.uuid('That composer link is not valid')),
  genre: optional(z.string().trim().max(100, 'A genre is at most 100 characters')),
  ensemble: optional(z.string().trim().max(100, 'An ensemble is at most 100 characters')),
  ownership: optional(z.enum(OWNERSHIPS, 'Choose an ownership from the list')),
  gradeMin: grade('The lowest grade'),
  gradeMax: grade('The highest grade'),
  hasParts: checkbox,
  missingParts: checkbox,
  sort: optional(z.enum(LIBRARY_SORTS, 'Choose a sort order from the list')),
  after: optional(z.string().max(500)),
}

type Fields = { [Name in keyof typeof FIELDS]: z.output<(typeof FIELDS)[Name]> }

export type LibraryQuery = Omit<Fields, 'sort'> & { sort: LibrarySort }

/** What could not be used, per parameter. */
export type QueryProblems = Partial<Record<keyof typeof FIELDS, string>>

/** The search parameters of a URL; each bad one left out with a message (never an error page). */
export function parseLibraryQuery(params: URLSearchParams): { query: LibraryQuery; problems: QueryProblems } {
  const problems: QueryProblems = {}
  const value = <Name extends keyof typeof FIELDS>(name: Name): Fields[Name] | undefined => {
    const parsed = FIELDS[name].safeParse(params.get(name) ?? undefined)
    if (parsed.success) return parsed.data as Fields[Name]
    problems[name] = parsed.error.issues[0]?.message ?? 'Not understood'
    return undefined
  }
  const fields = {
    q: value('q'),
    composer: value('composer'),
    composerId: value('composerId'),
    genre: value('genre'),
    ensemble: value('ensemble'),
    ownership: value('ownership'),
    gradeMin: value('gradeMin'),
    gradeMax: value('gradeMax'),
    hasParts: value('hasParts') ?? false,
    missingParts: value('missingParts') ?? false,
    after: value('after'),
  }
  if (fields.gradeMin !== undefined && fields.gradeMax !== undefined && fields.gradeMin > fields.gradeMax) {
    problems.gradeMax = 'The highest grade is below the lowest: both left out'
    fields.gradeMin = undefined
    fields.gradeMax = undefined
  }
  // Best match needs words to match; without them the catalogue is filed by title.
  const sort = value('sort') ?? (fields.q ? 'relevance' : 'title')
  return { query: { ...fields, sort: sort === 'relevance' && !fields.q ? 'title' : sort }, problems }
}

/** The query as URL parameters without the page cursor: for links that keep the search (and a shareable address). */
export function libraryParams(query: LibraryQuery): URLSearchParams {
  const params = new URLSearchParams()
  for (const name of ['q', 'composer', 'composerId', 'genre', 'ensemble', 'ownership'] as const) {
    const value = query[name]
    if (value) params.set(name, value)
  }
  if (query.gradeMin !== undefined) params.set('gradeMin', String(query.gradeMin))
  if (query.gradeMax !== undefined) params.set('gradeMax', String(query.gradeMax))
  if (query.hasParts) params.set('hasParts', 'on')
  if (query.missingParts) params.set('missingParts', 'on')
  if (query.sort !== (query.q ? 'relevance' : 'title')) params.set('sort', query.sort)
  return params
}

/** Whether anything narrows the catalogue (for "Clear filters"). */
export function isFiltered(query: LibraryQuery): boolean {
  return libraryParams({ ...query, sort: query.q ? 'relevance' : 'title' }).size > 0
}

import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memberId } from '#db/seed/roster.ts'
import { seedDemoBand } from '#db/seed/seed.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import type { LibraryReach } from './access.server.ts'
import { LIBRARY_SORTS, type LibraryQuery, type LibrarySort, parseLibraryQuery } from './search-schema.ts'
import { decodeCursor, encodeCursor, readSearchTerms, searchChoices, searchPieces, searchWords, tsqueryText } from './search.server.ts'

const TIME_ZONE = 'Europe/London'
const all: LibraryReach = { kind: 'all' }
const musician: LibraryReach = { kind: 'assigned', memberId: memberId('Max', 'Musician') }

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
  await seedDemoBand(database.db, { chainKey: 'search-test-chain-key-0123456789abcdef01' })
}, 120_000)
afterAll(() => database?.drop())

/** A query as the page parses it from a URL. */
const query = (params: Record<string, string>): LibraryQuery => parseLibraryQuery(new URLSearchParams(params)).query

async function titles(params: Record<string, string>, reach: LibraryReach = all, limit = 20) {
  const page = await searchPieces(database.db, { reach, timeZone: TIME_ZONE, query: query(params), limit })
  return page.pieces.map((piece) => piece.title)
}

/** Every page of a search, following the cursors. */
async function everyPage(params: Record<string, string>, limit: number, reach: LibraryReach = all) {
  const ids: string[] = []
  let after: string | undefined
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = await searchPieces(database.db, { reach, timeZone: TIME_ZONE, query: query({ ...params, ...(after ? { after } : {}) }), limit })
    expect(page.pieces.length).toBeLessThanOrEqual(limit)
    ids.push(...page.pieces.map((piece) => piece.id))
    if (!page.next) return ids
    after = page.next
  }
  throw new Error('the pages never ended')
}

async function livePieceIds() {
  const rows = await database.db.selectFrom('pieces').select('id').where('deleted_at', 'is', null).execute()
  return rows.map((row) => row.id).sort()
}

describe('the words of a search', () => {
  it('folds case and accents, drops punctuation and spells out ordinals', () => {
    expect(searchWords('  Holst 1st Suite!')).toEqual(['holst', 'first', 'suite'])
    expect(searchWords('Suite Française, 2nd & 3rd')).toEqual(['suite', 'francaise', 'second', 'third'])
    expect(searchWords('“Stars” — and/Stripes')).toEqual(['stars', 'and', 'stripes'])
  })

  it('writes tsquery text from plain words only, the last one as a prefix when asked', () => {
    expect(tsqueryText({ groups: [['holts', 'holst'], ['suite']], prefix: true })).toBe('(holts | holst) & suite:*')
    expect(tsqueryText({ groups: [['stars'], ['stri']], prefix: true }, 'A')).toBe('stars:A & stri:*A')
    expect(tsqueryText({ groups: [['holst'], ['suite']], prefix: false })).toBe('holst & suite')
    expect(searchWords("o'brien & (drop) | table:*")).toEqual(['o', 'brien', 'drop', 'table'])
  })

  it('adds the nearest catalogue words for a misspelt word, and none for a known one', async () => {
    const [holts, suite] = (await readSearchTerms(database.db, ['holts', 'suite'])).groups
    expect(holts?.[0]).toBe('holts')
    expect(holts).toContain('holst')
    expect(holts?.length).toBeLessThanOrEqual(4)
    expect(suite).toEqual(['suite'])
    // The last word is being typed: a catalogue word starting with it is enough.
    expect((await readSearchTerms(database.db, ['stars', 'stri'])).groups).toEqual([['stars'], ['stri']])
  })

  it('matches the last word as a prefix only when a word of the catalogue goes on from it, finding the same pieces', async () => {
    const matching = async (text: string) =>
      (await sql<{ n: number }>`select count(*)::int as n from pieces where deleted_at is null and search_vector @@ to_tsquery('english', ${text})`.execute(database.db)).rows[0]?.n
    expect((await readSearchTerms(database.db, ['stars', 'stri'])).prefix).toBe(true)
    const exact: string[] = []
    for (const q of ['holst suite', 'march', 'sousa stars stripes', 'first suite', 'colonel bogey', 'overture']) {
      const terms = await readSearchTerms(database.db, searchWords(q))
      if (!terms.prefix) exact.push(q)
      expect(await matching(tsqueryText(terms))).toBe(await matching(tsqueryText({ ...terms, prefix: true })))
    }
    expect(exact.length).toBeGreaterThan(2)
  })
})

describe('searchPieces finds what a librarian types', () => {
  it('sousa stars stripes → The Stars and Stripes Forever', async () => {
    expect((await titles({ q: 'sousa stars stripes' }))[0]).toBe('The Stars and Stripes Forever')
  })

  it('Holst 1st suite → First Suite in E♭ first', async () => {
    expect((await titles({ q: 'Holst 1st suite' }))[0]).toBe('First Suite in E♭')
  })

  it('holts suite → Holst’s suites (holts ≈ holst)', async () => {
    const found = await titles({ q: 'holts suite' })
    expect(found).toEqual(expect.arrayContaining(['First Suite in E♭', 'Second Suite in F']))
  })

  it('sousa → his marches', async () => {
    const found = await titles({ q: 'sousa' }, all, 100)
    expect(found.length).toBeGreaterThanOrEqual(3)
    expect(found).toContain('The Stars and Stripes Forever')
    const composers = (await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ q: 'sousa' }), limit: 100 })).pieces.map((piece) => piece.composer)
    expect(new Set(composers)).toEqual(new Set(['John Philip Sousa']))
  })

  it('alford bogey → Colonel Bogey; milhaud francaise → Suite Française (accents folded)', async () => {
    expect((await titles({ q: 'alford bogey' }))[0]).toBe('Colonel Bogey')
    expect((await titles({ q: 'milhaud francaise' }))[0]).toBe('Suite Française')
    expect((await titles({ q: 'Milhaud Française' }))[0]).toBe('Suite Française')
  })

  it('matches the last word as a prefix: "stars stri"', async () => {
    expect(await titles({ q: 'stars stri' })).toContain('The Stars and Stripes Forever')
  })

  it('finds nothing for words the catalogue has nothing near, and never fails on odd input', async () => {
    expect(await titles({ q: 'zzqxv' })).toEqual([])
    expect(await titles({ q: 'the and of' })).toEqual([])
    expect(await titles({ q: "'):* | !& \\ %_" })).toEqual(expect.any(Array))
  })

  it('ranks a title match above a match in the tags or genre', async () => {
    const page = await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ q: 'march' }), limit: 200 })
    const firstWithoutTitleMatch = page.pieces.findIndex((piece) => !/march/i.test(piece.title))
    const lastWithTitleMatch = page.pieces.findLastIndex((piece) => /march/i.test(piece.title))
    expect(lastWithTitleMatch).toBeGreaterThanOrEqual(0)
    if (firstWithoutTitleMatch >= 0) expect(lastWithTitleMatch).toBeLessThan(firstWithoutTitleMatch)
  })
})

describe('filters', () => {
  it('composer by part of the name, and by id', async () => {
    const page = await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ composer: 'HOLST' }), limit: 100 })
    expect(page.pieces.length).toBeGreaterThanOrEqual(3)
    expect(new Set(page.pieces.map((piece) => piece.composer))).toEqual(new Set(['Gustav Holst']))
    const holst = page.pieces[0]?.composerId ?? ''
    const byId = await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ composerId: holst }), limit: 100 })
    expect(byId.pieces.map((piece) => piece.id)).toEqual(page.pieces.map((piece) => piece.id))
    const choices = await searchChoices(database.db, { reach: all, timeZone: TIME_ZONE, composerId: holst })
    expect(choices.composer?.name).toBe('Gustav Holst')
  })

  it('genre, grade range and ownership', async () => {
    const marches = await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ genre: 'March' }), limit: 300 })
    expect(marches.pieces.length).toBeGreaterThan(5)
    expect(marches.pieces.every((piece) => piece.genre?.toLowerCase() === 'march')).toBe(true)
    const graded = await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ gradeMin: '2', gradeMax: '3.5' }), limit: 300 })
    expect(graded.pieces.length).toBeGreaterThan(5)
    expect(graded.pieces.every((piece) => Number(piece.grade) >= 2 && Number(piece.grade) <= 3.5)).toBe(true)
    const rows = await database.db.selectFrom('pieces').select('id').where('ownership', '=', 'public_domain').where('deleted_at', 'is', null).execute()
    expect((await everyPage({ ownership: 'public_domain' }, 50)).sort()).toEqual(rows.map((row) => row.id).sort())
    const choices = await searchChoices(database.db, { reach: all, timeZone: TIME_ZONE })
    expect(choices.genres).toEqual(expect.arrayContaining(['march', 'suite']))
  })

  it('ensemble, missing parts and has parts (a current file, not a superseded or deleted one)', async () => {
    const db = database.db
    const [first, second, third] = await db.selectFrom('pieces').select('id').orderBy('library_number').limit(3).execute()
    if (!first || !second || !third) throw new Error('the demo band has pieces')
    await db.updateTable('pieces').set({ ensemble: 'Brass band' }).where('id', '=', first.id).execute()
    expect((await everyPage({ ensemble: 'brass band' }, 20))).toEqual([first.id])
    expect((await searchChoices(db, { reach: all, timeZone: TIME_ZONE })).ensembles).toContain('Brass band')

    await db.updateTable('pieces').set({ parts_status: 'incomplete', missing_parts: 'Tuba' }).where('id', 'in', [first.id, second.id]).execute()
    expect((await everyPage({ missingParts: 'on' }, 20)).sort()).toEqual([first.id, second.id].sort())

    const withFiles = await everyPage({ hasParts: 'on' }, 50)
    const partOf = async (pieceId: string) => (await db.selectFrom('parts').select('id').where('piece_id', '=', pieceId).orderBy('sort_order').executeTakeFirstOrThrow()).id
    const file = (partId: string, version: number, extra: { superseded_at?: Date; deleted_at?: Date } = {}) => ({
      part_id: partId, version, storage_key: `library/${crypto.randomUUID()}`, original_name: 'part.pdf', size_bytes: 100, sha256: 'a'.repeat(64), page_count: 1, ...extra,
    })
    await db.insertInto('part_files').values([file(await partOf(second.id), 1), file(await partOf(third.id), 1, { deleted_at: new Date() }), file(await partOf(third.id), 2, { superseded_at: new Date() })]).execute()
    const after = await everyPage({ hasParts: 'on' }, 50)
    expect(after.filter((id) => !withFiles.includes(id))).toEqual([second.id])
    const hit = (await searchPieces(db, { reach: all, timeZone: TIME_ZONE, query: query({ missingParts: 'on' }) })).pieces.find((piece) => piece.id === second.id)
    expect(hit).toMatchObject({ hasFiles: true, partsStatus: 'incomplete' })
    expect(hit?.partsCount).toBeGreaterThan(5)
  })

  it('never shows a deleted piece', async () => {
    const db = database.db
    const piece = await db.selectFrom('pieces').select('id').where('title', '=', 'Colonel Bogey').executeTakeFirstOrThrow()
    await db.updateTable('pieces').set({ deleted_at: new Date() }).where('id', '=', piece.id).execute()
    try {
      expect(await titles({ q: 'alford bogey' })).not.toContain('Colonel Bogey')
      expect(await everyPage({}, 100)).not.toContain(piece.id)
    } finally {
      await db.updateTable('pieces').set({ deleted_at: null }).where('id', '=', piece.id).execute()
    }
  })
})

describe('sorts and keyset pages', () => {
  it.each(LIBRARY_SORTS.filter((sort) => sort !== 'relevance'))('sort %s: the pages hold every piece exactly once', async (sort: LibrarySort) => {
    const ids = await everyPage({ sort }, 45)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(await livePieceIds())
  })

  it('relevance: the pages of a common word hold every match exactly once, best first', async () => {
    const all50 = (await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ q: 'march' }), limit: 500 })).pieces.map((piece) => piece.id)
    expect(all50.length).toBeGreaterThan(10)
    expect(await everyPage({ q: 'march' }, 7)).toEqual(all50)
  })

  // The postings (migration 0019) are a second copy of the ranking; it must give exactly what ranking every match gives.
  it.each<Record<string, string>>([
    { q: 'march' },
    { q: 'suite' },
    { q: 'the march' },
    { q: 'holts' },
    { q: 'marhc' },
    { q: 'overture', genre: 'overture' },
    { q: 'march', gradeMin: '3' },
  ])('relevance from the postings is the full ranking, page by page: %o', async (params) => {
    const terms = await readSearchTerms(database.db, searchWords(params.q ?? ''))
    const text = (weights = '') => sql`to_tsquery('english', ${tsqueryText(terms, weights)})`
    const { rows } = await sql<{ id: string }>`
      select id from pieces
      where deleted_at is null and search_vector @@ ${text()}
        and (${params.genre ?? null}::text is null or lower(genre) = ${params.genre ?? null})
        and (${params.gradeMin ?? null}::numeric is null or grade >= ${params.gradeMin ?? null}::numeric)
      order by case when search_vector @@ ${text('A')} then 0 when search_vector @@ ${text('AB')} then 1 else 2 end,
        char_length(title), lower(sort_title), id
    `.execute(database.db)
    expect(rows.length).toBeGreaterThan(0)
    expect(await everyPage(params, 3)).toEqual(rows.map((row) => row.id))
  })

  it('the postings follow a renamed, deleted and restored piece, and a renamed composer', async () => {
    const db = database.db
    const piece = await db.selectFrom('pieces').select(['id', 'title']).where('title', '=', 'Colonel Bogey').executeTakeFirstOrThrow()
    const find = async (q: string) => (await everyPage({ q }, 50)).includes(piece.id)
    await db.updateTable('pieces').set({ title: 'Brigadier Bogus' }).where('id', '=', piece.id).execute()
    try {
      expect(await find('brigadier')).toBe(true)
      expect(await find('colonel')).toBe(false)
      await db.updateTable('pieces').set({ deleted_at: new Date() }).where('id', '=', piece.id).execute()
      expect(await find('brigadier')).toBe(false)
      await db.updateTable('pieces').set({ deleted_at: null }).where('id', '=', piece.id).execute()
      expect(await find('brigadier')).toBe(true)
    } finally {
      await db.updateTable('pieces').set({ title: piece.title, deleted_at: null }).where('id', '=', piece.id).execute()
    }
    const alford = await db.selectFrom('people').select(['id', 'sort_name']).where('name', '=', 'Kenneth J. Alford').executeTakeFirstOrThrow()
    await db.updateTable('people').set({ sort_name: 'Aaaa, Kenneth' }).where('id', '=', alford.id).execute()
    try {
      const first = (await searchPieces(db, { reach: all, timeZone: TIME_ZONE, query: query({ sort: 'composer' }), limit: 1 })).pieces[0]
      expect(first?.composerId).toBe(alford.id)
    } finally {
      await db.updateTable('people').set({ sort_name: alford.sort_name }).where('id', '=', alford.id).execute()
    }
  })

  it('orders by the filing title, composer, library number, grade and date added', async () => {
    const page = async (sort: LibrarySort) => (await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ sort }), limit: 300 })).pieces
    const byTitle = await page('title')
    // Filed under its first significant word.
    const stars = byTitle.find((piece) => piece.title === 'The Stars and Stripes Forever')
    expect(stars?.sortTitle).toBe('Stars and Stripes Forever, The')
    const initials = byTitle.map((piece) => piece.sortTitle.charAt(0).toLowerCase()).filter((letter) => /[a-z]/.test(letter))
    expect(initials).toEqual([...initials].sort())
    const byNumber = (await page('number')).map((piece) => piece.libraryNumber)
    expect(byNumber.slice(0, 3)).toEqual(['CB-0001', 'CB-0002', 'CB-0003'])
    const grades = (await page('grade')).map((piece) => piece.grade).filter((grade) => grade !== null).map(Number)
    expect(grades).toEqual([...grades].sort((a, b) => a - b))
    const byComposer = await page('composer')
    const holst = byComposer.findIndex((piece) => piece.composer === 'Gustav Holst')
    const sousa = byComposer.findIndex((piece) => piece.composer === 'John Philip Sousa')
    expect(holst).toBeGreaterThanOrEqual(0)
    expect(holst).toBeLessThan(sousa)
    const newest = await database.db.insertInto('pieces').values({ title: 'A Brand New Piece', library_number: 'CB-9999' }).returning('id').executeTakeFirstOrThrow()
    try {
      expect((await page('recent'))[0]?.id).toBe(newest.id)
    } finally {
      await database.db.deleteFrom('pieces').where('id', '=', newest.id).execute()
    }
  })

  it('a tampered, foreign or stale cursor gives the first page, never an error', async () => {
    const first = await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ sort: 'title' }) })
    expect(first.next).not.toBeNull()
    const bad = [
      'not base64 at all!!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1,2,3]').toString('base64url'),
      encodeCursor('title', ["x'; drop table pieces; --", 'not-a-uuid']),
      encodeCursor('grade', [false, 3, 'abc', '00000000-0000-0000-0000-000000000000']),
      encodeCursor('recent', ['yesterday', '00000000-0000-0000-0000-000000000000']),
    ]
    for (const after of bad) {
      const page = await searchPieces(database.db, { reach: all, timeZone: TIME_ZONE, query: query({ sort: 'title', after }) })
      expect(page.pieces.map((piece) => piece.id)).toEqual(first.pieces.map((piece) => piece.id))
      expect(page.cursorIgnored).toBe(true)
    }
    // A cursor of another sort is not read as this one's.
    expect(decodeCursor('number', first.next ?? '')).toBeUndefined()
    expect(decodeCursor('title', first.next ?? '')).toHaveLength(2)
  })
})

describe('who sees what', () => {
  it('a musician finds only pieces on the set lists of upcoming events they are expected at; a librarian all', async () => {
    const db = database.db
    const upcoming = await db
      .selectFrom('set_list_items')
      .innerJoin('events', 'events.id', 'set_list_items.event_id')
      .where('events.ends_at', '>=', new Date())
      .where('events.status', '=', 'scheduled')
      .select('set_list_items.piece_id')
      .distinct()
      .execute()
    const setListed = new Set(upcoming.map((row) => row.piece_id))
    const seen = await everyPage({}, 50, musician)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every((id) => setListed.has(id))).toBe(true)
    expect((await everyPage({}, 100)).length).toBeGreaterThanOrEqual(300)

    // A piece on no upcoming set list is not found by its exact title.
    const hidden = await db.selectFrom('pieces').select(['id', 'title']).where('id', 'not in', [...setListed]).where('title', '=', 'Colonel Bogey').executeTakeFirst()
    if (hidden) expect(await titles({ q: 'alford bogey' }, musician)).toEqual([])
    // A set-listed piece is found by its title, with only the musician's parts counted.
    const shown = await db.selectFrom('pieces').select(['id', 'title']).where('id', '=', seen[0] ?? '').executeTakeFirstOrThrow()
    const mine = await searchPieces(db, { reach: musician, timeZone: TIME_ZONE, query: query({ q: shown.title }) })
    const theirs = await searchPieces(db, { reach: all, timeZone: TIME_ZONE, query: query({ q: shown.title }) })
    expect(mine.pieces.map((piece) => piece.id)).toContain(shown.id)
    const count = (page: typeof mine) => page.pieces.find((piece) => piece.id === shown.id)?.partsCount ?? 0
    expect(count(mine)).toBeLessThan(count(theirs))
    const genres = (await searchChoices(db, { reach: musician, timeZone: TIME_ZONE })).genres
    expect(genres.length).toBeLessThanOrEqual((await searchChoices(db, { reach: all, timeZone: TIME_ZONE })).genres.length)
  })
})

describe('parseLibraryQuery', () => {
  it('keeps what fits and names what does not', () => {
    const { query: parsed, problems } = parseLibraryQuery(new URLSearchParams({ q: 'march', gradeMin: '2.3', gradeMax: 'seven', ownership: 'stolen', sort: 'weird', composerId: 'nope', hasParts: 'on' }))
    expect(parsed).toMatchObject({ q: 'march', gradeMin: undefined, gradeMax: undefined, ownership: undefined, composerId: undefined, hasParts: true, sort: 'relevance' })
    expect(Object.keys(problems).sort()).toEqual(['composerId', 'gradeMax', 'gradeMin', 'ownership', 'sort'])
    expect(parseLibraryQuery(new URLSearchParams({ sort: 'relevance' })).query.sort).toBe('title')
    expect(parseLibraryQuery(new URLSearchParams({ gradeMin: '4', gradeMax: '2' })).problems.gradeMax).toMatch(/below/)
  })
})

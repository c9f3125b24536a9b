import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

/**
 * The catalogue search at /library through the whole stack, as a browser
 * without JavaScript sees it: the GET form, shareable addresses, pages, who
 * finds what, and bad parameters (still the page, with a message). Needs `npm run build`.
 */

let server: TestServer
let librarian: BrowserSession
let musician: BrowserSession

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  librarian = new BrowserSession(server.url)
  await librarian.signIn('librarian@example.org')
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
}, 120_000)
afterAll(() => server?.stop())

const pieceIds = (html: string) => [...html.matchAll(/href="\/library\/pieces\/([0-9a-f-]{36})"/g)].map((match) => match[1] ?? '')
const nextHref = (html: string) => {
  const tag = /<a\b[^>]*\brel="next"[^>]*>/.exec(html)?.[0] ?? ''
  return (/href="([^"]*)"/.exec(tag)?.[1] ?? '').replaceAll('&amp;', '&')
}

describe('GET /library', () => {
  it('finds The Stars and Stripes Forever for the librarian, with the links a librarian needs', async () => {
    const page = await librarian.get('/library?q=sousa+stars+stripes')
    expect(page.status).toBe(200)
    expect(page.text).toContain('Stars and Stripes Forever, The')
    expect(page.text).toContain('John Philip Sousa')
    expect(page.html).toContain('href="/library/pieces/new"')
    expect(page.html).toContain('href="/library/upload"')
    expect(page.text).toMatch(/Shelf: Cabinet \d+, Drawer [A-D]/)
    // The search box keeps what was typed: the address is the search.
    expect(page.html).toMatch(/name="q"[^>]*value="sousa stars stripes"|value="sousa stars stripes"[^>]*name="q"/)
  })

  it('a shareable address: the filters and sort survive into the Next link, and page 2 follows on', async () => {
    const first = await librarian.get('/library?genre=march&sort=number')
    expect(first.status).toBe(200)
    const next = nextHref(first.html)
    expect(next).toContain('genre=march')
    expect(next).toContain('sort=number')
    expect(next.startsWith('/library?')).toBe(true)
    const second = await librarian.get(next)
    expect(second.status).toBe(200)
    expect(second.text).toContain('Back to first page')
    const overlap = pieceIds(second.html).filter((id) => pieceIds(first.html).includes(id))
    expect(overlap).toEqual([])
    expect(pieceIds(second.html).length).toBeGreaterThan(0)
  })

  it('a musician finds only the pieces of their upcoming set lists, and no librarian links', async () => {
    const all = await librarian.get('/library?sort=title')
    const mine = await musician.get('/library?sort=title')
    expect(mine.status).toBe(200)
    expect(mine.text).toContain('set lists of your upcoming events')
    expect(mine.html).not.toContain('href="/library/upload"')
    expect(mine.text).not.toContain('Shelf:')
    const db = server.runtime.db
    const setListed = new Set(
      (await db.selectFrom('set_list_items').innerJoin('events', 'events.id', 'set_list_items.event_id').where('events.ends_at', '>=', new Date()).select('piece_id').execute()).map((row) => row.piece_id),
    )
    expect(pieceIds(mine.html).length).toBeGreaterThan(0)
    expect(pieceIds(mine.html).every((id) => setListed.has(id))).toBe(true)
    expect(pieceIds(all.html).some((id) => !setListed.has(id))).toBe(true)
  })

  it('bad parameters still give the page (200), with a message, never a 500', async () => {
    const cases: [string, boolean][] = [
      ['/library?gradeMin=9&gradeMax=abc', true],
      ['/library?after=%27%3B+drop+table+pieces', true],
      ['/library?sort=sideways&ownership=stolen&composerId=nope', true],
      [`/library?q=${'x'.repeat(300)}`, true],
      // Not wrong, only odd: the words are searched for.
      [`/library?q=${encodeURIComponent("'):* | !& \\ %_")}`, false],
    ]
    for (const [url, told] of cases) {
      const page = await librarian.get(url)
      expect(page.status, url).toBe(200)
      expect(page.text.includes('Part of this search was left out'), url).toBe(told)
    }
  })

  it('says so when nothing matches, with a way back', async () => {
    const page = await librarian.get('/library?q=zzqxv+wwkj')
    expect(page.status).toBe(200)
    expect(page.text).toContain('No pieces match')
    expect(page.html).toMatch(/href="\/library"[^>]*>Clear the search and filters/)
  })
})

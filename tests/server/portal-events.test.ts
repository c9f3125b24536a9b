import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// The members' schedule (members-and-events issue, item 4, read side): the
// demo band's season, in time order, in the band's time zone, filterable,
// paged by keyset, each event with its venue and set list.

let server: TestServer
let musician: BrowserSession
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
}, 120_000)
afterAll(() => server?.stop())

const eventIds = (html: string) => [...html.matchAll(/href="\/portal\/events\/([0-9a-f-]{36})"/g)].map((match) => match[1] ?? '')

describe('the schedule', () => {
  it('lists what is coming up, soonest first, and pages through the rest', async () => {
    const first = await musician.get('/portal/events')
    expect(first.status).toBe(200)
    expect(first.html).toMatch(/<h1[^>]*>Schedule<\/h1>/)
    const ids = eventIds(first.html)
    expect(ids.length).toBe(20)
    const { db } = server.runtime
    const rows = await db.selectFrom('events').select(['id', 'starts_at']).where('id', 'in', ids).execute()
    const startOf = new Map(rows.map((row) => [row.id, row.starts_at.getTime()]))
    const times = ids.map((id) => startOf.get(id) ?? 0)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(Math.min(...times)).toBeGreaterThan(Date.now() - 24 * 60 * 60 * 1000)

    const later = /href="([^"]*afterId=[^"]+)"[^>]*>Later events/.exec(first.html)?.[1]?.replaceAll('&amp;', '&')
    expect(later, 'a link to later events').toBeTruthy()
    const second = await musician.get(new URL(later ?? '', `${server.url}/portal/events`).href.slice(server.url.length))
    const more = eventIds(second.html)
    expect(more.length).toBeGreaterThan(0)
    expect(more.filter((id) => ids.includes(id))).toEqual([])
  })

  it('shows past events newest first, and one kind at a time', async () => {
    const past = await musician.get('/portal/events?when=past')
    const ids = eventIds(past.html)
    expect(ids.length).toBeGreaterThan(0)
    const rows = await server.runtime.db.selectFrom('events').select(['id', 'ends_at', 'kind']).where('id', 'in', ids).execute()
    for (const row of rows) expect(row.ends_at.getTime()).toBeLessThan(Date.now())

    const concerts = await musician.get('/portal/events?kind=concert')
    const concertIds = eventIds(concerts.html)
    expect(concertIds.length).toBeGreaterThan(0)
    const kinds = await server.runtime.db.selectFrom('events').select('kind').where('id', 'in', concertIds).execute()
    expect(new Set(kinds.map((row) => row.kind))).toEqual(new Set(['concert']))
  })

  it('takes nonsense in the query for the defaults instead of failing', async () => {
    const page = await musician.get('/portal/events?when=tomorrow&kind=party&afterAt=yesterday&afterId=x')
    expect(page.status).toBe(200)
    expect(eventIds(page.html).length).toBe(20)
  })
})

describe('an event', () => {
  it('shows when and where in the band’s time zone, and its set list in order', async () => {
    const { db } = server.runtime
    const concert = await db
      .selectFrom('events')
      .innerJoin('set_list_items', 'set_list_items.event_id', 'events.id')
      .select(['events.id', 'events.title'])
      .where('events.kind', '=', 'concert')
      .where('events.ends_at', '>', new Date())
      .orderBy('events.starts_at')
      .executeTakeFirstOrThrow()
    const pieces = await db
      .selectFrom('set_list_items')
      .innerJoin('pieces', 'pieces.id', 'set_list_items.piece_id')
      .select(['pieces.title'])
      .where('set_list_items.event_id', '=', concert.id)
      .orderBy('set_list_items.position')
      .execute()
    const page = await musician.get(`/portal/events/${concert.id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(concert.title)
    expect(page.html).toContain('Set list')
    // The set list's items, in the order the page lists them.
    const setList = /<h2[^>]*id="set-list"[\s\S]*?<ol[^>]*>([\s\S]*?)<\/ol>/.exec(page.html)?.[1] ?? ''
    const listed = [...setList.matchAll(/<span class="font-medium">([^<]*)<\/span>/g)].map((match) => match[1])
    const decode = (text: string) => text.replaceAll('&amp;', '&').replaceAll('&#x27;', "'").replaceAll('&quot;', '"')
    expect(listed.map((title) => decode(title ?? ''))).toEqual(pieces.map((piece) => piece.title))
    expect(page.text).toMatch(/\b\d{1,2}:\d{2}\b/)
  })

  it('is a 404 in the portal’s frame for an id that names nothing', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1'; drop table events; --"]) {
      const page = await musician.get(`/portal/events/${encodeURIComponent(id)}`)
      expect(page.status, id).toBe(404)
      expect(page.text, id).toContain('There is no such event')
      expect(page.html).toContain('aria-label="Your areas"')
    }
  })

  it('sends an anonymous visitor to sign in first', async () => {
    const page = await new BrowserSession(server.url).get('/portal/events')
    expect(page.status).toBe(302)
    expect(page.location).toBe('/login?redirectTo=%2Fportal%2Fevents')
  })
})

import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditRowsSince, openServerDatabase } from '#tests/setup/server-database.ts'
import { BrowserSession, type Page } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Calendar feeds (members-and-events issue, item 10): each member's secret
// iCalendar address and the public /concerts.ics, read back with ical.js (an
// independent parser) across the October change from BST to GMT.

let server: TestServer
let musician: BrowserSession
let memberId: string
const created: string[] = []

/** The last Sunday of October after now: Europe/London goes from BST (UTC+1) to GMT at 01:00 UTC. */
function nextOctoberChange(now: Date): Date {
  for (let year = now.getUTCFullYear(); ; year += 1) {
    const lastDay = new Date(Date.UTC(year, 9, 31, 1))
    const change = new Date(lastDay.getTime() - lastDay.getUTCDay() * 86_400_000)
    if (change > now) return change
  }
}

const change = nextOctoberChange(new Date())
const day = 86_400_000
// The Tuesdays either side of the change, 19:30 London time: 18:30 UTC in BST, 19:30 UTC in GMT.
const tuesdayBefore = new Date(Date.UTC(change.getUTCFullYear(), change.getUTCMonth(), change.getUTCDate() - 5, 18, 30))
const tuesdayAfter = new Date(Date.UTC(change.getUTCFullYear(), change.getUTCMonth(), change.getUTCDate() + 2, 19, 30))

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
  const { db } = server.runtime
  const user = await db.selectFrom('users').select('member_id').where('email', '=', 'musician@example.org').executeTakeFirstOrThrow()
  memberId = user.member_id ?? ''
  const venue = await db.selectFrom('venues').select('id').orderBy('name').executeTakeFirstOrThrow()
  const sectionId = async (name: string) => (await db.selectFrom('sections').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id
  const [flutes, clarinets] = [await sectionId('Flutes & Double Reeds'), await sectionId('Clarinets')]
  const sectional = (title: string, section: string) => ({
    kind: 'sectional' as const,
    title,
    section_id: section,
    starts_at: new Date(tuesdayBefore.getTime() + day),
    ends_at: new Date(tuesdayBefore.getTime() + day + 3_600_000),
  })
  const rows = await db
    .insertInto('events')
    .values([
      { kind: 'rehearsal', title: 'Feed test: before the clocks change', starts_at: tuesdayBefore, ends_at: new Date(tuesdayBefore.getTime() + 2 * 3_600_000), venue_id: venue.id },
      { kind: 'rehearsal', title: 'Feed test: after the clocks change', starts_at: tuesdayAfter, ends_at: new Date(tuesdayAfter.getTime() + 2 * 3_600_000), venue_id: venue.id },
      {
        kind: 'rehearsal',
        title: 'Feed test: called off',
        starts_at: new Date(tuesdayAfter.getTime() + 7 * day),
        ends_at: new Date(tuesdayAfter.getTime() + 7 * day + 2 * 3_600_000),
        status: 'cancelled',
        cancel_reason: 'Hall flooded; sorry',
      },
      { kind: 'concert', title: 'Feed test: concert in summer time', starts_at: tuesdayBefore, ends_at: new Date(tuesdayBefore.getTime() + 2 * 3_600_000), is_public: true, venue_id: venue.id },
      { kind: 'concert', title: 'Feed test: concert in winter time', starts_at: tuesdayAfter, ends_at: new Date(tuesdayAfter.getTime() + 2 * 3_600_000), is_public: true, status: 'cancelled' },
      { kind: 'concert', title: 'Feed test: private concert', starts_at: tuesdayAfter, ends_at: new Date(tuesdayAfter.getTime() + 2 * 3_600_000), is_public: false },
      sectional('Feed test: flutes sectional', flutes),
      sectional('Feed test: clarinets sectional', clarinets),
    ])
    .returning(['id', 'title'])
    .execute()
  created.push(...rows.map((row) => row.id))
  const before = rows.find((row) => row.title.includes('before'))?.id ?? ''
  await db.insertInto('rsvps').values({ event_id: before, member_id: memberId, answer: 'maybe', note: 'late, 20 min' }).execute()
  // Away on the day of the called-off rehearsal (a winter date: UTC and London agree).
  const awayOn = new Date(tuesdayAfter.getTime() + 7 * day).toISOString().slice(0, 10)
  await db.insertInto('absences').values({ member_id: memberId, starts_on: awayOn, ends_on: awayOn, reason: 'Feed test trip' }).execute()
}, 120_000)
afterAll(() => server?.stop())

type ParsedEvent = { uid: string; summary: string; start: Date; startLocal: string; zone: string; status: string | null; description: string; rsvp: string | null }

function parse(text: string): { calendar: ICAL.Component; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text))
  const events = calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component)
    return {
      uid: event.uid,
      summary: event.summary,
      // ical.js converts with the file's own VTIMEZONE (Component.getTimeZoneByID), not a built-in database.
      start: event.startDate.toJSDate(),
      startLocal: event.startDate.toString(),
      zone: event.startDate.zone?.tzid ?? '',
      status: (component.getFirstPropertyValue('status') as string | null) ?? null,
      description: event.description ?? '',
      rsvp: (component.getFirstPropertyValue('x-band-rsvp') as string | null) ?? null,
    }
  })
  return { calendar, events }
}

async function feedAddress(): Promise<string> {
  const page = await musician.get('/portal/calendar')
  const address = /<textarea[^>]*id="calendar-url"[^>]*>([^<]+)<\/textarea>/.exec(page.html)?.[1]
  if (!address) throw new Error(`no calendar address on the page:\n${page.text}`)
  return new URL(address).pathname
}

function expectCalendarText(answer: Page) {
  expect(answer.status).toBe(200)
  expect(answer.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
  expect(answer.headers.get('etag')).toMatch(/^W\/".+"$/)
  // CRLF line endings only, lines of at most 75 octets.
  expect(answer.html.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  for (const line of answer.html.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75)
}

describe('a member’s calendar feed', () => {
  it('is made on /portal/calendar, audited, and parses with ical.js across the change to GMT', async () => {
    const database = await openServerDatabase(server)
    const lastAudit = (await database.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0
    const empty = await musician.get('/portal/calendar')
    expect(empty.status).toBe(200)
    expect(empty.text).toContain('Create my calendar link')
    expect(empty.html).not.toMatch(/<script\b/)

    const made = await musician.post('/portal/calendar', { intent: 'create' })
    expect(made.status).toBe(302)
    expect((await musician.follow(made)).toast).toBe('Your calendar link is ready.')
    const audit = await auditRowsSince(database, Number(lastAudit))
    expect(audit.map((row) => [row.action, row.entityId])).toEqual([['calendar_feed.create', memberId]])
    const path = await feedAddress()
    expect(path).toMatch(/^\/calendar\/[A-Za-z0-9_-]{43}\.ics$/)
    // The token is not in the audit log, and is stored only hashed and sealed.
    const token = path.slice('/calendar/'.length, -'.ics'.length)
    expect(audit[0]?.row).not.toContain(token)
    const stored = await database.db.selectFrom('calendar_feeds').selectAll().where('member_id', '=', memberId).executeTakeFirstOrThrow()
    expect(JSON.stringify(stored)).not.toContain(token)
    await database.close()

    const anonymous = new BrowserSession(server.url)
    const feed = await anonymous.get(path)
    expectCalendarText(feed)
    expect(feed.headers.get('cache-control')).toBe('private, no-cache')
    const { calendar, events } = parse(feed.html)
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH')
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0')
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/London')

    // The host of PUBLIC_URL (here the loopback default), never the request’s Host header.
    const host = new URL(server.runtime.config.siteUrl).hostname
    const before = events.find((event) => event.summary.startsWith('Feed test: before'))
    const after = events.find((event) => event.summary.startsWith('Feed test: after'))
    expect(before?.start.toISOString()).toBe(tuesdayBefore.toISOString())
    expect(after?.start.toISOString()).toBe(tuesdayAfter.toISOString())
    // Both at 19:30 local, in the zone the file defines.
    expect(before?.startLocal).toMatch(/T19:30:00$/)
    expect(after?.startLocal).toMatch(/T19:30:00$/)
    expect(before?.zone).toBe('Europe/London')
    expect(before?.uid).toBe(`${created[0]}@${host}`)
    // The member's answer, readable by people and programs.
    expect(before?.summary).toBe('Feed test: before the clocks change (Maybe)')
    expect(before?.description).toContain('Your answer: Maybe')
    expect(before?.description).toContain('Your note: late, 20 min')
    expect(before?.rsvp).toBe('MAYBE')
    expect(after?.rsvp).toBe('NEEDS-ANSWER')
    expect(after?.status).toBe('CONFIRMED')

    const cancelled = events.find((event) => event.summary.includes('called off'))
    expect(cancelled?.status).toBe('CANCELLED')
    expect(cancelled?.description).toContain('Cancelled: Hall flooded; sorry')
    // An absence answers "not going" where the member gave no answer (the roll's rule).
    expect(cancelled?.summary).toBe('Cancelled: Feed test: called off (Not going)')
    expect(cancelled?.description).toContain('Your answer: Not going (you are away)')
    expect(cancelled?.rsvp).toBe('NOT-GOING')

    // Only events the member (a clarinet) is expected at, per the roll: the band's
    // private concert and the clarinets' sectional, not the flutes'.
    expect(events.some((event) => event.summary.includes('private concert'))).toBe(true)
    expect(events.some((event) => event.summary.startsWith('Feed test: clarinets sectional'))).toBe(true)
    expect(events.some((event) => event.summary.includes('flutes sectional'))).toBe(false)
    // Every event comes from the roll window: nothing older than about 3 months.
    for (const event of events) expect(event.start.getTime()).toBeGreaterThan(Date.now() - 93 * day)

    // The same UIDs, the same text and a 304 on the second fetch.
    const again = await anonymous.get(path)
    expect(parse(again.html).events.map((event) => event.uid)).toEqual(events.map((event) => event.uid))
    const etag = again.headers.get('etag') ?? ''
    expect(etag).toBe(feed.headers.get('etag'))
    expect((await anonymous.get(path, { 'if-none-match': etag })).status).toBe(304)

    const read = await server.runtime.db.selectFrom('calendar_feeds').select('last_fetched_at').where('member_id', '=', memberId).executeTakeFirstOrThrow()
    expect(read.last_fetched_at).not.toBeNull()
  })

  it('asks before making a new link; the old address then answers 404', async () => {
    const old = await feedAddress()
    const confirm = await musician.get('/portal/calendar?step=new')
    expect(confirm.text).toContain('Make a new link?')
    // Without the confirmation step's field, nothing changes.
    expect((await musician.post('/portal/calendar', { intent: 'regenerate' })).status).toBe(400)
    expect(await feedAddress()).toBe(old)

    const database = await openServerDatabase(server)
    const lastAudit = (await database.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0
    const made = await musician.post('/portal/calendar', { intent: 'regenerate', confirmed: 'yes' })
    expect((await musician.follow(made)).toast).toBe('Your new calendar link is ready. The old one no longer works.')
    const fresh = await feedAddress()
    expect(fresh).not.toBe(old)
    expect((await auditRowsSince(database, Number(lastAudit))).map((row) => [row.action, row.entityId])).toEqual([['calendar_feed.regenerate', memberId]])
    await database.close()
    const anonymous = new BrowserSession(server.url)
    expect((await anonymous.get(old)).status).toBe(404)
    expectCalendarText(await anonymous.get(fresh))
  })

  it('turns off: the address answers 404 and the page offers a new one', async () => {
    const path = await feedAddress()
    expect((await musician.get('/portal/calendar?step=off')).text).toContain('Turn off your calendar link?')
    const database = await openServerDatabase(server)
    const lastAudit = (await database.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0
    const off = await musician.post('/portal/calendar', { intent: 'turn-off', confirmed: 'yes' })
    expect((await musician.follow(off)).toast).toContain('Your calendar link is turned off')
    expect((await auditRowsSince(database, Number(lastAudit))).map((row) => [row.action, row.entityId])).toEqual([['calendar_feed.revoke', memberId]])
    // A second "turn off" (an old tab): nothing to remove, nothing audited.
    expect((await musician.follow(await musician.post('/portal/calendar', { intent: 'turn-off', confirmed: 'yes' }))).toast).toBe('Your calendar link was already off.')
    expect(await auditRowsSince(database, Number(lastAudit))).toHaveLength(1)
    await database.close()
    const anonymous = new BrowserSession(server.url)
    const gone = await anonymous.get(path)
    expect(gone.status).toBe(404)
    expect(gone.headers.get('content-type')).toMatch(/^text\/plain/)
    expect((await musician.get('/portal/calendar')).text).toContain('Create my calendar link')
    // Made-up and malformed addresses: 404 too.
    for (const bad of ['/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics', '/calendar/short.ics', `${path.slice(0, -4)}.txt`]) {
      expect((await anonymous.get(bad)).status, bad).toBe(404)
    }
  })
})

describe('the public concerts calendar', () => {
  it('lists public concerts only, with no member data, across the change to GMT', async () => {
    const anonymous = new BrowserSession(server.url)
    const answer = await anonymous.get('/concerts.ics')
    expectCalendarText(answer)
    expect(answer.headers.get('cache-control')).toBe('public, max-age=900')
    const { events } = parse(answer.html)
    const summer = events.find((event) => event.summary === 'Feed test: concert in summer time')
    const winter = events.find((event) => event.summary === 'Cancelled: Feed test: concert in winter time')
    expect(summer?.start.toISOString()).toBe(tuesdayBefore.toISOString())
    expect(winter?.start.toISOString()).toBe(tuesdayAfter.toISOString())
    expect(summer?.status).toBe('CONFIRMED')
    expect(winter?.status).toBe('CANCELLED')
    expect(events.some((event) => event.summary.includes('private concert'))).toBe(false)
    expect(events.some((event) => event.summary.includes('Feed test: before'))).toBe(false)
    expect(answer.html).not.toMatch(/Your answer|X-BAND-RSVP/)
    const rows = await server.runtime.db.selectFrom('events').select('id').where('kind', '=', 'concert').where('is_public', '=', true).where('deleted_at', 'is', null).where('starts_at', '>=', new Date(Date.now() - 365 * day)).execute()
    expect(new Set(events.map((event) => event.uid.split('@')[0]))).toEqual(new Set(rows.map((row) => row.id)))
  })
})

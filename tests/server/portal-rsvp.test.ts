import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signRsvpToken } from '#app/modules/events/rsvp-link.server.ts'
import { redactSecrets } from '#server/app.ts'
import type { EventKind, EventStatus } from '#db/types.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// RSVP (members-and-events issue, item 6): the portal's one-tap answers, the
// event page's answer with a note, the rules that refuse an answer, the
// concurrent double submit, counts for directors and section leaders, and
// the signed one-tap links for e-mails. The events under test are made here,
// far from the demo season, so the seed's own answers and absences never meet them.

let server: TestServer
let musician: BrowserSession
let musicianId: string
let clarinetsId: string
let flutesId: string

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

beforeAll(async () => {
  // TRUST_PROXY: the rate-limit test is a client of its own (X-Forwarded-For).
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000', TRUST_PROXY: '1' } })
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
  const { db } = server.runtime
  musicianId = (await db.selectFrom('users').select('member_id').where('email', '=', 'musician@example.org').executeTakeFirstOrThrow()).member_id ?? ''
  clarinetsId = (await db.selectFrom('sections').select('id').where('slug', '=', 'clarinets').executeTakeFirstOrThrow()).id
  flutesId = (await db.selectFrom('sections').select('id').where('name', 'like', 'Flutes%').executeTakeFirstOrThrow()).id
}, 120_000)
afterAll(() => server?.stop())

let made = 0
/** An event of our own, `inDays` from now (default: far beyond the demo season, a different day each). */
async function makeEvent(options: { inMs?: number; kind?: EventKind; status?: EventStatus; sectionId?: string; rsvpDeadline?: Date; title?: string } = {}) {
  made += 1
  const startsAt = new Date(Date.now() + (options.inMs ?? (800 + made * 3) * DAY))
  const row = await server.runtime.db
    .insertInto('events')
    .values({
      kind: options.kind ?? 'rehearsal',
      title: options.title ?? `Test rehearsal ${made}`,
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 2 * HOUR),
      status: options.status ?? 'scheduled',
      section_id: options.sectionId ?? null,
      rsvp_deadline: options.rsvpDeadline ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

async function rsvpsOf(eventId: string) {
  return server.runtime.db.selectFrom('rsvps').select(['member_id', 'answer', 'note', 'answered_via']).where('event_id', '=', eventId).execute()
}

async function auditActions(entityId: string) {
  const rows = await server.runtime.db.selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', entityId).orderBy('id').execute()
  return rows.map((row) => row.action)
}

describe('the portal home', () => {
  it('lists the member’s next events with one-tap answers, and a tap saves one', async () => {
    const eventId = await makeEvent({ inMs: 2 * HOUR, title: 'Soonest test rehearsal' })
    const home = await musician.get('/portal')
    expect(home.status).toBe(200)
    expect(home.html).toMatch(/<h1[^>]*>Hello, Max<\/h1>/)
    expect(home.text).toContain('Soonest test rehearsal')
    const item = new RegExp(`href="/portal/events/${eventId}"[\\s\\S]*?</li></ul>`).exec(home.html)?.[0] ?? ''
    for (const name of ['Going', 'Not going', 'Maybe']) expect(item).toContain(`>${name}</button>`)
    expect(item).toContain('No answer yet')
    // Links on to the schedule and the dates away.
    expect(home.html).toContain('href="/portal/events"')
    expect(home.html).toContain('href="/portal/availability"')

    const saved = await musician.post('/portal?index', { eventId, answer: 'not_going' })
    expect(saved.status).toBe(302)
    expect(saved.location).toBe('/portal')
    const after = await musician.follow(saved)
    expect(after.toast).toMatch(/^You answered Not going for Soonest test rehearsal, \w+day, \d{1,2} \w+ \d{4} at \d\d:\d\d\.$/)
    expect(after.html).toMatch(/aria-pressed="true"[^>]*>Not going<\/button>/)
    expect(await rsvpsOf(eventId)).toEqual([{ member_id: musicianId, answer: 'not_going', note: null, answered_via: 'portal' }])
    expect(await auditActions(eventId)).toEqual(['rsvp.answer'])
  })

  it('lists only the events the member is expected at, six at most', async () => {
    const flutes = await makeEvent({ inMs: HOUR, kind: 'sectional', sectionId: flutesId, title: 'Flute sectional (test)' })
    const clarinets = await makeEvent({ inMs: HOUR, kind: 'sectional', sectionId: clarinetsId, title: 'Clarinet sectional (test)' })
    const home = await musician.get('/portal')
    expect(home.html).not.toContain(flutes)
    expect(home.html).toContain(clarinets)
    expect(home.html.match(/<h3[^>]*><a [^>]*href="\/portal\/events\//g)?.length).toBe(6)
  })

  it('kindly says so to an account without a member record', async () => {
    const admin = new BrowserSession(server.url)
    await admin.signIn('admin@example.org')
    const page = await admin.get('/portal')
    expect(page.status).toBe(200)
    expect(page.text).toContain('not linked to a player on the band’s roster')
    expect((await admin.post('/portal?index', { eventId: await makeEvent(), answer: 'going' })).status).toBe(403)
  })
})

describe('answering on the event page', () => {
  it('saves an answer with a note, and changes it', async () => {
    const eventId = await makeEvent()
    const saved = await musician.post(`/portal/events/${eventId}`, { answer: 'maybe', note: 'late 20 min' })
    expect(saved.location).toBe(`/portal/events/${eventId}`)
    const page = await musician.follow(saved)
    expect(page.text).toContain('Your answer: Maybe')
    expect(page.text).toContain('late 20 min')
    // A one-tap answer from /portal keeps the note; the event page's form with an empty note clears it.
    await musician.post('/portal?index', { eventId, answer: 'not_going' })
    expect(await rsvpsOf(eventId)).toEqual([{ member_id: musicianId, answer: 'not_going', note: 'late 20 min', answered_via: 'portal' }])
    await musician.post(`/portal/events/${eventId}`, { answer: 'going', note: '' })
    expect(await rsvpsOf(eventId)).toEqual([{ member_id: musicianId, answer: 'going', note: null, answered_via: 'portal' }])
  })

  it('refuses a note over 200 characters, and an answer that is not one', async () => {
    const eventId = await makeEvent()
    const long = await musician.post(`/portal/events/${eventId}`, { answer: 'going', note: 'x'.repeat(201) })
    expect(long.status).toBe(400)
    expect(long.errors).toContain('Keep the note to 200 characters or fewer.')
    expect((await musician.post(`/portal/events/${eventId}`, { answer: 'yes' })).status).toBe(400)
    expect(await rsvpsOf(eventId)).toEqual([])
  })

  it('refuses past and cancelled events, answers after the deadline, and events the member is not expected at', async () => {
    const cases = [
      { id: await makeEvent({ inMs: -3 * HOUR }), status: 400, message: 'already started or is over' },
      { id: await makeEvent({ status: 'cancelled' }), status: 400, message: 'This event is cancelled' },
      { id: await makeEvent({ rsvpDeadline: new Date(Date.now() - HOUR) }), status: 400, message: 'The RSVP deadline for this event has passed' },
      { id: await makeEvent({ kind: 'sectional', sectionId: flutesId }), status: 403, message: 'You are not on the list for this event' },
    ]
    for (const { id, status, message } of cases) {
      const answer = await musician.post(`/portal/events/${id}`, { answer: 'going' })
      expect(answer.status, message).toBe(status)
      expect(answer.text, message).toContain(message)
      const home = await musician.post('/portal?index', { eventId: id, answer: 'going' })
      expect(home.status, message).toBe(status)
      expect(await rsvpsOf(id), message).toEqual([])
    }
    // A clarinet sectional is the musician's to answer.
    const own = await makeEvent({ kind: 'sectional', sectionId: clarinetsId })
    expect((await musician.post(`/portal/events/${own}`, { answer: 'going' })).status).toBe(302)
  })

  it('never answers for another member named in a hidden field', async () => {
    const eventId = await makeEvent()
    const other = await server.runtime.db.selectFrom('members').select('id').where('id', '!=', musicianId).where('status', '=', 'active').executeTakeFirstOrThrow()
    for (const [path, form] of [
      [`/portal/events/${eventId}`, { answer: 'not_going', memberId: other.id }],
      ['/portal?index', { eventId, answer: 'not_going', memberId: other.id }],
    ] as const) {
      const answer = await musician.post(path, form)
      expect(answer.status, path).toBe(403)
      expect(answer.text, path).toContain('You can only answer for yourself.')
    }
    expect(await rsvpsOf(eventId)).toEqual([])
  })

  it('stores one answer, without an error, when the same answer is sent twice at once', async () => {
    const eventId = await makeEvent()
    const answers = await Promise.all([
      musician.post(`/portal/events/${eventId}`, { answer: 'going', note: 'twice' }),
      musician.post(`/portal/events/${eventId}`, { answer: 'going', note: 'twice' }),
      musician.post('/portal?index', { eventId, answer: 'going' }),
    ])
    expect(answers.map((answer) => answer.status)).toEqual([302, 302, 302])
    expect(await rsvpsOf(eventId)).toEqual([{ member_id: musicianId, answer: 'going', note: 'twice', answered_via: 'portal' }])
    expect(await auditActions(eventId)).toEqual(['rsvp.answer', 'rsvp.answer', 'rsvp.answer'])
  })
})

describe('answer counts', () => {
  it('shows directors every section, a section leader their own, and a musician none', async () => {
    const eventId = await makeEvent()
    await musician.post(`/portal/events/${eventId}`, { answer: 'going' })
    const director = new BrowserSession(server.url)
    await director.signIn('director@example.org')
    const page = await director.get(`/portal/events/${eventId}`)
    expect(page.text).toContain('Answers so far')
    const sections = await server.runtime.db.selectFrom('sections').select('name').execute()
    for (const section of sections) expect(page.text).toContain(section.name)
    const clarinets = /<th scope="row"[^>]*>Clarinets<\/th>((?:<td[^>]*>\d+<\/td>){4})/.exec(page.html)?.[1] ?? ''
    expect([...clarinets.matchAll(/>(\d+)</g)].map((match) => Number(match[1]))[0]).toBeGreaterThanOrEqual(1)

    const leader = new BrowserSession(server.url)
    await leader.signIn('leader@example.org')
    const led = await leader.get(`/portal/events/${eventId}`)
    expect(led.text).toContain('Answers so far')
    expect(led.html).toMatch(/<th scope="row"[^>]*>Clarinets<\/th>/)
    expect(led.html).not.toMatch(/<th scope="row"[^>]*>Percussion<\/th>/)

    expect((await musician.get(`/portal/events/${eventId}`)).text).not.toContain('Answers so far')
  })
})

describe('one-tap links', () => {
  const tokenFor = (eventId: string, answer: 'going' | 'not_going' | 'maybe', expiresAt = new Date(Date.now() + 30 * DAY)) =>
    signRsvpToken(server.runtime.sessionSecret, { memberId: musicianId, eventId, answer, expiresAt })

  it('asks on GET (changing nothing) and answers on POST, without signing in', async () => {
    const eventId = await makeEvent({ title: 'Linked rehearsal' })
    const visitor = new BrowserSession(server.url)
    const token = tokenFor(eventId, 'going')
    for (let i = 0; i < 2; i++) {
      const ask = await visitor.get(`/rsvp/${token}`)
      expect(ask.status).toBe(200)
      expect(ask.text).toMatch(/Answer Going for Linked rehearsal, \w+day, \d{1,2} \w+ \d{4} at \d\d:\d\d\?/)
      expect(ask.headers.get('cache-control')).toBe('no-store')
    }
    expect(await rsvpsOf(eventId)).toEqual([])
    const saved = await visitor.post(`/rsvp/${token}`, {})
    expect(saved.status).toBe(200)
    expect(saved.text).toContain('Your answer is saved: Going for Linked rehearsal')
    expect(await rsvpsOf(eventId)).toEqual([{ member_id: musicianId, answer: 'going', note: null, answered_via: 'link' }])
    expect(await auditActions(eventId)).toEqual(['rsvp.answer'])
    // Audited as the member's own account, with how the answer came.
    const audit = await server.runtime.db.selectFrom('audit_log').select(['actor_id', 'actor_name', 'changes']).where('entity_id', '=', eventId).executeTakeFirstOrThrow()
    const userId = (await server.runtime.db.selectFrom('users').select('id').where('member_id', '=', musicianId).executeTakeFirstOrThrow()).id
    expect(audit.actor_id).toBe(userId)
    expect(audit.actor_name).toBe('Max (e-mail link)')
    expect(JSON.stringify(audit.changes)).toContain('link')
  })

  it('refuses a tampered link (400) and one that has run out (410), with a way to sign in', async () => {
    const eventId = await makeEvent()
    const token = tokenFor(eventId, 'going')
    const [member, event, , expiry, signature] = token.split('.')
    const tampered = [member, event, 'n', expiry, signature].join('.')
    const cancelled = await makeEvent({ status: 'cancelled' })
    const past = await makeEvent({ inMs: -3 * HOUR })
    const visitor = new BrowserSession(server.url)
    for (const [label, path, status] of [
      ['tampered', `/rsvp/${tampered}`, 400],
      ['garbage', `/rsvp/${randomUUID()}`, 400],
      ['expired', `/rsvp/${tokenFor(eventId, 'going', new Date(Date.now() - 1000))}`, 410],
      ['cancelled', `/rsvp/${tokenFor(cancelled, 'going')}`, 410],
      ['past', `/rsvp/${tokenFor(past, 'going')}`, 410],
    ] as const) {
      const ask = await visitor.get(path)
      expect(ask.status, label).toBe(status)
      expect(ask.text, label).toContain('This link does not work')
      expect(ask.html, label).toContain('href="/login"')
      expect((await visitor.post(path, {})).status, label).toBe(status)
    }
    expect(await rsvpsOf(eventId)).toEqual([])
    expect(await rsvpsOf(cancelled)).toEqual([])
  })

  it('keeps the token out of the request log', () => {
    const token = tokenFor('a1b2c3d4-e5f6-4789-8abc-def012345678', 'going')
    expect(redactSecrets(`/rsvp/${token}`)).toBe('/rsvp/[redacted]')
    expect(redactSecrets(`/rsvp/${token}?x=1`)).toBe('/rsvp/[redacted]?x=1')
    expect(redactSecrets('/invite/abc')).toBe('/invite/[redacted]')
  })

  it('limits how often one address may post links (429 with Retry-After), and asking still works', async () => {
    const eventId = await makeEvent()
    const guesser = new BrowserSession(server.url, { ip: '203.0.113.77' })
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await guesser.post(`/rsvp/${randomUUID()}`, {})).status)
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(400))
    const limited = await guesser.post(`/rsvp/${tokenFor(eventId, 'maybe')}`, {})
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.text).toContain('Too many attempts')
    expect(await rsvpsOf(eventId)).toEqual([])
    // Someone else, elsewhere, is not held up.
    const member = new BrowserSession(server.url, { ip: '198.51.100.5' })
    expect((await member.post(`/rsvp/${tokenFor(eventId, 'maybe')}`, {})).status).toBe(200)
  })
})

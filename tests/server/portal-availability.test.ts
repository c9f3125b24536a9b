import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Availability (members-and-events issue, item 7): a member's dates away,
// checked per field, listed with the events they cover, removable after a
// confirmation; a range answers "not going" for the events in it that the
// member has not answered, and the portal's pages mark them "Away".

let server: TestServer
let musician: BrowserSession
let musicianId: string
let timeZone: string

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
  const { db } = server.runtime
  musicianId = (await db.selectFrom('users').select('member_id').where('email', '=', 'musician@example.org').executeTakeFirstOrThrow()).member_id ?? ''
  const zone = await db.selectFrom('settings').select('value').where('key', '=', 'band.timezone').executeTakeFirst()
  timeZone = typeof zone?.value === 'string' ? zone.value : 'UTC'
}, 120_000)
afterAll(() => server?.stop())

/** 'YYYY-MM-DD' of an instant in the band's zone. */
const dayOf = (date: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date)

async function makeEvent(startsAt: Date, title: string) {
  const row = await server.runtime.db
    .insertInto('events')
    .values({ kind: 'rehearsal', title, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 2 * HOUR) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

const absencesOf = (memberId: string) =>
  server.runtime.db.selectFrom('absences').select(['id', 'starts_on', 'ends_on', 'reason']).where('member_id', '=', memberId).orderBy('starts_on').execute()

describe('entering dates away', () => {
  it('says what is wrong with each field, and saves nothing', async () => {
    const before = await absencesOf(musicianId)
    const cases: [Record<string, string>, string, string][] = [
      [{ startsOn: '', endsOn: '2031-03-03' }, 'startsOn', 'Enter the first day you are away.'],
      [{ startsOn: '2031-03-03', endsOn: '' }, 'endsOn', 'Enter the last day you are away (the same day for one day).'],
      [{ startsOn: '2031-02-30', endsOn: '2031-03-03' }, 'startsOn', 'That date does not exist. Check the day and month.'],
      [{ startsOn: '2031-03-17', endsOn: '2031-03-03' }, 'endsOn', 'The last day is before the first day. Check the dates.'],
      [{ startsOn: '2031-03-03', endsOn: '2034-03-03' }, 'endsOn', 'a range of 3 years'],
      [{ startsOn: '2031-03-03', endsOn: '2031-03-04', reason: 'x'.repeat(201) }, 'reason', 'Keep the reason to 200 characters or fewer.'],
    ]
    for (const [form, field, message] of cases) {
      const page = await musician.post('/portal/availability', { intent: 'add', ...form })
      expect(page.status, message).toBe(400)
      expect(page.errors.join(' '), message).toContain(message)
      expect(page.html, message).toMatch(new RegExp(`id="absence-form-${field}-error"`))
    }
    expect(await absencesOf(musicianId)).toEqual(before)
  })

  it('marks the events in a range Away everywhere, unless the member answered them', async () => {
    const first = new Date(Date.now() + 900 * DAY)
    const inside = await makeEvent(first, 'Away rehearsal one')
    const answered = await makeEvent(new Date(first.getTime() + 7 * DAY), 'Away rehearsal two')
    const outside = await makeEvent(new Date(first.getTime() + 21 * DAY), 'After the holiday')
    await musician.post(`/portal/events/${answered}`, { answer: 'going' })

    const saved = await musician.post('/portal/availability', {
      intent: 'add',
      startsOn: dayOf(new Date(first.getTime() - DAY)),
      endsOn: dayOf(new Date(first.getTime() + 8 * DAY)),
      reason: 'Holiday',
    })
    expect(saved.location).toBe('/portal/availability')
    const page = await musician.follow(saved)
    expect(page.toast).toContain('Your dates away are saved')
    expect(page.text).toContain('Holiday')
    expect(page.text).toMatch(/Away rehearsal one .*? — Away/)
    expect(page.text).toMatch(/Away rehearsal two .*? — You answered Going/)
    expect(page.text).not.toContain('After the holiday')
    const [absence] = (await absencesOf(musicianId)).filter((row) => row.reason === 'Holiday')
    expect(absence).toBeDefined()
    const audit = await server.runtime.db.selectFrom('audit_log').select('action').where('entity_id', '=', absence?.id ?? '').execute()
    expect(audit.map((row) => row.action)).toEqual(['absence.add'])
    // No answer is written for the range: it only counts as "not going".
    expect(await server.runtime.db.selectFrom('rsvps').select('answer').where('event_id', '=', inside).execute()).toEqual([])

    expect((await musician.get(`/portal/events/${inside}`)).text).toContain('Away (not going)')
    expect((await musician.get(`/portal/events/${answered}`)).text).toContain('Your answer: Going')
    expect((await musician.get(`/portal/events/${outside}`)).text).toContain('No answer yet')
    // The schedule, paged to start at these events.
    const cursor = new URLSearchParams({ afterAt: new Date(first.getTime() - 1000).toISOString(), afterId: '00000000-0000-4000-8000-000000000000' })
    const schedule = await musician.get(`/portal/events?${cursor}`)
    expect(schedule.text).toMatch(/Away rehearsal one rehearsal Away \(not going\)/)
    expect(schedule.text).toMatch(/Away rehearsal two rehearsal Your answer: Going/)
    expect(schedule.text).toMatch(/After the holiday rehearsal No answer yet/)

    // The director's counts take the absence as "not going".
    const director = new BrowserSession(server.url)
    await director.signIn('director@example.org')
    const counts = await director.get(`/portal/events/${inside}`)
    const clarinets = /<th scope="row"[^>]*>Clarinets<\/th>((?:<td[^>]*>\d+<\/td>){4})/.exec(counts.html)?.[1] ?? ''
    expect(Number([...clarinets.matchAll(/>(\d+)</g)][1]?.[1])).toBeGreaterThanOrEqual(1)
  })

  it('marks the next events on the portal home Away', async () => {
    const soon = await makeEvent(new Date(Date.now() + 3 * HOUR), 'Tonight’s extra rehearsal')
    await musician.post('/portal/availability', { intent: 'add', startsOn: dayOf(new Date()), endsOn: dayOf(new Date(Date.now() + 2 * DAY)) })
    const home = await musician.get('/portal')
    const item = new RegExp(`href="/portal/events/${soon}"[\\s\\S]*?</li></ul>`).exec(home.html)?.[0] ?? ''
    expect(item).toContain('Away (not going)')
    // Still answerable: a member who can come after all says so.
    expect(item).toContain('>Going</button>')
  })
})

describe('removing dates away', () => {
  it('asks first (a GET changes nothing), then removes, and the events lose their Away', async () => {
    const startsAt = new Date(Date.now() + 1000 * DAY)
    const eventId = await makeEvent(startsAt, 'Removable rehearsal')
    await musician.post('/portal/availability', { intent: 'add', startsOn: dayOf(startsAt), endsOn: dayOf(startsAt), reason: 'Wedding' })
    const absence = (await absencesOf(musicianId)).find((row) => row.reason === 'Wedding')
    const id = absence?.id ?? ''

    const ask = await musician.get(`/portal/availability?remove=${id}`)
    expect(ask.status).toBe(200)
    expect(ask.html).toContain('Yes, remove these dates')
    expect((await absencesOf(musicianId)).some((row) => row.id === id)).toBe(true)

    const removed = await musician.post('/portal/availability', { intent: 'remove', absenceId: id })
    expect(removed.location).toBe('/portal/availability')
    expect((await musician.follow(removed)).toast).toContain('The absence is removed')
    expect((await absencesOf(musicianId)).some((row) => row.id === id)).toBe(false)
    expect((await musician.get(`/portal/events/${eventId}`)).text).toContain('No answer yet')
    const audit = await server.runtime.db.selectFrom('audit_log').select('action').where('entity_id', '=', id).orderBy('id').execute()
    expect(audit.map((row) => row.action)).toEqual(['absence.add', 'absence.remove'])
  })

  it('never shows or removes another member’s absence', async () => {
    const other = await server.runtime.db.selectFrom('members').select('id').where('id', '!=', musicianId).executeTakeFirstOrThrow()
    const { id } = await server.runtime.db
      .insertInto('absences')
      .values({ member_id: other.id, starts_on: '2031-05-01', ends_on: '2031-05-02', reason: 'Someone else’s' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const ask = await musician.get(`/portal/availability?remove=${id}`)
    expect(ask.html).not.toContain('Yes, remove these dates')
    expect(ask.text).not.toContain('Someone else’s')
    const removed = await musician.post('/portal/availability', { intent: 'remove', absenceId: id })
    expect(removed.status).toBe(404)
    expect(removed.text).toContain('That absence is not one of yours')
    expect((await absencesOf(other.id)).map((row) => row.id)).toContain(id)
  })
})

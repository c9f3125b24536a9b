import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '#db/client.server.ts'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { auditRowsSince, openServerDatabase } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Coverage and attendance over HTTP with the demo band (members-and-events
// issue, items 8 and 9): what directors and section leaders get, what they are
// refused, and that a refused form saves nothing. Needs `npm run build`.

let server: TestServer
let database: DatabaseHandle
const browsers: Record<'musician' | 'leader' | 'director', BrowserSession> = {} as never
let clarinets: string
let flutes: string

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  database = await openServerDatabase(server)
  for (const role of ['musician', 'leader', 'director'] as const) {
    browsers[role] = new BrowserSession(server.url)
    await browsers[role].signIn(`${role}@example.org`)
  }
  const sections = await database.db.selectFrom('sections').select(['id', 'name']).execute()
  clarinets = sections.find((section) => section.name === 'Clarinets')?.id ?? ''
  flutes = sections.find((section) => section.name.startsWith('Flutes'))?.id ?? ''
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
})

/** A past rehearsal of the whole band (not the one before `skip`), its attendance cleared. */
async function pastRehearsal(skip = 0) {
  const event = await database.db
    .selectFrom('events')
    .select(['id', 'title'])
    .where('kind', '=', 'rehearsal')
    .where('status', '=', 'scheduled')
    .where('section_id', 'is', null)
    .where('starts_at', '<', new Date(Date.now() - 24 * 60 * 60 * 1000))
    .orderBy('starts_at', 'desc')
    .offset(skip)
    .executeTakeFirstOrThrow()
  await database.db.deleteFrom('attendance').where('event_id', '=', event.id).execute()
  return event
}

async function memberIdOf(email: string) {
  const user = await database.db.selectFrom('users').select('member_id').where('email', '=', email).executeTakeFirstOrThrow()
  return user.member_id ?? ''
}

/** Active members whose primary instrument is in the section. */
async function membersOf(sectionId: string) {
  const rows = await database.db
    .selectFrom('members')
    .innerJoin('member_instruments', 'member_instruments.member_id', 'members.id')
    .innerJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .select(['members.id', 'members.last_name'])
    .where('member_instruments.is_primary', '=', true)
    .where('instruments.section_id', '=', sectionId)
    .where('members.status', '=', 'active')
    .where('members.kind', '=', 'member')
    .execute()
  return rows
}

const attendanceOf = (eventId: string) => database.db.selectFrom('attendance').select(['member_id', 'status', 'marked_by']).where('event_id', '=', eventId).execute()

describe('coverage', () => {
  it('shows a director the grid of a concert, with "Oboe: nobody" when no oboist is going', async () => {
    const { db } = database
    const concert = await db
      .selectFrom('events')
      .innerJoin('set_list_items', 'set_list_items.event_id', 'events.id')
      .innerJoin('parts', 'parts.piece_id', 'set_list_items.piece_id')
      .select(['events.id', 'events.title'])
      .where('events.kind', '=', 'concert')
      .where('events.status', '=', 'scheduled')
      .where('events.starts_at', '>', new Date())
      .where('parts.label', '=', 'Oboe')
      .orderBy('events.starts_at')
      .executeTakeFirstOrThrow()
    const oboists = await db
      .selectFrom('member_instruments')
      .innerJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
      .select('member_instruments.member_id')
      .where('instruments.name', '=', 'Oboe')
      .execute()
    for (const { member_id } of oboists) {
      await db
        .insertInto('rsvps')
        .values({ event_id: concert.id, member_id, answer: 'not_going' })
        .onConflict((conflict) => conflict.columns(['event_id', 'member_id']).doUpdateSet({ answer: 'not_going' }))
        .execute()
    }
    const page = await browsers.director.get(`/portal/events/${concert.id}/coverage`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(concert.title)
    expect(page.text).toContain('Oboe: nobody')
    expect(page.html).toMatch(/<th scope="col"[^>]*>Part<\/th>/)
    expect(page.text).toMatch(/Clarinets · \d+ going · \d+ not going · \d+ maybe · \d+ no answer/)

    const overview = await browsers.director.get('/portal/coverage')
    expect(overview.status).toBe(200)
    expect(overview.html).toContain(`/portal/events/${concert.id}/coverage`)
    expect(overview.text).toMatch(/\d+ of \d+ parts uncovered/)
    // The menu offers it to directors only.
    expect(overview.html).toContain('href="/portal/coverage"')
    expect((await browsers.leader.get('/portal')).html).not.toContain('href="/portal/coverage"')
  })

  it('is refused to section leaders and musicians', async () => {
    const concert = await database.db.selectFrom('events').select('id').where('kind', '=', 'concert').executeTakeFirstOrThrow()
    for (const role of ['leader', 'musician'] as const) {
      expect((await browsers[role].get(`/portal/events/${concert.id}/coverage`)).status, role).toBe(403)
      expect((await browsers[role].get('/portal/coverage')).status, role).toBe(403)
    }
  })
})

describe('taking attendance', () => {
  it('gives a leader their section, pre-filled from the RSVPs, and saves it audited', async () => {
    const rehearsal = await pastRehearsal()
    const musician = await memberIdOf('musician@example.org')
    await database.db
      .insertInto('rsvps')
      .values({ event_id: rehearsal.id, member_id: musician, answer: 'going' })
      .onConflict((conflict) => conflict.columns(['event_id', 'member_id']).doUpdateSet({ answer: 'going' }))
      .execute()
    const url = `/portal/events/${rehearsal.id}/attendance`
    const page = await browsers.leader.get(url)
    expect(page.status).toBe(200)
    expect(page.html).toMatch(new RegExp(`name="marks\\.${musician}" checked="" value="present"`))
    const clarinetists = await membersOf(clarinets)
    const flautists = await membersOf(flutes)
    for (const member of clarinetists) expect(page.html).toContain(`name="marks.${member.id}"`)
    for (const member of flautists) expect(page.html).not.toContain(`name="marks.${member.id}"`)

    const lastAudit = (await auditRowsSince(database)).at(-1)?.id ?? 0
    const form = Object.fromEntries(clarinetists.map((member, index) => [`marks.${member.id}`, index === 0 ? 'late' : 'present']))
    const saved = await browsers.leader.post(url, form)
    expect(saved.status).toBe(302)
    expect(saved.location).toBe(url)
    expect((await browsers.leader.follow(saved)).toast).toMatch(/^Attendance saved for \d+ members: \d+ present, 1 late, 0 excused, 0 absent\.$/)
    const rows = await attendanceOf(rehearsal.id)
    expect(rows).toHaveLength(clarinetists.length)
    const leaderUser = await database.db.selectFrom('users').select('id').where('email', '=', 'leader@example.org').executeTakeFirstOrThrow()
    for (const row of rows) expect(row.marked_by).toBe(leaderUser.id)
    const audit = (await auditRowsSince(database, lastAudit)).filter((row) => row.action === 'attendance.mark')
    expect(audit).toHaveLength(1)
    expect(audit[0]?.entityId).toBe(rehearsal.id)
    expect(audit[0]?.changes).toContain('"late":1')
  })

  it('refuses a leader the Flutes (403), and a form with a flautist in it saves nothing', async () => {
    const rehearsal = await pastRehearsal(1)
    const url = `/portal/events/${rehearsal.id}/attendance`
    expect((await browsers.leader.get(`${url}?section=${flutes}`)).status).toBe(403)
    const [clarinetist] = await membersOf(clarinets)
    const [flautist] = await membersOf(flutes)
    const refused = await browsers.leader.post(url, { [`marks.${clarinetist?.id}`]: 'present', [`marks.${flautist?.id}`]: 'present' })
    expect(refused.status).toBe(403)
    expect(refused.errors.join(' ')).toContain('only for your own section')
    expect((await browsers.leader.post(`${url}?section=${flutes}`, { [`marks.${flautist?.id}`]: 'present' })).status).toBe(403)
    expect(await attendanceOf(rehearsal.id)).toEqual([])
  })

  it('lets a director mark anyone, refuses events to come, and is closed to musicians', async () => {
    const rehearsal = await pastRehearsal(2)
    const [flautist] = await membersOf(flutes)
    const url = `/portal/events/${rehearsal.id}/attendance`
    const everyone = await browsers.director.get(url)
    expect(everyone.status).toBe(200)
    expect(everyone.html).toContain(`name="marks.${flautist?.id}"`)
    expect((await browsers.director.post(url, { [`marks.${flautist?.id}`]: 'excused' })).status).toBe(302)
    expect(await attendanceOf(rehearsal.id)).toMatchObject([{ member_id: flautist?.id, status: 'excused' }])

    const next = await database.db.selectFrom('events').select('id').where('starts_at', '>', new Date(Date.now() + 2 * 24 * 60 * 60 * 1000)).orderBy('starts_at').executeTakeFirstOrThrow()
    const future = await browsers.director.get(`/portal/events/${next.id}/attendance`)
    expect(future.status).toBe(200)
    expect(future.text).toContain('This event has not happened yet')
    expect(future.html).not.toContain('name="marks.')
    const posted = await browsers.director.post(`/portal/events/${next.id}/attendance`, { [`marks.${flautist?.id}`]: 'present' })
    expect(posted.status).toBe(400)
    expect(await attendanceOf(next.id)).toEqual([])

    expect((await browsers.musician.get(url)).status).toBe(403)
    expect((await browsers.musician.post(url, { [`marks.${flautist?.id}`]: 'absent' })).status).toBe(403)
    expect(await attendanceOf(rehearsal.id)).toMatchObject([{ status: 'excused' }])
  })
})

describe('attendance history', () => {
  it('gives rates over a range, a member’s marks, and a CSV that defuses formulas', async () => {
    const rehearsal = await pastRehearsal(3)
    await database.db.updateTable('events').set({ title: '=cmd|" /C calc"!A0' }).where('id', '=', rehearsal.id).execute()
    const clarinetists = await membersOf(clarinets)
    const form = Object.fromEntries(clarinetists.map((member) => [`marks.${member.id}`, 'present']))
    expect((await browsers.leader.post(`/portal/events/${rehearsal.id}/attendance`, form)).status).toBe(302)

    const history = await browsers.leader.get('/portal/attendance')
    expect(history.status).toBe(200)
    expect(history.text).toContain('By section')
    expect(history.text).toContain('Clarinets')
    expect(history.text).not.toContain('Flutes')
    expect((await browsers.leader.get(`/portal/attendance?section=${flutes}`)).status).toBe(403)

    const bad = await browsers.leader.get('/portal/attendance?from=2026-05-01&to=2026-04-01')
    expect(bad.status).toBe(400)
    expect(bad.errors).toContain('The last date is before the first: swap them or pick another')
    const long = await browsers.director.get('/portal/attendance?from=2020-01-01&to=2026-01-01')
    expect(long.errors).toContain('Choose a range of two years or less')

    const first = clarinetists[0]
    const memberPage = await browsers.leader.get(`/portal/attendance/members/${first?.id}`)
    expect(memberPage.status).toBe(200)
    expect(memberPage.text).toContain('Present')
    const [flautist] = await membersOf(flutes)
    expect((await browsers.leader.get(`/portal/attendance/members/${flautist?.id}`)).status).toBe(403)
    expect((await browsers.director.get(`/portal/attendance/members/${flautist?.id}`)).status).toBe(200)

    const csv = await browsers.director.get('/portal/attendance/export.csv')
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = csv.html.trim().split('\r\n')
    expect(lines[0]).toBe('"Date","Event","Kind","Member","Section","Mark","Marked by"')
    expect(csv.html).toContain(`"'=cmd|"" /C calc""!A0","rehearsal"`)
    expect(csv.html).not.toMatch(/(^|,)"=/m)
    expect((await browsers.musician.get('/portal/attendance/export.csv')).status).toBe(403)
    expect((await browsers.director.get('/portal/attendance/export.csv?from=2026-13-01')).status).toBe(400)
    // Reset the title for other tests of this server.
    await database.db.updateTable('events').set({ title: sql<string>`${rehearsal.title}` }).where('id', '=', rehearsal.id).execute()
  })
})

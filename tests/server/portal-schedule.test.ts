import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession, type Page } from '#tests/setup/browser-session.ts'
import { type AuditRowSummary, auditRowsSince, openServerDatabase } from '#tests/setup/server-database.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'
import type { DatabaseHandle } from '#db/client.server.ts'

// Directors' side of the schedule (members-and-events issue, items 4 and 5)
// through the whole server, as a browser without JavaScript sends the forms:
// events made, refused field by field, changed, cancelled and restored;
// venues; a series; set lists; and a musician refused all of it.

let server: TestServer
let database: DatabaseHandle
let director: BrowserSession
let librarian: BrowserSession
let musician: BrowserSession
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  database = await openServerDatabase(server)
  director = new BrowserSession(server.url)
  await director.signIn('director@example.org')
  librarian = new BrowserSession(server.url)
  await librarian.signIn('librarian@example.org')
  musician = new BrowserSession(server.url)
  await musician.signIn('musician@example.org')
}, 120_000)
afterAll(async () => {
  await database?.close()
  await server?.stop()
})

const lastAuditId = async () => (await database.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0
const actions = (rows: AuditRowSummary[]) => rows.map((row) => row.action)

/** A redirect that worked, and the page it leads to. */
async function followed(browser: BrowserSession, answer: Page): Promise<Page> {
  expect(answer.status, answer.errors.join(' | ')).toBe(302)
  return browser.follow(answer)
}

const concert = {
  kind: 'concert',
  title: 'Harbour Festival',
  date: '2027-06-12',
  callTime: '18:30',
  startTime: '19:30',
  endTime: '21:30',
  dress: 'Concert blacks',
  description: 'On the big stage by the harbour.',
  isPublic: 'on',
  rsvpDeadlineDate: '2027-06-01',
  rsvpDeadlineTime: '12:00',
}

describe('scheduling one event', () => {
  it('refuses bad input with a message beside each field, and saves nothing', async () => {
    const before = await database.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow()
    const cases: [Record<string, string>, string][] = [
      [{ date: '2027-02-30' }, 'Enter a real date, like 2026-10-27'],
      [{ endTime: '19:00' }, 'The end must be after the start (on the same day)'],
      [{ callTime: '19:45' }, 'The call time must be at or before the start'],
      [{ rsvpDeadlineDate: '2027-06-13' }, 'The RSVP deadline must be before the event starts'],
      [{ date: '2027-03-28', callTime: '', startTime: '01:15', endTime: '03:00', rsvpDeadlineDate: '' , rsvpDeadlineTime: '' }, '01:15 on Sunday 28 March 2027 does not exist in the band’s time zone: the clocks go forward that night. Choose another time.'],
      [{ title: '' }, 'Enter a title'],
      [{ kind: 'sectional' }, 'Choose the section this sectional is for'],
      [{ venueId: '00000000-0000-4000-8000-000000000000' }, 'That venue no longer exists: choose another'],
    ]
    for (const [change, message] of cases) {
      const answer = await director.post('/portal/events/new', { ...concert, ...change })
      expect(answer.status, message).toBe(400)
      expect(answer.errors, message).toContain(message)
    }
    const after = await database.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow()
    expect(after.count).toBe(before.count)
  })

  it('saves an event in UTC from the band’s wall-clock times, and audits it', async () => {
    const since = await lastAuditId()
    const venue = await database.db.selectFrom('venues').select('id').where('name', '=', 'Riverside Town Hall').executeTakeFirstOrThrow()
    const page = await followed(director, await director.post('/portal/events/new', { ...concert, venueId: venue.id }))
    expect(page.toast).toBe('Harbour Festival is on the schedule.')
    const eventId = /\/portal\/events\/([0-9a-f-]{36})$/.exec(page.url)?.[1] ?? ''
    const row = await database.db.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow()
    // June in London is summer time: 19:30 local is 18:30Z.
    expect(row.starts_at.toISOString()).toBe('2027-06-12T18:30:00.000Z')
    expect(row.call_time?.toISOString()).toBe('2027-06-12T17:30:00.000Z')
    expect(row.rsvp_deadline?.toISOString()).toBe('2027-06-01T11:00:00.000Z')
    expect(row).toMatchObject({ is_public: true, slug: 'harbour-festival-2027', venue_id: venue.id, status: 'scheduled' })
    expect(page.text).toContain('Harbour Festival')
    expect(page.text).toContain('Manage')
    expect(actions(await auditRowsSince(database, since))).toEqual(['event.create'])

    // The edit form starts from what is stored, in local time.
    const edit = await director.get(`/portal/events/${eventId}/edit`)
    expect(edit.status).toBe(200)
    expect(edit.html).toMatch(/name="startTime"[^>]*value="19:30"|value="19:30"[^>]*name="startTime"/)
    const saved = await followed(director, await director.post(`/portal/events/${eventId}/edit`, { ...concert, venueId: venue.id, startTime: '20:00', endTime: '22:00' }))
    expect(saved.toast).toBe('Your changes are saved.')
    expect((await database.db.selectFrom('events').select('starts_at').where('id', '=', eventId).executeTakeFirstOrThrow()).starts_at.toISOString()).toBe('2027-06-12T19:00:00.000Z')
    const refused = await director.post(`/portal/events/${eventId}/edit`, { ...concert, endTime: '18:00' })
    expect(refused.status).toBe(400)
    expect(refused.errors).toContain('The end must be after the start (on the same day)')

    // Cancelling asks for a reason; members see it on the event and in the schedule.
    expect((await director.get(`/portal/events/${eventId}/cancel`)).text).toContain('Cancel this event?')
    const noReason = await director.post(`/portal/events/${eventId}/cancel`, { intent: 'cancel', reason: ' ' })
    expect(noReason.status).toBe(400)
    expect(noReason.errors).toContain('Say why it is cancelled: members will see it')
    await followed(director, await director.post(`/portal/events/${eventId}/cancel`, { intent: 'cancel', reason: 'The stage is flooded' }))
    const seen = await musician.get(`/portal/events/${eventId}`)
    expect(seen.text).toContain('Cancelled: The stage is flooded')
    expect(seen.text).not.toContain('Manage')
    const list = await musician.get('/portal/events?when=upcoming&kind=concert')
    expect(list.text).toContain('Cancelled: The stage is flooded')
    const again = await director.post(`/portal/events/${eventId}/cancel`, { intent: 'cancel', reason: 'Twice' })
    expect(again.status).toBe(409)
    await followed(director, await director.post(`/portal/events/${eventId}/cancel`, { intent: 'restore' }))
    expect(await database.db.selectFrom('events').select(['status', 'cancel_reason']).where('id', '=', eventId).executeTakeFirstOrThrow()).toEqual({ status: 'scheduled', cancel_reason: null })
    expect(actions(await auditRowsSince(database, since))).toEqual(['event.create', 'event.update', 'event.cancel', 'event.restore'])
  })

  it('is a 404 for an event that does not exist', async () => {
    for (const path of ['/portal/events/00000000-0000-4000-8000-000000000000/edit', '/portal/events/not-an-id/cancel', '/portal/events/00000000-0000-4000-8000-000000000000/set-list']) {
      expect((await director.get(path)).status, path).toBe(404)
    }
  })
})

describe('venues', () => {
  it('checks the map link, and will not delete a venue still in use', async () => {
    const since = await lastAuditId()
    const bad = await director.post('/portal/venues/new', { intent: 'save', name: 'Quay Hall', mapUrl: 'javascript:alert(1)' })
    expect(bad.status).toBe(400)
    expect(bad.errors).toContain('Enter a web address starting with https://')
    const made = await followed(director, await director.post('/portal/venues/new', { intent: 'save', name: 'Quay Hall', city: 'Riverside', mapUrl: 'https://www.openstreetmap.org/?mlat=51.5&mlon=-0.1' }))
    expect(made.toast).toBe('Quay Hall is added. Choose it on an event’s form.')
    expect(made.text).toContain('Quay Hall')

    const hall = await database.db.selectFrom('venues').select('id').where('name', '=', "St Mark's Church Hall").executeTakeFirstOrThrow()
    const unticked = await director.post(`/portal/venues/${hall.id}`, { intent: 'delete' })
    expect(unticked.status).toBe(400)
    const inUse = await director.post(`/portal/venues/${hall.id}`, { intent: 'delete', confirm: 'on' })
    expect(inUse.status).toBe(409)
    expect(inUse.errors.join(' ')).toMatch(/St Mark's Church Hall is still the venue of \d+ events and 1 series\. Move them to another venue first\./)

    const quay = await database.db.selectFrom('venues').select('id').where('name', '=', 'Quay Hall').executeTakeFirstOrThrow()
    const badEdit = await director.post(`/portal/venues/${quay.id}`, { intent: 'save', name: '' })
    expect(badEdit.errors).toContain('Enter the name of the venue')
    await followed(director, await director.post(`/portal/venues/${quay.id}`, { intent: 'save', name: 'Quay Hall', postcode: 'RS3 9QQ' }))
    expect((await director.get(`/portal/venues/${quay.id}`)).html).toContain('value="RS3 9QQ"')
    const gone = await followed(director, await director.post(`/portal/venues/${quay.id}`, { intent: 'delete', confirm: 'on' }))
    expect(gone.toast).toBe('The venue is deleted.')
    expect(gone.text).not.toContain('Quay Hall')
    expect((await director.get(`/portal/venues/${quay.id}`)).status).toBe(404)
    expect(actions(await auditRowsSince(database, since))).toEqual(['venue.create', 'venue.update', 'venue.delete'])
  })
})

describe('a weekly series', () => {
  it('the demo band’s Tuesday rehearsals are one, with the Christmas break skipped, reached from each date', async () => {
    const rehearsal = await database.db
      .selectFrom('events')
      .select(['id', 'series_id'])
      .where('kind', '=', 'rehearsal')
      .where('series_id', 'is not', null)
      .where('starts_at', '>', new Date())
      .orderBy('starts_at')
      .executeTakeFirstOrThrow()
    const eventPage = await director.get(`/portal/events/${rehearsal.id}`)
    expect(eventPage.html).toContain(`href="/portal/events/series/${rehearsal.series_id}"`)
    const seriesPage = await director.get(`/portal/events/series/${rehearsal.series_id}`)
    expect(seriesPage.status).toBe(200)
    expect(seriesPage.text).toContain('Every Tuesday')
    expect(seriesPage.html).toContain(`href="/portal/events/${rehearsal.id}"`)
    const skipped = await database.db.selectFrom('event_series_exceptions').select('on_date').where('series_id', '=', rehearsal.series_id).execute()
    expect(skipped.length).toBeGreaterThan(0)
    expect(seriesPage.text).toContain('Put back on')
  })

  it('is made in one go, one event per week, and lists its dates', async () => {
    const form = { kind: 'sectional', title: 'Clarinet sectional', weekday: '4', startTime: '18:30', endTime: '19:30', startsOn: '2027-01-07', endsOn: '2027-02-04', skipDates: '2027-01-21' }
    const noSection = await director.post('/portal/events/series/new', form)
    expect(noSection.status).toBe(400)
    expect(noSection.errors).toContain('Choose the section these sectionals are for')
    const tooLong = await director.post('/portal/events/series/new', { ...form, endsOn: '2028-03-01' })
    expect(tooLong.errors).toContain('A series can run for at most 400 days; make a second series for the rest')

    const clarinets = await database.db.selectFrom('sections').select('id').where('name', '=', 'Clarinets').executeTakeFirstOrThrow()
    const page = await followed(director, await director.post('/portal/events/series/new', { ...form, sectionId: clarinets.id }))
    expect(page.toast).toBe('The series is on the schedule: 4 dates.')
    expect(page.text).toMatch(/Every Thursday ?, 18:30 ?– ?19:30/)
    expect(page.text).toContain('Thursday 21 January 2027')
    const seriesId = /series\/([0-9a-f-]{36})$/.exec(page.url)?.[1] ?? ''
    const dates = await database.db.selectFrom('events').select(['series_date', 'section_id']).where('series_id', '=', seriesId).orderBy('series_date').execute()
    expect(dates).toEqual(['2027-01-07', '2027-01-14', '2027-01-28', '2027-02-04'].map((day) => ({ series_date: day, section_id: clarinets.id })))
    expect((await musician.get(`/portal/events/series/${seriesId}`)).status).toBe(403)

    // Changed on its page: a new time for every date, one more date skipped and put back.
    const since = await lastAuditId()
    const edited = await followed(director, await director.post(`/portal/events/series/${seriesId}`, { ...form, intent: 'update', sectionId: clarinets.id, startTime: '18:00', endTime: '19:00' }))
    expect(edited.toast).toBe('Series saved: 4 future dates updated. Past dates and dates changed by hand are as they were.')
    const firstDate = await database.db.selectFrom('events').select('starts_at').where('series_id', '=', seriesId).where('series_date', '=', '2027-01-07').executeTakeFirstOrThrow()
    expect(firstDate.starts_at.toISOString()).toBe('2027-01-07T18:00:00.000Z')
    const wrongDay = await director.post(`/portal/events/series/${seriesId}`, { intent: 'add-exception', onDate: '2027-01-13' })
    expect(wrongDay.status).toBe(400)
    expect(wrongDay.errors).toContain('2027-01-13 is not a Thursday of this series (2027-01-07 to 2027-02-04)')
    const skipped = await followed(director, await director.post(`/portal/events/series/${seriesId}`, { intent: 'add-exception', onDate: '2027-01-28', reason: 'Hall closed' }))
    expect(skipped.toast).toBe('2027-01-28 is skipped. Its event is removed.')
    expect(skipped.text).not.toContain('Thursday, 28 January 2027 at')
    const back = await followed(director, await director.post(`/portal/events/series/${seriesId}`, { intent: 'remove-exception', onDate: '2027-01-28' }))
    expect(back.toast).toBe('2027-01-28 is back on the schedule.')
    expect(actions(await auditRowsSince(database, since))).toEqual(['series.update', 'series.exception_add', 'series.exception_remove'])
  })
})

describe('a set list', () => {
  async function freshEvent(): Promise<string> {
    const page = await followed(director, await director.post('/portal/events/new', { kind: 'rehearsal', title: 'Set list rehearsal', date: '2027-05-04', startTime: '19:30', endTime: '21:30' }))
    return /\/portal\/events\/([0-9a-f-]{36})$/.exec(page.url)?.[1] ?? ''
  }
  const order = async (eventId: string) =>
    (await database.db.selectFrom('set_list_items').select(['piece_id', 'position']).where('event_id', '=', eventId).orderBy('position').execute())

  it('takes pieces from a catalogue search, moves them and removes them after asking', async () => {
    const eventId = await freshEvent()
    const since = await lastAuditId()
    const pieces = await database.db.selectFrom('pieces').select(['id', 'title']).where('deleted_at', 'is', null).orderBy('title').limit(3).execute()
    for (const piece of pieces) {
      const found = await librarian.get(`/portal/events/${eventId}/set-list?${new URLSearchParams({ q: piece.title })}`)
      expect(found.html).toContain(`value="${piece.id}"`)
      const added = await followed(librarian, await librarian.post(`/portal/events/${eventId}/set-list?${new URLSearchParams({ q: piece.title })}`, { intent: 'add', pieceId: piece.id, q: piece.title }))
      expect(added.url).toContain('q=')
    }
    const [first, second, third] = pieces
    if (!first || !second || !third) throw new Error('not enough pieces')
    const twice = await librarian.post(`/portal/events/${eventId}/set-list`, { intent: 'add', pieceId: first.id })
    expect(twice.status).toBe(400)

    await followed(librarian, await librarian.post(`/portal/events/${eventId}/set-list`, { intent: 'move', pieceId: third.id, direction: 'up' }))
    expect(await order(eventId)).toEqual([
      { piece_id: first.id, position: 1 },
      { piece_id: third.id, position: 2 },
      { piece_id: second.id, position: 3 },
    ])
    await followed(librarian, await librarian.post(`/portal/events/${eventId}/set-list`, { intent: 'note', pieceId: third.id, note: 'Interval after this piece' }))

    const asked = await librarian.get(`/portal/events/${eventId}/set-list?remove=${first.id}`)
    expect(asked.text).toContain(`Remove ${first.title} from the set list?`)
    expect(await order(eventId)).toHaveLength(3)
    await followed(librarian, await librarian.post(`/portal/events/${eventId}/set-list`, { intent: 'remove', pieceId: first.id }))
    expect(await order(eventId)).toEqual([
      { piece_id: third.id, position: 1 },
      { piece_id: second.id, position: 2 },
    ])
    const shown = await musician.get(`/portal/events/${eventId}`)
    expect(shown.text).toMatch(new RegExp(`${third.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*Interval after this piece[\\s\\S]*${second.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    expect(actions(await auditRowsSince(database, since))).toEqual(['setlist.add', 'setlist.add', 'setlist.add', 'setlist.move', 'setlist.note', 'setlist.remove'])
  })

  it('keeps positions distinct when moves arrive at the same time', async () => {
    const eventId = await freshEvent()
    const pieces = await database.db.selectFrom('pieces').select('id').where('deleted_at', 'is', null).orderBy('title', 'desc').limit(5).execute()
    for (const piece of pieces) await director.post(`/portal/events/${eventId}/set-list`, { intent: 'add', pieceId: piece.id })
    const moves = pieces.flatMap((piece, index) => [
      director.post(`/portal/events/${eventId}/set-list`, { intent: 'move', pieceId: piece.id, direction: index % 2 ? 'up' : 'down' }),
      librarian.post(`/portal/events/${eventId}/set-list`, { intent: 'move', pieceId: piece.id, direction: index % 2 ? 'down' : 'up' }),
    ])
    for (const answer of await Promise.all(moves)) expect(answer.status).toBe(302)
    expect((await order(eventId)).map((row) => row.position)).toEqual([1, 2, 3, 4, 5])
  })

  it('is refused to a musician (403), to read and to change', async () => {
    const event = await database.db.selectFrom('events').select('id').limit(1).executeTakeFirstOrThrow()
    const piece = await database.db.selectFrom('pieces').select('id').limit(1).executeTakeFirstOrThrow()
    expect((await musician.get(`/portal/events/${event.id}/set-list`)).status).toBe(403)
    expect((await musician.post(`/portal/events/${event.id}/set-list`, { intent: 'add', pieceId: piece.id })).status).toBe(403)
    const venue = await database.db.selectFrom('venues').select('id').limit(1).executeTakeFirstOrThrow()
    for (const path of ['/portal/events/new', `/portal/events/${event.id}/edit`, `/portal/events/${event.id}/cancel`, '/portal/events/series/new', '/portal/venues/new', `/portal/venues/${venue.id}`]) {
      expect((await musician.get(path)).status, path).toBe(403)
      expect((await musician.post(path, {})).status, path).toBe(403)
    }
    expect((await musician.get('/portal/venues')).status).toBe(403)
    // A librarian keeps set lists but does not schedule.
    expect((await librarian.get(`/portal/events/${event.id}/edit`)).status).toBe(403)
  })
})

import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession, type Page } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// The roster for admins (members-and-events issue, item 1): every member of
// the demo band, filtered and paged; each member's page and its forms; who may
// see whom; CSV import (preview, then commit) and export.

let server: TestServer
let admin: BrowserSession
let director: BrowserSession
let leader: BrowserSession
let musician: BrowserSession

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
  const signedIn = async (email: string) => {
    const browser = new BrowserSession(server.url)
    await browser.signIn(email)
    return browser
  }
  admin = await signedIn('admin@example.org')
  director = await signedIn('director@example.org')
  leader = await signedIn('leader@example.org')
  musician = await signedIn('musician@example.org')
}, 120_000)
afterAll(() => server?.stop())

const db = () => server.runtime.db
const memberIds = (html: string) => [...html.matchAll(/href="\/admin\/members\/([0-9a-f-]{36})"/g)].map((match) => match[1] ?? '')
/** Where the page's "Next" (rel=next) or "Previous" (rel=prev) link goes, or '' without one. */
const hrefOf = (html: string, rel: 'next' | 'prev') => {
  const tag = new RegExp(`<a\\b[^>]*\\brel="${rel}"[^>]*>`).exec(html)?.[0] ?? ''
  return (/href="([^"]*)"/.exec(tag)?.[1] ?? '').replaceAll('&amp;', '&')
}
const memberPage = (id: string) => `/admin/members/${id}`
const memberIdOf = async (email: string) => (await db().selectFrom('members').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id
const sectionId = async (name: string) => (await db().selectFrom('sections').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id
const auditActions = async (entityId: string) =>
  (await db().selectFrom('audit_log').select('action').where('entity_id', '=', entityId).orderBy('id').execute()).map((row) => row.action)

/** Members who play an instrument of the section. */
async function playersOf(section: string): Promise<Set<string>> {
  const rows = await db()
    .selectFrom('member_instruments')
    .innerJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .innerJoin('members', 'members.id', 'member_instruments.member_id')
    .select('member_instruments.member_id')
    .where('instruments.section_id', '=', await sectionId(section))
    .where('members.deleted_at', 'is', null)
    .execute()
  return new Set(rows.map((row) => row.member_id))
}

async function expectSaved(answer: Page, browser: BrowserSession, to: string, toast: string | RegExp) {
  expect(answer.status, answer.errors.join(' ')).toBe(302)
  expect(answer.location).toBe(to)
  const page = await browser.follow(answer)
  if (typeof toast === 'string') expect(page.toast).toBe(toast)
  else expect(page.toast).toMatch(toast)
  return page
}

describe('the roster', () => {
  it('lists every member, accounts or not, 50 to a page, with Next and Previous', async () => {
    const total = await db().selectFrom('members').select(sql<number>`count(*)::int`.as('n')).where('deleted_at', 'is', null).executeTakeFirstOrThrow()
    const first = await director.get('/admin/members')
    expect(first.status).toBe(200)
    expect(first.text).toContain(`${total.n} members match`)
    const page1 = memberIds(first.html)
    expect(page1).toHaveLength(50)
    expect(first.text).toContain('No account')
    expect(first.text).toContain('Active account')
    expect(hrefOf(first.html, 'prev')).toBe('')

    const second = await director.get(hrefOf(first.html, 'next'))
    const page2 = memberIds(second.html)
    expect(page2.length).toBe(total.n - 50)
    expect(page2.filter((id) => page1.includes(id))).toEqual([])
    expect(hrefOf(second.html, 'next')).toBe('')

    const back = await director.get(hrefOf(second.html, 'prev'))
    expect(memberIds(back.html)).toEqual(page1)
    expect(hrefOf(back.html, 'prev')).toBe('')
  })

  it('sorts by last name, by section and chair, or by joined date', async () => {
    const byName = memberIds((await director.get('/admin/members')).html)
    const rows = await db().selectFrom('members').select(['id', 'last_name', 'first_name', 'joined_on']).where('id', 'in', byName).execute()
    const lastName = new Map(rows.map((row) => [row.id, row.last_name.toLowerCase()]))
    const names = byName.map((id) => lastName.get(id) ?? '')
    expect(names).toEqual([...names].sort())

    const joined = await director.get('/admin/members?sort=joined')
    const joinedIds = memberIds(joined.html)
    const dates = await db().selectFrom('members').select(['id', 'joined_on']).where('id', 'in', joinedIds).execute()
    const dateOf = new Map(dates.map((row) => [row.id, row.joined_on ?? '9999-12-31']))
    const shown = joinedIds.map((id) => dateOf.get(id) ?? '')
    expect(shown).toEqual([...shown].sort())
    expect(hrefOf(joined.html, 'next')).toContain('sort=joined')

    const bySection = memberIds((await director.get('/admin/members?sort=section')).html)
    const flutes = await playersOf('Flutes & Double Reeds')
    // The flutes come first in score order.
    expect(flutes.has(bySection[0] ?? '')).toBe(true)
  })

  it('searches by first, last or preferred name, and filters by section, instrument, status and kind', async () => {
    const max = await memberIdOf('musician@example.org')
    expect(memberIds((await director.get('/admin/members?q=musician')).html)).toEqual([max])
    expect(memberIds((await director.get('/admin/members?q=max%20mus')).html)).toEqual([max])
    await db().updateTable('members').set({ preferred_name: 'Maxie' }).where('id', '=', max).execute()
    expect(memberIds((await director.get('/admin/members?q=MAXIE')).html)).toEqual([max])
    // A % in the search is a percent sign, not a wildcard.
    expect((await director.get('/admin/members?q=%25')).text).toContain('No members match')

    const clarinets = await playersOf('Clarinets')
    const shown = memberIds((await director.get(`/admin/members?section=${await sectionId('Clarinets')}`)).html)
    expect(shown.length).toBe(clarinets.size)
    for (const id of shown) expect(clarinets.has(id)).toBe(true)

    const oboe = await db().selectFrom('instruments').select('id').where('name', '=', 'Oboe').executeTakeFirstOrThrow()
    const oboists = await db().selectFrom('member_instruments').select('member_id').where('instrument_id', '=', oboe.id).execute()
    expect(memberIds((await director.get(`/admin/members?instrument=${oboe.id}`)).html).sort()).toEqual(oboists.map((row) => row.member_id).sort())

    const onLeave = await db().selectFrom('members').select('id').where('status', '=', 'on_leave').where('deleted_at', 'is', null).execute()
    const leavePage = await director.get('/admin/members?status=on_leave')
    expect(memberIds(leavePage.html).sort()).toEqual(onLeave.map((row) => row.id).sort())
    expect(leavePage.text).toContain(`${onLeave.length} members match`)

    // Filters stay on the next page's link.
    const active = await director.get('/admin/members?status=active&sort=section')
    expect(hrefOf(active.html, 'next')).toMatch(/status=active.*sort=section|sort=section.*status=active/)

    const guests = await db().selectFrom('members').select('id').where('kind', '=', 'guest').where('deleted_at', 'is', null).execute()
    const guestPage = await director.get('/admin/members?kind=guest')
    if (guests.length === 0) expect(guestPage.text).toContain('No members match')
    else expect(memberIds(guestPage.html).sort()).toEqual(guests.map((row) => row.id).sort())
  })

  it('takes a tampered cursor or nonsense filters for the first page', async () => {
    const page = await director.get('/admin/members?after=bm9wZQ&before=%7B&status=retired&section=x&sort=shoe')
    expect(page.status).toBe(200)
    expect(memberIds(page.html)).toHaveLength(50)
  })
})

describe('who sees whom', () => {
  it('refuses musicians the roster, member pages and the export', async () => {
    const someone = await memberIdOf('musician@example.org')
    for (const path of ['/admin/members', '/admin/members/export.csv', memberPage(someone), '/admin/members/new', '/admin/members/import']) {
      expect((await musician.get(path)).status, path).toBe(403)
    }
  })

  it('shows a section leader the members of their own section only, and lets them change nothing', async () => {
    const clarinets = await playersOf('Clarinets')
    const page = await leader.get('/admin/members')
    expect(page.status).toBe(200)
    const shown = memberIds(page.html)
    expect(shown.length).toBe(clarinets.size)
    for (const id of shown) expect(clarinets.has(id)).toBe(true)
    // Asking for another section shows nobody, not the flutes.
    expect(memberIds((await leader.get(`/admin/members?section=${await sectionId('Flutes & Double Reeds')}`)).html)).toEqual([])

    const clarinettist = [...clarinets][0] ?? ''
    const own = await leader.get(memberPage(clarinettist))
    expect(own.status).toBe(200)
    expect(own.html).not.toContain('Save profile')
    const flutist = [...(await playersOf('Flutes & Double Reeds'))].find((id) => !clarinets.has(id)) ?? ''
    expect((await leader.get(memberPage(flutist))).status).toBe(403)
    expect((await leader.post(memberPage(clarinettist), { intent: 'status', status: 'alumni', effectiveOn: '2026-01-01' })).status).toBe(403)
    expect((await leader.post(memberPage(flutist), { intent: 'status', status: 'alumni', effectiveOn: '2026-01-01' })).status).toBe(403)

    const csv = await leader.get('/admin/members/export.csv')
    expect(csv.status).toBe(200)
    expect(csv.html.trim().split('\r\n')).toHaveLength(clarinets.size + 1)
  })

  it('lets a director see everyone but edit no one', async () => {
    const flutist = [...(await playersOf('Flutes & Double Reeds'))][0] ?? ''
    const page = await director.get(memberPage(flutist))
    expect(page.status).toBe(200)
    expect(page.html).not.toContain('Save profile')
    expect((await director.post(memberPage(flutist), { intent: 'profile', firstName: 'X', lastName: 'Y', kind: 'member' })).status).toBe(403)
    expect((await director.get('/admin/members/new')).status).toBe(403)
    expect((await director.get('/admin/members/import')).status).toBe(403)
  })
})

describe('a member’s page', () => {
  let memberId = ''

  it('adds a member, refusing a form with problems field by field', async () => {
    const refused = await admin.post('/admin/members/new', { firstName: '', lastName: 'Quinn', email: 'not-an-email', kind: 'guest', status: 'active', joinedOn: '2026-02-30' })
    expect(refused.status).toBe(400)
    expect(refused.errors).toEqual(expect.arrayContaining(['Enter the first name', 'Enter a valid email address', 'Enter a real date (YYYY-MM-DD)']))
    const unengaged = await admin.post('/admin/members/new', { firstName: 'Gus', lastName: 'Guest', kind: 'guest', status: 'active' })
    expect(unengaged.status).toBe(400)
    expect(unengaged.errors).toEqual(['Choose the event they play, or the date they play until'])
    const taken = await admin.post('/admin/members/new', { firstName: 'Copy', lastName: 'Cat', email: 'MUSICIAN@example.org', kind: 'member', status: 'active' })
    expect(taken.status).toBe(400)
    expect(taken.errors).toContain('Another member has this email address')

    const oboe = await db().selectFrom('instruments').select('id').where('name', '=', 'Oboe').executeTakeFirstOrThrow()
    const added = await admin.post('/admin/members/new', {
      firstName: 'Olive',
      lastName: 'Oboist',
      email: 'olive.oboist@example.net',
      kind: 'substitute',
      engagedUntil: '2027-06-30',
      status: 'active',
      instrumentId: oboe.id,
      chair: '2',
      joinedOn: '2026-11-01',
    })
    expect(added.status, added.errors.join(' ')).toBe(302)
    memberId = /\/admin\/members\/([0-9a-f-]{36})$/.exec(added.location ?? '')?.[1] ?? ''
    const page = await expectSaved(added, admin, memberPage(memberId), 'Olive Oboist is on the roster.')
    expect(page.text).toContain('Substitute')
    expect(page.text).toContain('Oboe')
    expect(await auditActions(memberId)).toEqual(['member.create'])
    expect(memberIds((await admin.get('/admin/members?kind=substitute')).html)).toContain(memberId)
  })

  it('saves the profile and refuses an e-mail another member has', async () => {
    const taken = await admin.post(memberPage(memberId), { intent: 'profile', firstName: 'Olive', lastName: 'Oboist', email: 'leader@example.org', kind: 'member' })
    expect(taken.status).toBe(400)
    expect(taken.errors).toContain('Another member has this email address')
    const saved = await admin.post(memberPage(memberId), { intent: 'profile', firstName: 'Olive', lastName: 'Oboist-Reed', preferredName: 'Liv', pronouns: 'she/her', email: 'olive.oboist@example.net', phone: '+44 7700 900123', kind: 'member', engagedUntil: '2027-06-30', notes: 'Has her own cor anglais.' })
    await expectSaved(saved, admin, memberPage(memberId), 'Profile saved.')
    const row = await db().selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow()
    // A member plays all season: the engagement date went with the change of kind.
    expect(row).toMatchObject({ last_name: 'Oboist-Reed', preferred_name: 'Liv', pronouns: 'she/her', kind: 'member', engaged_until: null, phone: '+44 7700 900123' })
    expect((await auditActions(memberId)).at(-1)).toBe('member.update')
  })

  it('records a status change with its date and note, and keeps the history', async () => {
    const impossible = await admin.post(memberPage(memberId), { intent: 'status', status: 'on_leave', effectiveOn: '2026-04-31' })
    expect(impossible.status).toBe(400)
    expect(impossible.errors).toContain('Enter a real date (YYYY-MM-DD)')
    const saved = await admin.post(memberPage(memberId), { intent: 'status', status: 'on_leave', effectiveOn: '2026-11-15', note: 'Back in the spring' })
    const page = await expectSaved(saved, admin, memberPage(memberId), 'Status change recorded.')
    expect(page.text).toContain('Back in the spring')
    const history = await db().selectFrom('member_status_changes').select(['status', 'effective_on', 'note']).where('member_id', '=', memberId).orderBy('effective_on').execute()
    expect(history).toEqual([
      { status: 'active', effective_on: '2026-11-01', note: 'Added to the roster' },
      { status: 'on_leave', effective_on: '2026-11-15', note: 'Back in the spring' },
    ])
    expect((await db().selectFrom('members').select('status').where('id', '=', memberId).executeTakeFirstOrThrow()).status).toBe('on_leave')
    // A change is recorded once it has happened: nothing would flip the status on a later day.
    const future = await admin.post(memberPage(memberId), { intent: 'status', status: 'active', effectiveOn: '2099-01-01' })
    expect(future.status).toBe(400)
    expect(future.errors.join(' ')).toMatch(/That day is still to come/)
    // A change dated before the latest one is history: the status stays with the latest.
    await expectSaved(await admin.post(memberPage(memberId), { intent: 'status', status: 'inactive', effectiveOn: '2026-11-10' }), admin, memberPage(memberId), 'Status change recorded.')
    expect((await db().selectFrom('members').select('status').where('id', '=', memberId).executeTakeFirstOrThrow()).status).toBe('on_leave')
    expect((await auditActions(memberId)).filter((action) => action === 'member.status')).toHaveLength(2)
  })

  it('adds, changes and removes instruments, one primary at most, removing only when confirmed', async () => {
    const englishHorn = await db().selectFrom('instruments').select('id').where('name', '=', 'English Horn').executeTakeFirstOrThrow()
    const added = await admin.post(memberPage(memberId), { intent: 'add-instrument', instrumentId: englishHorn.id, chair: '1' })
    await expectSaved(added, admin, memberPage(memberId), 'Instruments saved.')
    const again = await admin.post(memberPage(memberId), { intent: 'add-instrument', instrumentId: englishHorn.id })
    expect(again.status).toBe(400)
    expect(again.errors).toContain('They already play English Horn')

    const primary = await admin.post(memberPage(memberId), { intent: 'update-instrument', instrumentId: englishHorn.id, chair: '1', primary: 'on' })
    await expectSaved(primary, admin, memberPage(memberId), 'Instruments saved.')
    const plays = await db().selectFrom('member_instruments').select(['instrument_id', 'is_primary']).where('member_id', '=', memberId).execute()
    expect(plays.filter((play) => play.is_primary).map((play) => play.instrument_id)).toEqual([englishHorn.id])

    const unconfirmed = await admin.post(memberPage(memberId), { intent: 'remove-instrument', instrumentId: englishHorn.id })
    expect(unconfirmed.status).toBe(400)
    expect(await db().selectFrom('member_instruments').select('instrument_id').where('member_id', '=', memberId).execute()).toHaveLength(2)
    const removed = await admin.post(memberPage(memberId), { intent: 'remove-instrument', instrumentId: englishHorn.id, confirm: 'on' })
    await expectSaved(removed, admin, memberPage(memberId), 'Instrument removed.')
    expect(await db().selectFrom('member_instruments').select('instrument_id').where('member_id', '=', memberId).execute()).toHaveLength(1)
    expect((await auditActions(memberId)).filter((action) => action === 'member.instruments')).toHaveLength(3)
  })

  it('invites the member with their name and e-mail filled in, and the account that accepts is theirs', async () => {
    const page = await admin.get(memberPage(memberId))
    expect(page.html).toMatch(/name="displayName"[^>]*value="Liv Oboist-Reed"|value="Liv Oboist-Reed"[^>]*name="displayName"/)
    expect(page.html).toMatch(/name="email"[^>]*value="olive.oboist@example.net"|value="olive.oboist@example.net"[^>]*name="email"/)
    const sent = await admin.post(memberPage(memberId), { intent: 'invite', displayName: 'Liv Oboist-Reed', email: 'olive.oboist@example.net', role: 'musician', sectionId: '' })
    expect(sent.status, sent.errors.join(' ')).toBe(302)
    const toast = (await admin.follow(sent)).toast ?? ''
    const link = /\/invite\/[A-Za-z0-9_-]+/.exec(toast)?.[0] ?? ''
    expect(link, toast).not.toBe('')
    expect((await admin.get('/admin/members?q=Oboist-Reed')).text).toContain('Invited')

    const guest = new BrowserSession(server.url)
    const accepted = await guest.post(link, { newPassword: 'reed cane bassoon meadow 42', confirmPassword: 'reed cane bassoon meadow 42' })
    expect(accepted.status, accepted.errors.join(' ')).toBe(302)
    const user = await db().selectFrom('users').select(['id', 'member_id']).where('email', '=', 'olive.oboist@example.net').executeTakeFirstOrThrow()
    expect(user.member_id).toBe(memberId)
    expect((await admin.get('/admin/members?q=Oboist-Reed')).text).toContain('Active account')

    // Roles change from the member's page, on their own account (not an id from the form).
    const granted = await admin.post(memberPage(memberId), { intent: 'grant-role', role: 'librarian', sectionId: '', userId: '00000000-0000-4000-8000-000000000000' })
    await expectSaved(granted, admin, memberPage(memberId), /Roles updated/)
    const roles = await db().selectFrom('user_roles').select('role_name').where('user_id', '=', user.id).execute()
    expect(roles.map((row) => row.role_name).sort()).toEqual(['librarian', 'musician'])
    const twice = await admin.post(memberPage(memberId), { intent: 'invite', displayName: 'Liv', email: 'other@example.net', role: 'musician', sectionId: '' })
    expect(twice.status).toBe(400)
    expect(twice.errors).toContain('Olive Oboist-Reed already has an account.')
  })

  it('gives a member invited without an address on the roster the one they accepted with', async () => {
    const added = await admin.post('/admin/members/new', { firstName: 'Nora', lastName: 'Nomail', kind: 'member', status: 'active' })
    const id = /\/admin\/members\/([0-9a-f-]{36})$/.exec(added.location ?? '')?.[1] ?? ''
    expect(id).not.toBe('')
    const sent = await admin.post(memberPage(id), { intent: 'invite', displayName: 'Nora Nomail', email: 'nora.nomail@example.net', role: 'musician', sectionId: '' })
    const link = /\/invite\/[A-Za-z0-9_-]+/.exec((await admin.follow(sent)).toast ?? '')?.[0] ?? ''
    const accepted = await new BrowserSession(server.url).post(link, { newPassword: 'quiet harbour lantern 77', confirmPassword: 'quiet harbour lantern 77' })
    expect(accepted.status, accepted.errors.join(' ')).toBe(302)
    expect(await db().selectFrom('members').select('email').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ email: 'nora.nomail@example.net' })
  })

  it('answers 404 for a member that does not exist', async () => {
    expect((await admin.get('/admin/members/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await admin.get('/admin/members/not-a-uuid')).status).toBe(404)
  })
})

describe('CSV import and export', () => {
  it('shows a preview with per-row errors and imports nothing from a file with errors', async () => {
    const before = await db().selectFrom('members').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
    const page = await admin.post('/admin/members/import', { csv: 'first_name,last_name,email,instrument\nA,B,a@example.net,Kazoo\nC,D,musician@example.org,Flute\n' })
    expect(page.status).toBe(400)
    expect(page.text).toContain('No instrument called “Kazoo”')
    expect(page.html).not.toContain('name="intent" value="commit"')
    const wrong = await admin.post('/admin/members/import', { csv: 'name;mail\nAda;ada@example.net\n' })
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('Missing columns: first_name, last_name, email.')
    expect((await db().selectFrom('members').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n).toBe(before.n)
  })

  it('previews an upload (semicolons, BOM) and commits it only on “Import”', async () => {
    const csv = '\uFEFFFirst_Name;Last_Name;Email;Instrument;Chair;Status\nImogen;Import;imogen.import@example.net;Flute;4;active\nMax;Musician;musician@example.org;Clarinet in B♭;2;on leave\n'
    const form = new FormData()
    form.set('file', new File([csv], 'roster.csv', { type: 'text/csv' }))
    const response = await fetch(new URL('/admin/members/import', server.url), { method: 'POST', body: form, headers: { cookie: admin.cookieHeader(), origin: admin.origin } })
    const html = await response.text()
    expect(response.status).toBe(200)
    expect(html).toContain('Import 2 members')
    expect(await db().selectFrom('members').select('id').where('email', '=', 'imogen.import@example.net').executeTakeFirst()).toBeUndefined()

    const posted = /name="csv" value="([^"]*)"/.exec(html)?.[1] ?? ''
    const text = posted.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&#x27;', "'").replaceAll('&amp;', '&')
    const committed = await admin.post('/admin/members/import', { intent: 'commit', csv: text, fileName: 'roster.csv', expected: '2' })
    await expectSaved(committed, admin, '/admin/members', 'Imported 1 new member(s) and updated 1.')
    const imogen = await db().selectFrom('members').select(['id', 'status']).where('email', '=', 'imogen.import@example.net').executeTakeFirstOrThrow()
    expect(imogen.status).toBe('active')
    const max = await db().selectFrom('members').select('status').where('email', '=', 'musician@example.org').executeTakeFirstOrThrow()
    expect(max.status).toBe('on_leave')
    const audit = await db().selectFrom('audit_log').select(['action', 'changes']).where('action', '=', 'member.import').execute()
    expect(audit).toHaveLength(1)
    expect(JSON.stringify(audit[0]?.changes)).toMatch(/"created":1.*"updated":1|"updated":1.*"created":1/)
  })

  it('takes files above the site’s usual 1 MB, and refuses one larger than the import page takes before reading it', async () => {
    // 2 MB: past the site's default limit, read and checked (it has no header the importer knows).
    const large = await admin.post('/admin/members/import', { csv: `name\n${'x,'.repeat(1024 * 1024)}` })
    expect(large.status).toBe(400)
    expect(large.text).toContain('Missing columns')
    const big = await admin.post('/admin/members/import', { csv: 'x'.repeat(9 * 1024 * 1024) })
    expect(big.status).toBe(413)
  })

  it('exports the filtered roster as CSV, quoted, with formulas defused', async () => {
    const target = await memberIdOf('imogen.import@example.net')
    await db().updateTable('members').set({ last_name: '=HYPERLINK("http://evil.example","x")', phone: '+44 1632 960000' }).where('id', '=', target).execute()
    const answer = await admin.get('/admin/members/export.csv?q=imogen')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toContain('text/csv')
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"$/)
    const lines = answer.html.trim().split('\r\n')
    expect(lines[0]).toBe('first_name,last_name,preferred_name,email,phone,section,instrument,chair,status,kind,joined_on,account')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`)
    expect(lines[1]).toContain("'+44 1632 960000")

    const onLeave = await db().selectFrom('members').select('id').where('status', '=', 'on_leave').where('deleted_at', 'is', null).execute()
    const leaveCsv = await director.get('/admin/members/export.csv?status=on_leave')
    expect(leaveCsv.html.trim().split('\r\n')).toHaveLength(onLeave.length + 1)
  })
})

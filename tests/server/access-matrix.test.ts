import { randomBytes, randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as ServerEntry from '#server/main.ts'
import { BrowserSession, type Page } from '#tests/setup/browser-session.ts'
import { serverBundle, startTestServer, type TestServer } from '#tests/setup/test-server.ts'
import { buildCatalogue } from '#db/seed/catalogue.ts'

/**
 * The access matrix (identity issue, point 8): every route module of the
 * production build, and what each demo role and an anonymous visitor get
 * from it. A route in the build that is missing here fails the test, and so
 * does an entry here for a route that no longer exists: no page is ever left
 * unprotected by accident. Needs `npm run build` after app changes.
 *
 * When you add a route, add its row: the URL to ask for, the outcome of a GET
 * for each role, and for a route with an action, a POST with a harmless body
 * (one that changes nothing even when it is allowed) and its outcome per role.
 */

const ROLES = ['anonymous', 'musician', 'section leader', 'librarian', 'director', 'admin', 'super admin'] as const
type Role = (typeof ROLES)[number]
type SignedInRole = Exclude<Role, 'anonymous'>

const ACCOUNTS: Record<SignedInRole, string> = {
  musician: 'musician@example.org',
  'section leader': 'leader@example.org',
  librarian: 'librarian@example.org',
  director: 'director@example.org',
  admin: 'admin@example.org',
  'super admin': 'superadmin@example.org',
}

/** A status the page answers with; 'login': 302 to /login?redirectTo=<the URL asked for>; or a redirect elsewhere. */
type Outcome = number | 'login' | { redirect: string }
type Expected = Record<Role, Outcome>

/** A form POST and what it gets; it is sent only as the roles listed. */
type Probe = {
  form: Record<string, string>
  expect: Partial<Expected>
  /** The POST ends the session (logout): send it from a session of its own, not the shared one. */
  ownSession?: true
}

type Entry = {
  /** The URL a GET (and POST) is sent to; it must match the route's pattern. */
  url: string
  get: Expected
  /**
   * Routes with an action only. The first probe goes to every role with a
   * body that changes nothing even where it is allowed; further probes send
   * real requests, but only as roles that must be refused them (or where
   * they cannot change anything), so no allowed mutation ever runs.
   */
  post?: [Probe & { expect: Expected }, ...Probe[]]
}

const to = (path: string): Outcome => ({ redirect: path })
/** Librarian and up; other signed-in users get 404 (they may not learn what the library holds). */
const librariansElse404 = (outcome: Outcome) =>
  roles((role) => (role === 'anonymous' ? 'login' : (LIBRARIANS as readonly Role[]).includes(role) ? outcome : 404))
const roles = (outcomeOf: (role: Role) => Outcome): Expected =>
  Object.fromEntries(ROLES.map((role) => [role, outcomeOf(role)])) as Expected
/** The same for everyone, signed in or not. */
const everyone = (outcome: Outcome) => roles(() => outcome)
/** Any signed-in user; anonymous visitors are sent to sign in. */
const signedIn = (outcome: Outcome = 200) => roles((role) => (role === 'anonymous' ? 'login' : outcome))
/** Only these roles; other signed-in users get 403, anonymous visitors are sent to sign in. */
const only = (allowed: readonly SignedInRole[], outcome: Outcome = 200) =>
  roles((role) => (role === 'anonymous' ? 'login' : (allowed as readonly Role[]).includes(role) ? outcome : 403))
/** Sign-in pages: for visitors; a signed-in user is sent on to the portal. */
const visitorsOnly = (outcome: Outcome = 200) => roles((role) => (role === 'anonymous' ? outcome : to('/portal')))
/** Refused: anonymous visitors are sent to sign in, these signed-in roles get 403; `allowed` adds roles with their outcome. */
const refused = (forbidden: readonly SignedInRole[], allowed: Partial<Record<SignedInRole, Outcome>> = {}): Partial<Expected> => ({
  anonymous: 'login',
  ...Object.fromEntries(forbidden.map((role) => [role, 403])),
  ...allowed,
})

// Who holds what (db/migrations/0006_identity.ts): editing the library needs
// music.edit / music.upload (librarian and up); /admin any admin-area permission (the director has
// user.invite and reports.view) or seeing members (a section leader sees their
// section's); the roster member.view.all or member.view.section; adding,
// importing and editing members member.edit (admins); /admin/members/accounts
// user.invite or user.manage (the director invites); the outbox outbox.view (admins).
const ADMIN_AREA = ['section leader', 'director', 'admin', 'super admin'] as const
const ROSTER = ['section leader', 'director', 'admin', 'super admin'] as const
const MEMBER_EDITORS = ['admin', 'super admin'] as const
const MEMBER_ACCOUNTS = ['director', 'admin', 'super admin'] as const
const OUTBOX = ['admin', 'super admin'] as const
// member.view.all (coverage); attendance.mark or attendance.mark.section for a section (attendance).
const DIRECTORS = ['director', 'admin', 'super admin'] as const
const ATTENDANCE = ['section leader', 'director', 'admin', 'super admin'] as const
// Scheduling (event.create / event.edit): directors and up; set lists (setlist.edit) also librarians.
const SCHEDULERS = ['director', 'admin', 'super admin'] as const
const SET_LIST_KEEPERS = ['librarian', 'director', 'admin', 'super admin'] as const
const LIBRARIANS = ['librarian', 'director', 'admin', 'super admin'] as const
// A demo part whose id never changes: the first piece's full score.
const DEMO_SCORE = (() => {
  const score = buildCatalogue().parts.find((part) => part.label === 'Full Score')
  if (!score?.id) throw new Error('The demo catalogue has no full score')
  return { id: score.id, piece_id: score.piece_id }
})()
const BELOW_SCHEDULERS = ['musician', 'section leader', 'librarian'] as const

const unknownToken = randomBytes(24).toString('base64url')
const unknownMessageId = randomUUID()
const unknownUserId = randomUUID()
const unknownSessionId = randomUUID()
const unknownMemberId = randomUUID()
const unknownPieceId = randomUUID()
/** Those who may not invite (user.invite is the director's and up). */
const BELOW_INVITERS = ['musician', 'section leader', 'librarian'] as const
const BELOW_ADMIN = ['musician', 'section leader', 'librarian', 'director'] as const
/** In a form, the id of that account's user, looked up when the probe is sent. */
const idOf = (email: string) => `id-of:${email}`
/**
 * Finding 9: every admin action on an account passes one guard. An admin acting
 * on a super admin's account (or another admin's) is refused each action,
 * role changes included; sent only as roles that must be refused, so nothing changes.
 */
const ADMIN_TARGETS = ['superadmin@example.org', 'admin@example.org'] as const
const actionsOnAdminAccounts: Probe[] = ADMIN_TARGETS.flatMap((target): Probe[] => [
  { form: { intent: 'revoke-sessions', userId: idOf(target) }, expect: refused(BELOW_ADMIN, { admin: 403 }) },
  { form: { intent: 'force-reset', userId: idOf(target) }, expect: refused(BELOW_ADMIN, { admin: 403 }) },
  { form: { intent: 'set-status', userId: idOf(target), status: 'disabled' }, expect: refused(BELOW_ADMIN, { admin: target === 'admin@example.org' ? 400 : 403 }) },
  { form: { intent: 'grant-role', userId: idOf(target), role: 'librarian' }, expect: refused(BELOW_ADMIN, { admin: 403 }) },
  // Taking a role from oneself is refused before anything else (400).
  { form: { intent: 'revoke-role', userId: idOf(target), role: 'musician' }, expect: refused(BELOW_ADMIN, { admin: target === 'admin@example.org' ? 400 : 403 }) },
])

const MATRIX: Record<string, Entry> = {
  // Public website.
  'routes/_public': { url: '/', get: everyone(200) },
  'routes/_public._index': { url: '/', get: everyone(200) },
  'routes/_public.$slug': { url: '/about', get: everyone(200) },
  'routes/_public.$': { url: '/no-such-page/anywhere', get: everyone(404) },
  // Calendars: public concerts for anyone; a member's feed is opened by its secret token alone (unknown: 404).
  'routes/concerts[.ics]': { url: '/concerts.ics', get: everyone(200) },
  'routes/calendar.$file': { url: `/calendar/${unknownToken}.ics`, get: everyone(404) },

  // Signing in and out.
  'routes/_public.login': {
    url: '/login',
    get: visitorsOnly(),
    // An empty form is refused (400) and changes nothing; a signed-in user is sent on.
    post: [{ form: {}, expect: visitorsOnly(400) }],
  },
  'routes/_public.login_.two-factor': {
    // Without a pending sign-in (password already checked) there is nothing to
    // confirm: back to /login (which sends a signed-in user on to the portal).
    url: '/login/two-factor',
    get: everyone(to('/login')),
    post: [{ form: {}, expect: everyone(to('/login')) }],
  },
  'routes/_public.forgot-password': {
    url: '/forgot-password',
    get: visitorsOnly(),
    post: [{ form: {}, expect: visitorsOnly(400) }],
  },
  'routes/_public.reset-password': {
    // Without a token: the "this link no longer works" page, for anyone.
    url: '/reset-password',
    get: everyone(200),
    post: [{ form: {}, expect: everyone(400) }],
  },
  // A one-tap RSVP link (no sign-in): a token that does not verify is a 400 page for anyone, GET and POST alike.
  'routes/_public.rsvp.$token': {
    url: `/rsvp/${unknownToken}`,
    get: everyone(400),
    post: [{ form: {}, expect: everyone(400) }],
  },
  'routes/_public.invite.$token': {
    // An unknown token: the "this invitation no longer works" page, for anyone.
    url: `/invite/${unknownToken}`,
    get: everyone(200),
    post: [{ form: {}, expect: everyone(400) }],
  },
  'routes/logout': {
    // Signing out is a POST; a GET only goes home.
    url: '/logout',
    get: everyone(to('/')),
    post: [{ form: {}, expect: everyone(to('/')), ownSession: true }],
  },

  // Own account.
  'routes/settings': { url: '/settings', get: signedIn(to('/settings/security')) },
  'routes/settings._index': { url: '/settings', get: signedIn(to('/settings/security')) },
  // /settings/security: a layout, the overview, and one page per form; all
  // for every signed-in user. An empty form is refused (400) and changes nothing.
  'routes/settings.security': { url: '/settings/security', get: signedIn() },
  'routes/settings.security._index': { url: '/settings/security', get: signedIn() },
  'routes/settings.security.password': {
    url: '/settings/security/password',
    get: signedIn(),
    post: [{ form: {}, expect: signedIn(400) }],
  },
  'routes/settings.security.email': {
    url: '/settings/security/email',
    get: signedIn(),
    post: [{ form: {}, expect: signedIn(400) }],
  },
  // Without a token the page says the link no longer works; a POST without one is a 400.
  'routes/settings.security.email_.confirm': {
    url: '/settings/security/email/confirm',
    get: signedIn(),
    post: [{ form: {}, expect: signedIn(400) }],
  },
  'routes/settings.security.two-step': {
    url: '/settings/security/two-step',
    get: signedIn(),
    post: [{ form: {}, expect: signedIn(400) }, { form: { intent: 'no-such-step' }, expect: signedIn(400) }],
  },
  'routes/settings.security.recovery-codes': {
    url: '/settings/security/recovery-codes',
    get: signedIn(),
    post: [{ form: {}, expect: signedIn(400) }],
  },
  'routes/settings.security.devices': {
    url: '/settings/security/devices',
    get: signedIn(),
    // A session that does not exist: nothing to end, for anyone.
    post: [{ form: {}, expect: signedIn(400) }, { form: { intent: 'sign-out-device', sessionId: unknownSessionId }, expect: signedIn(400) }],
  },

  // Addresses no page claims: a 404 inside the area, for those the area is open to.
  'routes/settings.$': { url: '/settings/no-such-page', get: signedIn(404) },

  // Members' portal.
  'routes/portal': { url: '/portal', get: signedIn() },
  // The home page with one-tap answers; an empty answer is refused (400) for everyone signed in.
  // A visitor is sent to sign in and back to /portal itself, not to the form's `?index`.
  'routes/portal._index': {
    url: '/portal',
    get: signedIn(),
    post: [{ form: {}, expect: { ...signedIn(400), anonymous: to(`/login?${new URLSearchParams({ redirectTo: '/portal' })}`) } }],
  },
  'routes/portal.$': { url: '/portal/no-such-page', get: signedIn(404) },
  // The schedule is for every member (event.view); an event that does not exist is a 404.
  'routes/portal.events._index': { url: '/portal/events', get: signedIn() },
  // An answer to an event that does not exist: 404 for those with a member record, 403 for accounts without one (the admins).
  'routes/portal.events.$eventId': {
    url: `/portal/events/${randomUUID()}`,
    get: signedIn(404),
    post: [
      { form: {}, expect: signedIn(400) },
      { form: { answer: 'going' }, expect: { ...signedIn(404), admin: 403, 'super admin': 403 } },
    ],
  },
  // Own dates away (availability.edit.own, everyone's): accounts without a member record have none (404).
  // A removal of an absence that does not exist changes nothing: 404.
  'routes/portal.availability': {
    url: '/portal/availability',
    get: { ...signedIn(200), admin: 404, 'super admin': 404 },
    post: [
      { form: {}, expect: { ...signedIn(400), admin: 404, 'super admin': 404 } },
      { form: { intent: 'remove', absenceId: randomUUID() }, expect: signedIn(404) },
    ],
  },
  // Each member's own calendar link; a form without its confirmation changes nothing (400).
  'routes/portal.calendar': {
    url: '/portal/calendar',
    get: signedIn(),
    post: [{ form: {}, expect: signedIn(400) }, { form: { intent: 'turn-off' }, expect: signedIn(400) }, { form: { intent: 'regenerate' }, expect: signedIn(400) }],
  },
  // Coverage is for those who see every member (member.view.all: directors and up).
  'routes/portal.coverage': { url: '/portal/coverage', get: only(DIRECTORS) },
  'routes/portal.events.$eventId_.coverage': { url: `/portal/events/${randomUUID()}/coverage`, get: only(DIRECTORS, 404) },
  // Attendance: section leaders (their section) and directors (everyone); an
  // unknown event is a 404 for them, and an empty form never gets that far.
  'routes/portal.events.$eventId_.attendance': {
    url: `/portal/events/${randomUUID()}/attendance`,
    get: only(ATTENDANCE, 404),
    post: [{ form: {}, expect: only(ATTENDANCE, 404) }],
  },
  'routes/portal.attendance._index': { url: '/portal/attendance', get: only(ATTENDANCE) },
  'routes/portal.attendance.members.$memberId': { url: `/portal/attendance/members/${randomUUID()}`, get: only(ATTENDANCE, 404) },
  'routes/portal.attendance.export[.]csv': { url: '/portal/attendance/export.csv', get: only(ATTENDANCE) },
  // Directors schedule; an empty form is refused (400) and changes nothing. A
  // whole valid form from those below is refused before anything is read.
  'routes/portal.events.new': {
    url: '/portal/events/new',
    get: only(SCHEDULERS),
    post: [
      { form: {}, expect: only(SCHEDULERS, 400) },
      { form: { kind: 'rehearsal', title: 'Extra rehearsal', date: '2027-05-04', startTime: '19:30', endTime: '21:30' }, expect: refused(BELOW_SCHEDULERS) },
    ],
  },
  // An event that does not exist: 404 for those allowed in, 403 for everyone else.
  'routes/portal.events.$eventId_.edit': {
    url: `/portal/events/${randomUUID()}/edit`,
    get: only(SCHEDULERS, 404),
    post: [{ form: {}, expect: only(SCHEDULERS, 400) }],
  },
  'routes/portal.events.$eventId_.cancel': {
    url: `/portal/events/${randomUUID()}/cancel`,
    get: only(SCHEDULERS, 404),
    post: [
      { form: {}, expect: only(SCHEDULERS, 400) },
      { form: { intent: 'cancel', reason: 'Snow' }, expect: refused(BELOW_SCHEDULERS) },
    ],
  },
  'routes/portal.events.$eventId_.set-list': {
    url: `/portal/events/${randomUUID()}/set-list`,
    get: only(SET_LIST_KEEPERS, 404),
    post: [
      { form: {}, expect: only(SET_LIST_KEEPERS, 400) },
      { form: { intent: 'add', pieceId: randomUUID() }, expect: refused(['musician', 'section leader']) },
    ],
  },
  'routes/portal.events.series.new': {
    url: '/portal/events/series/new',
    get: only(SCHEDULERS),
    post: [{ form: {}, expect: only(SCHEDULERS, 400) }],
  },
  'routes/portal.events.series.$seriesId': {
    url: `/portal/events/series/${randomUUID()}`,
    get: only(SCHEDULERS, 404),
    post: [
      { form: {}, expect: only(SCHEDULERS, 400) },
      { form: { intent: 'add-exception', onDate: '2027-05-04' }, expect: refused(BELOW_SCHEDULERS) },
    ],
  },
  'routes/portal.venues._index': { url: '/portal/venues', get: only(SCHEDULERS) },
  'routes/portal.venues.new': {
    url: '/portal/venues/new',
    get: only(SCHEDULERS),
    post: [{ form: {}, expect: only(SCHEDULERS, 400) }],
  },
  'routes/portal.venues.$venueId': {
    url: `/portal/venues/${randomUUID()}`,
    get: only(SCHEDULERS, 404),
    post: [
      { form: {}, expect: only(SCHEDULERS, 400) },
      { form: { intent: 'delete', confirm: 'on' }, expect: refused(BELOW_SCHEDULERS) },
    ],
  },
  // The directory (directory.view) and one's own profile (profile.edit.own) are for every
  // member. An empty profile form is valid (every field may be blank) and would save, so
  // the probe sends a bad e-mail: 400 for members, and for the admins (no member record).
  'routes/portal.directory': { url: '/portal/directory', get: signedIn() },
  'routes/portal.profile': {
    url: '/portal/profile',
    get: signedIn(),
    post: [{ form: { email: 'not-an-address' }, expect: signedIn(400) }],
  },

  // Music library.
  // Every signed-in role holds music.view.assigned (musician and up): the library opens, showing what each may see.
  'routes/library': { url: '/library', get: signedIn() },
  'routes/library._index': { url: '/library', get: signedIn() },
  'routes/library.$': { url: '/library/no-such-page', get: signedIn(404) },
  // The catalogue records: reading a piece is for anyone who may see it (an unknown one is 404); changing needs music.edit.
  'routes/library.pieces.new': { url: '/library/pieces/new', get: only(LIBRARIANS), post: [{ form: {}, expect: only(LIBRARIANS, 400) }] },
  'routes/library.pieces.$pieceId._index': { url: `/library/pieces/${randomUUID()}`, get: signedIn(404) },
  'routes/library.pieces.$pieceId.edit': {
    url: `/library/pieces/${randomUUID()}/edit`,
    get: only(LIBRARIANS, 404),
    post: [{ form: {}, expect: only(LIBRARIANS, 400) }],
  },
  'routes/library.pieces.$pieceId.delete': {
    url: `/library/pieces/${randomUUID()}/delete`,
    get: only(LIBRARIANS, 404),
    post: [
      { form: {}, expect: only(LIBRARIANS, 400) },
      { form: { intent: 'delete', confirm: 'on' }, expect: refused(['musician', 'section leader'], { librarian: 404 }) },
    ],
  },
  'routes/library.pieces.$pieceId.parts._index': {
    url: `/library/pieces/${unknownPieceId}/parts`,
    get: only(LIBRARIANS, 404),
    post: [{ form: {}, expect: { ...only(LIBRARIANS, 400), anonymous: to(`/login?${new URLSearchParams({ redirectTo: `/library/pieces/${unknownPieceId}/parts` })}`) } }],
  },
  'routes/library.people._index': {
    url: '/library/people',
    get: only(LIBRARIANS),
    post: [{ form: {}, expect: { ...only(LIBRARIANS, 400), anonymous: to(`/login?${new URLSearchParams({ redirectTo: '/library/people' })}`) } }],
  },
  'routes/library.people.$personId': {
    url: `/library/people/${randomUUID()}`,
    get: only(LIBRARIANS, 404),
    post: [{ form: {}, expect: only(LIBRARIANS, 400) }],
  },
  // Restoring an unknown piece: nothing to restore (404).
  'routes/library.deleted': { url: '/library/deleted', get: only(LIBRARIANS), post: [{ form: {}, expect: only(LIBRARIANS, 404) }] },
  // Nobody plays the score, so a musician gets 404 for it whatever is on the set lists.
  'routes/library.pieces.$pieceId_.parts.$partId': {
    url: `/library/pieces/${DEMO_SCORE.piece_id}/parts/${DEMO_SCORE.id}`,
    get: librariansElse404(200),
    post: [{ form: { intent: 'nothing' }, expect: librariansElse404(400) }],
  },
  // The upload form: music.upload; a form that is not multipart is refused before anything is read.
  'routes/library.upload': { url: '/library/upload', get: only(LIBRARIANS), post: [{ form: {}, expect: only(LIBRARIANS, 415) }] },
  // An upload's review: its creator or anyone with music.upload; an unknown batch is a 404 for them (others: 403).
  'routes/library.upload_.$batchId': {
    url: `/library/upload/${randomUUID()}`,
    get: only(LIBRARIANS, 404),
    post: [{ form: {}, expect: only(LIBRARIANS, 404) }],
  },

  // Administration.
  'routes/admin': { url: '/admin', get: only(ADMIN_AREA) },
  'routes/admin._index': { url: '/admin', get: only(ADMIN_AREA) },
  'routes/admin.$': { url: '/admin/no-such-page', get: only(ADMIN_AREA, 404) },
  // The roster, for those who see members (a leader sees their own section only; tests/server/members-roster.test.ts).
  'routes/admin.members._index': { url: '/admin/members', get: only(ROSTER) },
  'routes/admin.members.export[.csv]': { url: '/admin/members/export.csv', get: only(ROSTER) },
  // A member who does not exist: 404 for those who see members, 403 for everyone else.
  'routes/admin.members.$memberId': {
    url: `/admin/members/${unknownMemberId}`,
    get: only(ROSTER, 404),
    post: [{ form: { intent: 'profile' }, expect: only(ROSTER, 404) }],
  },
  'routes/admin.members.new': {
    url: '/admin/members/new',
    get: only(MEMBER_EDITORS),
    // An empty form: refused field by field, nothing saved.
    post: [{ form: {}, expect: only(MEMBER_EDITORS, 400) }],
  },
  'routes/admin.members.import': {
    url: '/admin/members/import',
    get: only(MEMBER_EDITORS),
    // No file: "choose a file", nothing saved.
    post: [{ form: {}, expect: only(MEMBER_EDITORS, 400) }],
  },
  'routes/admin.members.accounts': {
    url: '/admin/members/accounts',
    get: only(MEMBER_ACCOUNTS),
    post: [
      // An empty form: 403 for those who may not use the page, 400 (nothing to do) for those who may.
      { form: {}, expect: only(MEMBER_ACCOUNTS, 400) },
      // Each form of the page, valid, from those who may not send it (user.invite:
      // director and up; user.manage and role.assign: admin and up;
      // session.revoke.all: super admin only). Admins get the accounts forms
      // for an account that does not exist: reached, and nothing to change.
      { form: { intent: 'invite', email: 'new.player@example.org', displayName: 'New Player', role: 'musician' }, expect: refused(BELOW_INVITERS) },
      { form: { intent: 'revoke-sessions', userId: unknownUserId }, expect: refused(BELOW_ADMIN, { admin: 404, 'super admin': 404 }) },
      { form: { intent: 'force-reset', userId: unknownUserId }, expect: refused(BELOW_ADMIN, { admin: 404, 'super admin': 404 }) },
      { form: { intent: 'set-status', userId: unknownUserId, status: 'disabled' }, expect: refused(BELOW_ADMIN, { admin: 404, 'super admin': 404 }) },
      // Giving an admin role needs role.assign.admin: an admin is refused, a super admin gets as far as the (unknown) account.
      { form: { intent: 'grant-role', userId: unknownUserId, role: 'admin' }, expect: refused(BELOW_ADMIN, { admin: 403, 'super admin': 404 }) },
      { form: { intent: 'revoke-role', userId: unknownUserId, role: 'musician' }, expect: refused(BELOW_ADMIN, { admin: 404, 'super admin': 404 }) },
      { form: { intent: 'revoke-everyone' }, expect: refused([...BELOW_ADMIN, 'admin']) },
      ...actionsOnAdminAccounts,
    ],
  },
  'routes/admin.outbox._index': { url: '/admin/outbox', get: only(OUTBOX) },
  // A message that does not exist: 404 for those allowed in, 403 for everyone else.
  'routes/admin.outbox.$messageId': { url: `/admin/outbox/${unknownMessageId}`, get: only(OUTBOX, 404) },
}

/** Whether a URL is one the route pattern answers ("/admin/outbox/:messageId", "/*"). */
function matchesPattern(pattern: string, url: string): boolean {
  const path = new URL(url, 'http://band.invalid').pathname
  const source = pattern
    .split('/')
    .map((segment) => (segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  return new RegExp(`^${source}/?$`).test(path)
}

/** A POST to an index route names the index (`?index`), or it goes to the parent layout. */
function postUrl(id: string, url: string): string {
  return /(^|\.)_index$/.test(id) ? `${url}${url.includes('?') ? '&' : '?'}index` : url
}

function loginRedirectFor(url: string): string {
  return `/login?${new URLSearchParams({ redirectTo: url })}`
}

function describeOutcome(outcome: Outcome, url: string): string {
  if (outcome === 'login') return `302 → ${loginRedirectFor(url)}`
  if (typeof outcome === 'number') return String(outcome)
  return `302 → ${outcome.redirect}`
}

function describeAnswer(answer: Page): string {
  return answer.location ? `${answer.status} → ${answer.location}` : String(answer.status)
}

function meets(answer: Page, outcome: Outcome, url: string): boolean {
  if (typeof outcome === 'number') return answer.status === outcome
  const location = outcome === 'login' ? loginRedirectFor(url) : outcome.redirect
  return answer.status === 302 && answer.location === location
}

describe('the access matrix', () => {
  let server: TestServer
  let routes: { id: string; pattern: string; hasAction: boolean }[]
  /** One browser per role, signed in once; the anonymous one never signs in. */
  const browsers = new Map<Role, BrowserSession>()

  beforeAll(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_POINTS: '100000' } })
    const entry = (await import(pathToFileURL(serverBundle).href)) as typeof ServerEntry
    routes = await entry.listRoutes()
    browsers.set('anonymous', new BrowserSession(server.url))
    for (const [role, email] of Object.entries(ACCOUNTS) as [SignedInRole, string][]) {
      const browser = new BrowserSession(server.url)
      await browser.signIn(email)
      browsers.set(role, browser)
    }
  }, 120_000)
  afterAll(() => server?.stop())

  async function resolveIds(form: Record<string, string>): Promise<Record<string, string>> {
    const resolved: Record<string, string> = {}
    for (const [name, value] of Object.entries(form)) {
      const email = value.startsWith('id-of:') ? value.slice('id-of:'.length) : undefined
      resolved[name] = email
        ? (await server.runtime.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id
        : value
    }
    return resolved
  }

  /** A browser of its own for a POST that ends the session, so the shared one stays signed in. */
  async function ownBrowser(role: Role): Promise<BrowserSession> {
    const browser = new BrowserSession(server.url)
    if (role !== 'anonymous') await browser.signIn(ACCOUNTS[role])
    return browser
  }

  it('has a row for every route of the build, and none for routes that are gone', () => {
    expect(routes.length).toBeGreaterThan(0)
    const problems: string[] = []
    const built = new Set(routes.map((route) => route.id))
    for (const route of routes) {
      const entry = MATRIX[route.id]
      if (!entry) {
        problems.push(`route ${route.id} (${route.pattern}) is not in the access matrix: add it to MATRIX with who may open it`)
        continue
      }
      if (!matchesPattern(route.pattern, entry.url)) problems.push(`route ${route.id}: the matrix URL ${entry.url} does not match its pattern ${route.pattern}`)
      if (route.hasAction && !entry.post) problems.push(`route ${route.id} (${route.pattern}) has an action but no POST row in the matrix`)
      if (!route.hasAction && entry.post) problems.push(`route ${route.id} (${route.pattern}) has no action, but the matrix has a POST row for it`)
    }
    for (const id of Object.keys(MATRIX)) {
      if (!built.has(id)) problems.push(`the access matrix lists ${id}, which is not a route of the build (renamed or removed?)`)
    }
    expect(problems, problems.join('\n')).toEqual([])
  })

  it.each(ROLES)('gives %s what the matrix says, for every GET and POST', async (role) => {
    const mismatches: string[] = []
    const browser = browsers.get(role)
    if (!browser) throw new Error(`no browser for ${role}`)
    for (const route of routes) {
      const entry = MATRIX[route.id]
      if (!entry) continue // reported by the test above

      const got = await browser.get(entry.url)
      const expected = entry.get[role]
      if (!meets(got, expected, entry.url)) {
        mismatches.push(`${route.id}: GET ${entry.url} as ${role}: expected ${describeOutcome(expected, entry.url)}, got ${describeAnswer(got)}`)
      }

      if (!route.hasAction) continue
      const url = postUrl(route.id, entry.url)
      for (const probe of entry.post ?? []) {
        const expectedPost = probe.expect[role]
        if (expectedPost === undefined) continue
        const poster = probe.ownSession ? await ownBrowser(role) : browser
        const posted = await poster.post(url, await resolveIds(probe.form))
        if (!meets(posted, expectedPost, url)) {
          const body = new URLSearchParams(probe.form).toString() || '(empty body)'
          mismatches.push(`${route.id}: POST ${url} ${body} as ${role}: expected ${describeOutcome(expectedPost, url)}, got ${describeAnswer(posted)}`)
        }
      }
    }
    expect(mismatches, `${mismatches.length} mismatch(es) for ${role}:\n${mismatches.join('\n')}`).toEqual([])
  })
})

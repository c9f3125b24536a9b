import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import { formatTimeOfDay } from '#app/modules/site/dates.ts'
import { openSecret, SecretBoxError, sealSecret } from '#app/platform/secret-box.server.ts'
import type { Db, EventKind } from '#db/types.ts'
import { ANSWER_LABELS } from './rsvp-schema.ts'
import { writeCalendar, type CalendarEvent } from './ical.ts'
import { covers, effectiveAnswer, isExpectedAt } from './roll.server.ts'

/**
 * Calendar feeds: each member's secret iCalendar address (their events and
 * their answers) and the public concerts calendar. The token is looked up by
 * its SHA-256 (a database dump alone opens no feed) and kept sealed so the
 * member can see their address again.
 */

const TOKEN = /^[A-Za-z0-9_-]{32,64}$/

export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** The path of a member's feed; the token is the only secret in it. */
export function feedPath(token: string): string {
  return `/calendar/${token}.ics`
}

export type FeedState = { path: string | null; createdAt: Date; lastFetchedAt: Date | null }

/** The member's feed, with its address opened; `path` null if the seal no longer opens (SESSION_SECRET changed). */
export async function getMemberFeed(db: Db, memberId: string, sessionSecret: string): Promise<FeedState | undefined> {
  const row = await db
    .selectFrom('calendar_feeds')
    .select(['token_sealed', 'created_at', 'last_fetched_at'])
    .where('member_id', '=', memberId)
    .executeTakeFirst()
  if (!row) return undefined
  const times = { createdAt: new Date(row.created_at), lastFetchedAt: row.last_fetched_at ? new Date(row.last_fetched_at) : null }
  try {
    return { path: feedPath(openSecret(row.token_sealed, sessionSecret, 'calendar')), ...times }
  } catch (error) {
    if (error instanceof SecretBoxError) return { path: null, ...times }
    throw error
  }
}

/**
 * Gives the member a new feed address; any old one stops working in the same
 * statement. `replace: false` keeps an existing address (a second "create"
 * from another tab changes nothing) and answers false.
 */
export async function issueMemberFeed(
  db: Db,
  input: { memberId: string; sessionSecret: string; audit: AuditContext; replace: boolean },
): Promise<boolean> {
  const token = randomBytes(32).toString('base64url')
  const values = { member_id: input.memberId, token_hash: hashFeedToken(token), token_sealed: sealSecret(token, input.sessionSecret, 'calendar') }
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('calendar_feeds').select('created_at').where('member_id', '=', input.memberId).forUpdate().executeTakeFirst()
    if (before && !input.replace) return false
    // Replaced, not updated: the new address gets its own created_at and no read time.
    if (before) await trx.deleteFrom('calendar_feeds').where('member_id', '=', input.memberId).execute()
    // A "create" racing another one from a second tab: the first wins, this one changes nothing.
    const inserted = await trx.insertInto('calendar_feeds').values(values).onConflict((oc) => oc.column('member_id').doNothing()).returning('member_id').executeTakeFirst()
    if (!inserted) return false
    // Never the token itself: the audit log is read by admins.
    await recordAudit(trx, input.audit, {
      action: before ? 'calendar_feed.regenerate' : 'calendar_feed.create',
      entity: ['calendar_feed', input.memberId],
      details: before ? { previousCreatedAt: new Date(before.created_at).toISOString() } : undefined,
    })
    return true
  })
}

/** Turns the member's feed off; false if there was none. */
export async function revokeMemberFeed(db: Db, input: { memberId: string; audit: AuditContext }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('calendar_feeds').where('member_id', '=', input.memberId).returning('created_at').executeTakeFirst()
    if (!removed) return false
    await recordAudit(trx, input.audit, { action: 'calendar_feed.revoke', entity: ['calendar_feed', input.memberId] })
    return true
  })
}

/**
 * The member a feed token belongs to, or undefined. Marks the feed as read,
 * at most once an hour: calendar apps poll often, and a write per poll would
 * cost more than the feed.
 */
export async function memberOfFeedToken(db: Db, token: string): Promise<string | undefined> {
  if (!TOKEN.test(token)) return undefined
  const row = await db
    .selectFrom('calendar_feeds')
    .select(['member_id', sql<boolean>`last_fetched_at is null or last_fetched_at < now() - interval '1 hour'`.as('stale')])
    .where('token_hash', '=', hashFeedToken(token))
    .executeTakeFirst()
  if (!row) return undefined
  if (row.stale) {
    await db.updateTable('calendar_feeds').set({ last_fetched_at: sql`now()` }).where('member_id', '=', row.member_id).execute()
  }
  return row.member_id
}

export type FeedSite = { bandName: string; timeZone: string; siteUrl: string; now: Date }

/** The member feed's window: a season's memory back, a year ahead. */
export function memberFeedWindow(now: Date) {
  const from = new Date(now)
  from.setUTCMonth(from.getUTCMonth() - 3)
  const to = new Date(now)
  to.setUTCMonth(to.getUTCMonth() + 12)
  return { from, to }
}

const KIND_WORDS: Record<EventKind, string> = { rehearsal: 'Rehearsal', sectional: 'Sectional', concert: 'Concert', other: 'Event' }

/** One member's events (those they are expected at, per the roll) with their answers, as iCalendar text. */
export async function memberFeed(db: Db, memberId: string, site: FeedSite): Promise<string> {
  const { from, to } = memberFeedWindow(site.now)
  const rows = await db
    .selectFrom('members')
    .innerJoin('events', (join) => join.onTrue())
    .leftJoin('venues', 'venues.id', 'events.venue_id')
    .leftJoin('rsvps', (join) => join.onRef('rsvps.event_id', '=', 'events.id').onRef('rsvps.member_id', '=', 'members.id'))
    .select((eb) => [
      ...EVENT_COLUMNS,
      'rsvps.answer',
      'rsvps.note',
      'rsvps.answered_at as answeredAt',
      eb.exists(eb.selectFrom('absences').select('absences.id').whereRef('absences.member_id', '=', 'members.id').where(covers(site.timeZone))).as('away'),
    ])
    .where('members.id', '=', memberId)
    .where('events.deleted_at', 'is', null)
    .where('events.starts_at', '>=', from)
    .where('events.starts_at', '<', to)
    .where((eb) => isExpectedAt(eb, site.timeZone))
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .execute()

  const host = new URL(site.siteUrl).hostname
  const events = rows.map((row): CalendarEvent => {
    const answer = effectiveAnswer(row.answer, Boolean(row.away))
    const answerText = answer ? ANSWER_LABELS[answer] : 'No answer yet'
    const updatedAt = new Date(row.updatedAt)
    const answeredAt = row.answeredAt ? new Date(row.answeredAt) : null
    return {
      ...eventBasics(row, host),
      url: `${site.siteUrl}/portal/events/${row.id}`,
      // iCalendar keeps a reply in ATTENDEE;PARTSTAT, but that would list the
      // member as an attendee with an organizer, and calendar apps would then
      // offer Accept/Decline buttons that e-mail replies nobody reads. The
      // answer goes where every app shows it (summary and description), and
      // in an X- property for programs.
      summary: `${row.status === 'cancelled' ? 'Cancelled: ' : ''}${row.title}${answer ? ` (${answerText})` : ''}`,
      description: [
        `Your answer: ${answerText}${!row.answer && row.away ? ' (you are away)' : ''}`,
        row.note ? `Your note: ${row.note}` : null,
        ...detailLines(row, site.timeZone),
        `Details and your answer: ${site.siteUrl}/portal/events/${row.id}`,
      ]
        .filter(Boolean)
        .join('\n'),
      // A new answer changes this member's copy, not the event: LAST-MODIFIED moves, SEQUENCE does not.
      lastModified: answeredAt && answeredAt > updatedAt ? answeredAt : updatedAt,
      extras: [['X-BAND-RSVP', answer ? answer.toUpperCase().replace('_', '-') : 'NEEDS-ANSWER']],
    }
  })
  return writeCalendar({
    name: `${site.bandName}: my schedule`,
    timeZone: site.timeZone,
    productId: productId(site.bandName),
    refreshInterval: 'PT6H',
    coverFrom: from,
    coverTo: to,
    events,
  })
}

/** Public concerts from a year back to everything announced: no member data. */
export async function concertsFeed(db: Db, site: FeedSite): Promise<string> {
  const from = new Date(site.now)
  from.setUTCFullYear(from.getUTCFullYear() - 1)
  const rows = await db
    .selectFrom('events')
    .leftJoin('venues', 'venues.id', 'events.venue_id')
    .select([...EVENT_COLUMNS, 'events.slug'])
    .where('events.deleted_at', 'is', null)
    .where('events.is_public', '=', true)
    .where('events.kind', '=', 'concert')
    .where('events.starts_at', '>=', from)
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .execute()
  const host = new URL(site.siteUrl).hostname
  const events = rows.map((row): CalendarEvent => {
    const url = row.slug ? `${site.siteUrl}/concerts/${row.slug}` : `${site.siteUrl}/concerts`
    return {
      ...eventBasics(row, host),
      summary: `${row.status === 'cancelled' ? 'Cancelled: ' : ''}${row.title}`,
      description: [row.status === 'cancelled' && row.cancelReason ? `Cancelled: ${row.cancelReason}` : null, row.description, `Details: ${url}`]
        .filter(Boolean)
        .join('\n\n'),
      url,
    }
  })
  return writeCalendar({
    name: `${site.bandName}: concerts`,
    timeZone: site.timeZone,
    productId: productId(site.bandName),
    refreshInterval: 'PT12H',
    coverFrom: from,
    coverTo: site.now,
    events,
  })
}

const EVENT_COLUMNS = [
  'events.id',
  'events.kind',
  'events.title',
  'events.description',
  'events.starts_at as startsAt',
  'events.ends_at as endsAt',
  'events.call_time as callTime',
  'events.dress',
  'events.status',
  'events.cancel_reason as cancelReason',
  'events.updated_at as updatedAt',
  'venues.name as venueName',
  'venues.address as venueAddress',
  'venues.postcode as venuePostcode',
  'venues.city as venueCity',
] as const

type EventRow = {
  id: string
  kind: EventKind
  title: string
  description: string | null
  startsAt: Date | string
  endsAt: Date | string
  callTime: Date | string | null
  dress: string | null
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  updatedAt: Date | string
  venueName: string | null
  venueAddress: string | null
  venuePostcode: string | null
  venueCity: string | null
}

function eventBasics(row: EventRow, host: string) {
  const location = [row.venueName, row.venueAddress, row.venuePostcode, row.venueCity].filter(Boolean).join(', ')
  return {
    // The event's id never changes, so neither does its UID: updates replace, never duplicate.
    uid: `${row.id}@${host}`,
    start: new Date(row.startsAt),
    end: new Date(row.endsAt),
    location: location || null,
    cancelled: row.status === 'cancelled',
    updatedAt: new Date(row.updatedAt),
  }
}

function detailLines(row: EventRow, timeZone: string): (string | null)[] {
  return [
    row.status === 'cancelled' ? `Cancelled${row.cancelReason ? `: ${row.cancelReason}` : '.'}` : null,
    // "Sectional" says more than a title like "Clarinets"; "Rehearsal: Rehearsal" says nothing.
    row.title.toLowerCase().includes(KIND_WORDS[row.kind].toLowerCase()) ? null : KIND_WORDS[row.kind],
    row.callTime ? `Call time: ${formatTimeOfDay(new Date(row.callTime), timeZone)}` : null,
    row.dress ? `Dress: ${row.dress}` : null,
    row.description,
  ]
}

function productId(bandName: string): string {
  return `-//${bandName.replace(/\/+/g, ' ')}//Band platform//EN`
}

/** A weak ETag of the feed's text: apps that send If-None-Match get a 304 when nothing changed. */
export function feedETag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/**
 * The HTTP answer for a feed: text/calendar, an ETag (304 when the app's copy
 * is current) and caching fit for who may see it. A member's feed is theirs
 * alone: `private` keeps it out of shared caches, `no-cache` makes apps ask again.
 */
export function calendarResponse(request: Request, body: string, options: { audience: 'member' | 'public'; filename: string }): Response {
  const etag = feedETag(body)
  const headers = new Headers({
    ETag: etag,
    'Cache-Control': options.audience === 'member' ? 'private, no-cache' : 'public, max-age=900',
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `inline; filename="${options.filename}"`,
  })
  if (options.audience === 'member') {
    // The address is the secret: never pass it on as a Referer, never index it.
    headers.set('Referrer-Policy', 'no-referrer')
    headers.set('X-Robots-Tag', 'noindex, nofollow')
  }
  const sent = request.headers.get('if-none-match')
  if (sent && sent.split(',').some((tag) => tag.trim() === etag)) return new Response(null, { status: 304, headers })
  return new Response(body, { status: 200, headers })
}

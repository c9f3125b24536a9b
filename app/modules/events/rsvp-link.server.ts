import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import type { RsvpAnswer } from '#db/types.ts'

/**
 * One-tap RSVP links for e-mails: `/rsvp/<token>` answers one event, for one
 * member, with one answer, until the RSVP deadline, without signing in. The
 * token is its own proof: HMAC-SHA256 under a key derived from the session
 * secret for the purpose 'rsvp' only, so no other signed value of the app
 * (cookies, other link kinds) can stand in for it, and changing any of its
 * fields breaks the signature. Nothing is stored; a link stops working at
 * its expiry (and when the event is past, cancelled or closed for answers).
 *
 * Token: member . event . answer . expiry . signature, each base64url
 * (uuids as 16 bytes), about 90 characters.
 */

export type RsvpLinkClaims = { memberId: string; eventId: string; answer: RsvpAnswer; expiresAt: Date }

export type RsvpLinkCheck =
  | { valid: true; claims: RsvpLinkClaims }
  | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired'; claims?: RsvpLinkClaims }

const PURPOSE = 'rsvp'
const ANSWER_CODES: Record<RsvpAnswer, string> = { going: 'g', not_going: 'n', maybe: 'm' }
const ANSWERS_BY_CODE = new Map(Object.entries(ANSWER_CODES).map(([answer, code]) => [code, answer as RsvpAnswer]))
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The key for one purpose: a link of another kind, signed with the same secret, never verifies here. */
function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'band-platform signed links', `signed link v1: ${purpose}`, 32))
}

function sign(secret: string, purpose: string, body: string): string {
  return createHmac('sha256', keyFor(secret, purpose)).update(body).digest('base64url')
}

const packUuid = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url')

function unpackUuid(packed: string): string | null {
  const bytes = Buffer.from(packed, 'base64url')
  if (bytes.length !== 16 || bytes.toString('base64url') !== packed) return null
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * The token for one answer. `purpose` is for tests proving that a token
 * made for something else does not verify; callers leave it out.
 */
export function signRsvpToken(secret: string, claims: RsvpLinkClaims, purpose = PURPOSE): string {
  if (!UUID.test(claims.memberId) || !UUID.test(claims.eventId)) throw new Error('RSVP links need uuids')
  const expiry = Math.floor(claims.expiresAt.getTime() / 1000).toString(36)
  const body = [packUuid(claims.memberId), packUuid(claims.eventId), ANSWER_CODES[claims.answer], expiry].join('.')
  return `${body}.${sign(secret, purpose, body)}`
}

/** The absolute link for e-mails: `https://band.example/rsvp/<token>`. */
export function rsvpLink(runtime: { config: { siteUrl: string }; sessionSecret: string }, claims: RsvpLinkClaims): string {
  return `${runtime.config.siteUrl}/rsvp/${signRsvpToken(runtime.sessionSecret, claims)}`
}

/**
 * The three one-tap links of one event for one member, as an e-mail offers
 * them, each valid until answers close (the RSVP deadline, else the start).
 */
export function rsvpLinksFor(
  runtime: { config: { siteUrl: string }; sessionSecret: string },
  input: { memberId: string; event: { id: string; startsAt: Date; rsvpDeadline: Date | null } },
): Record<RsvpAnswer, string> {
  const expiresAt = input.event.rsvpDeadline ?? input.event.startsAt
  const link = (answer: RsvpAnswer) => rsvpLink(runtime, { memberId: input.memberId, eventId: input.event.id, answer, expiresAt })
  return { going: link('going'), not_going: link('not_going'), maybe: link('maybe') }
}

/** Checks a token: signature first (constant time), then the expiry against `now`. */
export function verifyRsvpToken(secret: string, token: string, now = new Date()): RsvpLinkCheck {
  const parts = token.split('.')
  if (parts.length !== 5 || token.length > 200) return { valid: false, reason: 'malformed' }
  const [member = '', event = '', code = '', expiry = '', signature = ''] = parts
  const expected = Buffer.from(sign(secret, PURPOSE, parts.slice(0, 4).join('.')))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad-signature' }
  const memberId = unpackUuid(member)
  const eventId = unpackUuid(event)
  const answer = ANSWERS_BY_CODE.get(code)
  const seconds = /^[0-9a-z]{1,10}$/.test(expiry) ? parseInt(expiry, 36) : Number.NaN
  if (!memberId || !eventId || !answer || !Number.isFinite(seconds)) return { valid: false, reason: 'malformed' }
  const claims = { memberId, eventId, answer, expiresAt: new Date(seconds * 1000) }
  if (claims.expiresAt.getTime() <= now.getTime()) return { valid: false, reason: 'expired', claims }
  return { valid: true, claims }
}

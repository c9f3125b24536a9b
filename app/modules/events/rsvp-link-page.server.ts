import type { RateLimits } from '#app/platform/rate-limit.server.ts'
import type { Runtime } from '#app/platform/runtime.server.ts'
import { type RsvpLinkClaims, verifyRsvpToken } from './rsvp-link.server.ts'
import { getRsvpTarget, REFUSAL_MESSAGES, rsvpRefusal } from './rsvp.server.ts'

/**
 * What the /rsvp/:token page checks before it asks or saves: the signature,
 * the expiry, and that the event still takes this member's answer. A
 * tampered link is a 400; one that has run out (expired, event past or
 * cancelled, deadline gone) a 410.
 */
export type RsvpLinkState =
  | { ok: false; status: 400 | 410; message: string }
  | { ok: true; claims: RsvpLinkClaims; target: NonNullable<Awaited<ReturnType<typeof getRsvpTarget>>>; userId: string | null }

const BROKEN = 'This link is not complete or was changed. Copy the whole link from the e-mail, or sign in and answer there.'
const EXPIRED = 'This link has expired: answers for this event are closed.'

export async function checkRsvpLink(runtime: Pick<Runtime, 'db' | 'sessionSecret'>, token: string, timeZone: string): Promise<RsvpLinkState> {
  const check = verifyRsvpToken(runtime.sessionSecret, token)
  if (!check.valid) return check.reason === 'expired' ? { ok: false, status: 410, message: EXPIRED } : { ok: false, status: 400, message: BROKEN }
  const { claims } = check
  const [target, user] = await Promise.all([
    getRsvpTarget(runtime.db, { eventId: claims.eventId, memberId: claims.memberId, timeZone }),
    runtime.db.selectFrom('users').select('id').where('member_id', '=', claims.memberId).executeTakeFirst(),
  ])
  if (!target) return { ok: false, status: 410, message: REFUSAL_MESSAGES['no-event'] }
  const refusal = rsvpRefusal(target, new Date())
  if (refusal) return { ok: false, status: 410, message: REFUSAL_MESSAGES[refusal] }
  if (!target.expected) return { ok: false, status: 410, message: 'This link is for an event you are no longer on the list for.' }
  return { ok: true, claims, target, userId: user?.id ?? null }
}

/** Tries at one-tap links from one address: generous for a shared Wi-Fi, short for guessing. */
export function rsvpLinkLimiter(rateLimits: RateLimits) {
  return rateLimits.get({ keyPrefix: 'rl:rsvp-link:ip', points: 30, durationSeconds: 15 * 60 })
}

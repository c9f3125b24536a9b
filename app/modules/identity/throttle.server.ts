import { createHash } from 'node:crypto'
import { RateLimiterRes } from 'rate-limiter-flexible'
import type { Limiter, RateLimits } from '#app/platform/rate-limit.server.ts'

/**
 * Limits for the doors attackers knock on (ASVS 6.3.1): sign-in, two-step
 * codes, forgot-password, reset and invitation links, and re-entering the
 * password on the security pages.
 *
 * - An attempt is **taken before it is checked** (`takeAttempt`), never
 *   counted afterwards: N attempts at once check at most the limit, because
 *   each one has already spent its point when the password or code is
 *   compared. A success gives the client's points back.
 * - Guessing is stopped per **account + client**: the IP, or a device that has
 *   signed in to that account before (a signed cookie). Someone guessing the
 *   director's password locks out only themselves; the director on a known
 *   device or another network still signs in.
 * - Each lock-out lasts longer than the last, but **never more than an hour**.
 * - An account-wide **ceiling per day** stops a slow attack spread over many
 *   networks; per IP, a ceiling across all accounts stops spraying.
 * - Accounts are keyed by a hash, never the plain address (keys may sit in Redis).
 *
 * Redis when configured, memory otherwise, memory again while Redis is down
 * (app/platform/rate-limit.server.ts).
 */
export type Door = 'login' | 'two-factor' | 'forgot-password' | 'reset' | 'invite' | 'reauth'

type DoorLimits = {
  windowSeconds: number
  /** All attempts from one IP, whatever the account. */
  perIp: number
  /** Attempts for one account from one client (IP, or a known device). */
  perClient: number
  /** Attempts for one account in a day, from everywhere. */
  perAccountDay: number
}

const HOUR = 60 * 60

const limits: Record<Door, DoorLimits> = {
  login: { windowSeconds: 15 * 60, perIp: 30, perClient: 5, perAccountDay: 100 },
  'two-factor': { windowSeconds: 15 * 60, perIp: 30, perClient: 5, perAccountDay: 50 },
  reauth: { windowSeconds: 15 * 60, perIp: 30, perClient: 5, perAccountDay: 50 },
  'forgot-password': { windowSeconds: HOUR, perIp: 10, perClient: 3, perAccountDay: 10 },
  reset: { windowSeconds: HOUR, perIp: 20, perClient: 20, perAccountDay: 1_000 },
  invite: { windowSeconds: HOUR, perIp: 20, perClient: 20, perAccountDay: 1_000 },
}

export type AttemptKeys = {
  ip: string
  /** The account asked for (an email address or a user id); omit where none is known. */
  account?: string
  /** A device that signed in to this account before (see `knownDeviceKey`). */
  knownDevice?: string | null
}

export type Attempt =
  | { allowed: true; succeeded(): Promise<void> }
  | { allowed: false; retryAfterSeconds: number }

function limitersFor(rateLimits: RateLimits, door: Door) {
  const { windowSeconds, perIp, perClient, perAccountDay } = limits[door]
  return {
    perIp: rateLimits.get({ keyPrefix: `rl:${door}:ip`, points: perIp, durationSeconds: windowSeconds }),
    perClient: rateLimits.get({ keyPrefix: `rl:${door}:client`, points: perClient, durationSeconds: windowSeconds }),
    perAccountDay: rateLimits.get({ keyPrefix: `rl:${door}:account-day`, points: perAccountDay, durationSeconds: 24 * HOUR }),
    // How often this account + client was locked out today: each lock-out lasts twice as long, up to an hour.
    lockouts: rateLimits.get({ keyPrefix: `rl:${door}:lockouts`, points: 1_000, durationSeconds: 24 * HOUR }),
  }
}

/** A stable, non-reversible key for an account: keys must not carry addresses. */
export function accountKey(account: string): string {
  return createHash('sha256').update(account.trim().toLowerCase()).digest('hex').slice(0, 32)
}

/**
 * Takes one attempt at `door`. Refused: nothing is checked and the caller
 * answers 429. Allowed: the caller checks the password or code, and calls
 * `succeeded()` when it was right.
 */
export async function takeAttempt(rateLimits: RateLimits, door: Door, keys: AttemptKeys): Promise<Attempt> {
  const limiters = limitersFor(rateLimits, door)
  const account = keys.account ? accountKey(keys.account) : undefined
  const client = account ? `${account}:${keys.knownDevice ? `device:${keys.knownDevice}` : `ip:${keys.ip}`}` : undefined

  const taken = await Promise.all([
    consume(limiters.perIp, keys.ip),
    client ? consume(limiters.perClient, client) : Promise.resolve(null),
    account ? consume(limiters.perAccountDay, account) : Promise.resolve(null),
  ])
  const refusals = taken.filter((result): result is Extract<Consumed, { refused: true }> => result?.refused === true)
  if (refusals.length > 0) {
    const perClient = taken[1]
    // The attempt that used up this client's allowance starts its lock-out.
    if (client && perClient?.refused && perClient.justEmptied) await lockOut(limiters, door, client)
    return { allowed: false, retryAfterSeconds: Math.max(1, ...refusals.map((refusal) => Math.ceil(refusal.waitMs / 1000))) }
  }
  return {
    allowed: true,
    async succeeded() {
      // A success costs nothing: a rehearsal hall's shared Wi-Fi must not run out of sign-ins.
      await limiters.perIp.reward(keys.ip, 1).catch(() => undefined)
      if (!client || !account) return
      // The owner got in: this client starts afresh, and the day's ceiling gets its point back.
      await Promise.all([
        limiters.perClient.delete(client).catch(() => undefined),
        limiters.lockouts.delete(client).catch(() => undefined),
        limiters.perAccountDay.reward(account, 1).catch(() => undefined),
      ])
    },
  }
}

type Consumed = { refused: false } | { refused: true; waitMs: number; justEmptied: boolean }

async function consume(limiter: Limiter, key: string): Promise<Consumed> {
  try {
    await limiter.consume(key)
    return { refused: false }
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection
    // consumedPoints one past the allowance: this very attempt emptied it.
    return { refused: true, waitMs: rejection.msBeforeNext, justEmptied: rejection.consumedPoints === limiter.points + 1 }
  }
}

async function lockOut(limiters: ReturnType<typeof limitersFor>, door: Door, client: string): Promise<void> {
  const previous = await limiters.lockouts.get(client)
  await limiters.lockouts.consume(client).catch(() => undefined)
  const seconds = Math.min(limits[door].windowSeconds * 2 ** (previous?.consumedPoints ?? 0), HOUR)
  await limiters.perClient.block(client, seconds)
}

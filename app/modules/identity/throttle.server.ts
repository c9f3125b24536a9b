import { RateLimiterRes } from 'rate-limiter-flexible'
import type { Limiter, RateLimits } from '#app/platform/rate-limit.server.ts'

/**
 * Stricter limits for the doors attackers knock on (ASVS 6.3.1): sign-in,
 * two-factor codes, forgot-password and invitation acceptance. Counted per
 * IP and per account; an account's allowance shrinks after each lock-out
 * (progressive back-off). Redis when configured, memory otherwise, memory
 * again while Redis is down (see app/platform/rate-limit.server.ts). Callers
 * pass the runtime's `rateLimits`.
 */

export type Door = 'login' | 'two-factor' | 'forgot-password' | 'invite'

type Limiters = { perIp: Limiter; perAccount: Limiter; lockouts: Limiter }

const settings: Record<Door, { perIp: number; perAccount: number; windowSeconds: number }> = {
  login: { perIp: 30, perAccount: 5, windowSeconds: 15 * 60 },
  'two-factor': { perIp: 30, perAccount: 5, windowSeconds: 15 * 60 },
  'forgot-password': { perIp: 10, perAccount: 3, windowSeconds: 60 * 60 },
  invite: { perIp: 20, perAccount: 10, windowSeconds: 60 * 60 },
}

function limitersFor(rateLimits: RateLimits, door: Door): Limiters {
  const { perIp, perAccount, windowSeconds } = settings[door]
  return {
    perIp: rateLimits.get({ keyPrefix: `rl:${door}:ip`, points: perIp, durationSeconds: windowSeconds }),
    perAccount: rateLimits.get({ keyPrefix: `rl:${door}:account`, points: perAccount, durationSeconds: windowSeconds }),
    // How often this account was locked out today: each lock-out lasts twice as long as the last.
    lockouts: rateLimits.get({ keyPrefix: `rl:${door}:lockouts`, points: 1_000, durationSeconds: 24 * 60 * 60 }),
  }
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

/** Whether another attempt may be made now; counts nothing. */
export async function checkAttempt(rateLimits: RateLimits, door: Door, keys: { ip: string; account?: string }): Promise<Verdict> {
  const { perIp, perAccount } = limitersFor(rateLimits, door)
  const [byIp, byAccount] = await Promise.all([
    perIp.get(keys.ip),
    keys.account ? perAccount.get(normalise(keys.account)) : Promise.resolve(null),
  ])
  const limits = settings[door]
  const waits: number[] = []
  if (byIp && byIp.consumedPoints >= limits.perIp) waits.push(byIp.msBeforeNext)
  if (byAccount && byAccount.consumedPoints >= limits.perAccount) waits.push(byAccount.msBeforeNext)
  return waits.length ? { allowed: false, retryAfterSeconds: Math.max(1, ...waits.map((ms) => Math.ceil(ms / 1000))) } : { allowed: true }
}

/** A failed attempt: counts against the IP and the account; a full account is blocked, longer each time. */
export async function recordFailure(rateLimits: RateLimits, door: Door, keys: { ip: string; account?: string }): Promise<void> {
  const { perIp, perAccount, lockouts } = limitersFor(rateLimits, door)
  await perIp.consume(keys.ip).catch(ignoreRefusal)
  if (!keys.account) return
  const account = normalise(keys.account)
  const result = await perAccount.consume(account).catch((refusal: unknown) => (refusal instanceof RateLimiterRes ? refusal : null))
  if (result && result.remainingPoints === 0) {
    const previous = await lockouts.get(account)
    const times = previous?.consumedPoints ?? 0
    await lockouts.consume(account).catch(ignoreRefusal)
    const seconds = Math.min(settings[door].windowSeconds * 2 ** times, 24 * 60 * 60)
    await perAccount.block(account, seconds)
  }
}

/** A successful attempt clears the account's failures (not the IP's). */
export async function recordSuccess(rateLimits: RateLimits, door: Door, keys: { account?: string }): Promise<void> {
  if (!keys.account) return
  await limitersFor(rateLimits, door).perAccount.delete(normalise(keys.account)).catch(() => undefined)
}

function normalise(account: string): string {
  return account.trim().toLowerCase()
}

function ignoreRefusal(refusal: unknown) {
  if (!(refusal instanceof RateLimiterRes)) throw refusal
}

import { createHash, randomBytes } from 'node:crypto'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { getSettings } from '#app/modules/settings/queries.server.ts'
import type { Db } from '#db/types.ts'
import { ADMIN_ROLES } from './roles.ts'

/**
 * Server-side sessions (ASVS 7): the cookie carries only a random 256-bit
 * token; the database keeps its SHA-256, so a leaked table cannot be replayed.
 * A session ends after 14 idle days or 90 days in all, at logout, or when it
 * is revoked; revocation is a delete, so it holds on the very next request.
 */

export const SESSION_IDLE_MS = 14 * 24 * 60 * 60 * 1000
export const SESSION_ABSOLUTE_MS = 90 * 24 * 60 * 60 * 1000
// last_seen is refreshed at most this often, so reading pages does not mean writing rows.
const TOUCH_EVERY_MS = 5 * 60 * 1000

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * How long a session of this user may live. Admin roles get shorter ones
 * (ASVS 7.3): by default 12 hours idle and 7 days in all, set by the settings
 * `security.admin_session_idle_hours` and `security.admin_session_absolute_days`.
 */
export async function sessionLifetimeFor(db: Db, userId: string): Promise<{ idleMs: number; absoluteMs: number }> {
  const admin = await db.selectFrom('user_roles').select('user_id').where('user_id', '=', userId).where('role_name', 'in', ADMIN_ROLES).executeTakeFirst()
  if (!admin) return { idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS }
  const settings = await getSettings(db, ['security.admin_session_idle_hours', 'security.admin_session_absolute_days'])
  const hours = positive(settings.get('security.admin_session_idle_hours'), 12)
  const days = positive(settings.get('security.admin_session_absolute_days'), 7)
  return { idleMs: hours * 60 * 60 * 1000, absoluteMs: days * 24 * 60 * 60 * 1000 }
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback
}

export async function createSession(
  db: Db,
  input: { userId: string; ip: string | null; userAgent: string | null; now?: Date },
): Promise<{ id: string; token: string; absoluteExpiresAt: Date }> {
  const now = input.now ?? new Date()
  const token = newToken()
  const lifetime = await sessionLifetimeFor(db, input.userId)
  const absoluteExpiresAt = new Date(now.getTime() + lifetime.absoluteMs)
  const row = await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: input.userId,
      created_at: now,
      last_seen_at: now,
      idle_expires_at: new Date(now.getTime() + lifetime.idleMs),
      absolute_expires_at: absoluteExpiresAt,
      idle_timeout_seconds: Math.round(lifetime.idleMs / 1000),
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 512) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: row.id, token, absoluteExpiresAt }
}

/** The live session for a cookie token with its (active) user, or undefined. */
export async function findSession(db: Db, token: string, now = new Date()) {
  if (!/^[\w-]{43}$/.test(token)) return undefined
  const session = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select((eb) => [
      'sessions.id as session_id',
      'sessions.last_seen_at',
      'sessions.absolute_expires_at',
      'sessions.idle_timeout_seconds',
      'users.id as user_id',
      'users.email',
      'users.display_name',
      'users.member_id',
      'users.status',
      // The user's roles come along: every signed-in request needs them, one round trip fewer.
      jsonArrayFrom(eb.selectFrom('user_roles').select(['user_roles.role_name', 'user_roles.section_id']).whereRef('user_roles.user_id', '=', 'users.id')).as('roles'),
    ])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.idle_expires_at', '>', now)
    .where('sessions.absolute_expires_at', '>', now)
    .executeTakeFirst()
  if (!session || session.status !== 'active') return undefined
  if (now.getTime() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now, idle_expires_at: new Date(now.getTime() + session.idle_timeout_seconds * 1000) })
      .where('id', '=', session.session_id)
      .execute()
  }
  return session
}

export function listUserSessions(db: Db, userId: string, now = new Date()) {
  return db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId)
    .where('idle_expires_at', '>', now)
    .where('absolute_expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute()
}

export async function deleteSession(db: Db, sessionId: string, userId?: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .$if(Boolean(userId), (query) => query.where('user_id', '=', userId ?? ''))
    .executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** Ends every session of a user (optionally keeping the current one); returns how many. */
export async function deleteUserSessions(db: Db, userId: string, options: { except?: string } = {}): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .$if(Boolean(options.except), (query) => query.where('id', '!=', options.except ?? ''))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteAllSessions(db: Db, options: { except?: string } = {}): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .$if(Boolean(options.except), (query) => query.where('id', '!=', options.except ?? ''))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

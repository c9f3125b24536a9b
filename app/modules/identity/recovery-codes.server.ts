import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '#db/types.ts'

/**
 * Single-use recovery codes for members who lose their authenticator app.
 *
 * A code is 12 characters of Crockford base32 shown as `xxxx-xxxx-xxxx`
 * (60 random bits). The alphabet has no i, l, o or u, and input is read the
 * Crockford way (o → 0, i and l → 1), so a code copied by hand still works.
 *
 * Only a hash is stored: SHA-256 over the user id and the code. The codes are
 * random, not chosen by people, so a slow password hash would add nothing; the
 * user id makes every account's hashes different, so a stolen table has to be
 * attacked one account at a time (2^60 guesses / 10 codes each), and a code
 * is useless without the member's password anyway. No key from
 * SESSION_SECRET on purpose: recovery codes are the way back in when the
 * sealed TOTP secrets cannot be opened after that secret was rotated.
 */

export const RECOVERY_CODE_COUNT = 10

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz' // Crockford base32, lowercase
const CODE_LENGTH = 12
const GROUP = 4

/**
 * Replaces the user's recovery codes with 10 new ones and returns them in
 * plain text. This is the only time they exist outside the member's hands:
 * show them once, never log or store them. Run it in the same transaction as
 * the audit row (and the TOTP confirmation, when enrolling).
 */
export async function createRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = new Set<string>()
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(randomCode())
  const plain = [...codes]

  const replace = async (trx: Db) => {
    await deleteRecoveryCodes(trx, userId)
    await trx
      .insertInto('recovery_codes')
      .values(plain.map((code) => ({ user_id: userId, code_hash: hashRecoveryCode(userId, code) })))
      .execute()
  }
  // Old codes must never survive next to new ones, so delete and insert together.
  if (db.isTransaction) await replace(db)
  else await db.transaction().execute(replace)
  return plain.map(formatCode)
}

/**
 * Spends one recovery code. True exactly once per code: the `used_at is null`
 * guard in the single UPDATE makes two simultaneous attempts with the same
 * code end with one true and one false. Accepts any case, with or without
 * dashes and spaces.
 */
export async function useRecoveryCode(db: Db, { userId, code }: { userId: string; code: string }): Promise<boolean> {
  const normalised = normaliseRecoveryCode(code)
  if (!normalised) return false
  const row = await db
    .updateTable('recovery_codes')
    .set({ used_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hashRecoveryCode(userId, normalised))
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** How many recovery codes the user has left (shown on /settings/security; warn when low). */
export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Deletes all of the user's recovery codes, used or not. */
export async function deleteRecoveryCodes(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
}

/**
 * The canonical form of a typed code (12 lowercase Crockford characters), or
 * null when it cannot be one. Exported for form validation.
 */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1')
  if (compact.length !== CODE_LENGTH) return null
  for (const char of compact) if (!ALPHABET.includes(char)) return null
  return compact
}

function randomCode(): string {
  // 256 is a multiple of 32, so masking to 5 bits keeps every character equally likely.
  return [...randomBytes(CODE_LENGTH)].map((byte) => ALPHABET[byte & 31]).join('')
}

function formatCode(code: string): string {
  const groups: string[] = []
  for (let i = 0; i < code.length; i += GROUP) groups.push(code.slice(i, i + GROUP))
  return groups.join('-')
}

function hashRecoveryCode(userId: string, normalisedCode: string): string {
  return createHash('sha256').update(`band-platform recovery code v1\0${userId}\0${normalisedCode}`).digest('hex')
}

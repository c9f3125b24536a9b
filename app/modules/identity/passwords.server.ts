import { hash, verify } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-limits.ts'

/**
 * Password hashing and policy (OWASP ASVS 5.0 §6.2): argon2id with at least
 * m = 19 MiB, t = 2, p = 1; 12 to 128 characters, any characters, no
 * composition rules; refused when it is one of ~49,000 common passwords.
 */

const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const
// @node-rs/argon2 defaults to argon2id (algorithm 2); stated so a reader need not look it up.
const algorithm = 2


export function hashPassword(password: string): Promise<string> {
  return hash(password, { ...argon2Options, algorithm })
}

export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

// Verified against when the email is unknown, so "no such account" takes as
// long as "wrong password" and timing reveals nothing (ASVS 6.3.8).
let dummyHash: Promise<string> | undefined
export async function spendPasswordCheckTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('the band plays on, in time and in tune')
  await verifyPassword(password, await dummyHash)
}

const commonPasswords = new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()))

/** Why a new password is refused, in the member's words; null when it is fine. */
export function passwordProblem(password: string, context: { email?: string; displayName?: string } = {}): string | null {
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters. A few words in a row work well.`
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`
  const lowered = password.toLowerCase()
  if (commonPasswords.has(lowered)) return 'This password is on a list of common passwords. Please choose another.'
  const personal = [context.email?.split('@')[0], context.email, context.displayName].filter(
    (value): value is string => Boolean(value && value.length >= 4),
  )
  if (personal.some((value) => lowered.includes(value.toLowerCase()))) {
    return 'Please do not use your name or email address in your password.'
  }
  if (new Set(password).size <= 2) return 'Please use a password that is not a single repeated character.'
  return null
}

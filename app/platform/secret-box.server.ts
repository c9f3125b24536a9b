import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Encryption at rest for small secrets (the TOTP seeds): AES-256-GCM with a key
 * derived from SESSION_SECRET by HKDF-SHA256. A database dump alone reveals
 * nothing; the app secret is needed too. Rotating SESSION_SECRET therefore
 * makes sealed secrets unreadable (members then sign in with a recovery code).
 *
 * Sealed form: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */

const VERSION = 'v1'
// A distinct info string per use gives each its own key, unrelated to the
// cookie-signing one. Fixed forever: two-step secrets sealed with 'totp' must open.
const HKDF_INFO = {
  totp: 'band-platform totp secret v1',
  mail: 'band-platform outbox mail v1',
  calendar: 'band-platform calendar feed token v1',
} as const
export type SecretPurpose = keyof typeof HKDF_INFO
const HKDF_SALT = 'band-platform secret-box'
const IV_BYTES = 12 // the GCM standard nonce; random per seal
const TAG_BYTES = 16

/** Thrown when a sealed secret is malformed, was tampered with, or was sealed with another key. */
export class SecretBoxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SecretBoxError'
  }
}

// HKDF is cheap, but login runs it on every code check; one key per app secret is enough.
const keyCache = new Map<string, Buffer>()

function deriveKey(appSecret: string, purpose: SecretPurpose): Buffer {
  if (appSecret.length === 0) throw new SecretBoxError('The app secret (SESSION_SECRET) is empty')
  const cacheKey = `${purpose}:${appSecret}`
  let key = keyCache.get(cacheKey)
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', appSecret, HKDF_SALT, HKDF_INFO[purpose], 32))
    keyCache.set(cacheKey, key)
  }
  return key
}

/**
 * Encrypts `plain` for storage. Each call uses a fresh random IV, so sealing
 * the same value twice gives different strings.
 */
export function sealSecret(plain: string, appSecret: string, purpose: SecretPurpose = 'totp'): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', deriveKey(appSecret, purpose), iv, { authTagLength: TAG_BYTES })
  // The version is authenticated too, so it cannot be swapped for a future format.
  cipher.setAAD(Buffer.from(VERSION))
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.')
}

/**
 * Decrypts a value made by `sealSecret`.
 * @throws SecretBoxError when the value is malformed, altered, or sealed with another app secret.
 */
export function openSecret(sealed: string, appSecret: string, purpose: SecretPurpose = 'totp'): string {
  const parts = sealed.split('.')
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretBoxError(`Sealed secret is malformed (expected "${VERSION}.<iv>.<tag>.<ciphertext>")`)
  }
  const [, ivText = '', tagText = '', ciphertextText = ''] = parts
  const iv = Buffer.from(ivText, 'base64url')
  const tag = Buffer.from(tagText, 'base64url')
  const ciphertext = Buffer.from(ciphertextText, 'base64url')
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretBoxError('Sealed secret is malformed (bad IV or tag length)')
  }
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(appSecret, purpose), iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(Buffer.from(VERSION))
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
  } catch (cause) {
    throw new SecretBoxError('Sealed secret could not be opened: it was altered, or SESSION_SECRET has changed', { cause })
  }
}

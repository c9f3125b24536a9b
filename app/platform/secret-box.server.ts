import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Encryption at rest, AES-256-GCM, in two forms that share one cipher core:
 *
 * - `sealSecret` / `openSecret` (the TOTP seeds, sealed mail): a key derived
 *   from SESSION_SECRET by HKDF-SHA256, one per purpose. A database dump alone
 *   reveals nothing; rotating SESSION_SECRET makes them unreadable (members
 *   then sign in with a recovery code). Form: `v1.<iv>.<tag>.<ciphertext>`.
 * - `sealWithKeyRing` / `openWithKeyRing` (members' emergency contacts): an
 *   operator's data key (MEMBER_DATA_KEY) that can be rotated. Each value names
 *   the key that sealed it, so opening picks the right one of the ring and a
 *   rekey can move every row to the new key. Form:
 *   `k1.<key id>.<iv>.<tag>.<ciphertext>`, bound to a context (the row it
 *   belongs to) so a value copied onto another row does not open there.
 *
 * Every part is base64url; the version (and key id, context) is authenticated.
 */

const VERSION = 'v1'
const KEYED_VERSION = 'k1'
// A distinct info string per use gives each its own key, unrelated to the
// cookie-signing one. Fixed forever: two-step secrets sealed with 'totp' must open.
const HKDF_INFO = { totp: 'band-platform totp secret v1', mail: 'band-platform outbox mail v1' } as const
export type SecretPurpose = keyof typeof HKDF_INFO
const HKDF_SALT = 'band-platform secret-box'
const IV_BYTES = 12 // the GCM standard nonce; random per seal
const TAG_BYTES = 16
export const DATA_KEY_BYTES = 32

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

type Sealed = { iv: Buffer; tag: Buffer; ciphertext: Buffer }

function encrypt(key: Buffer, plain: string, aad: string): Sealed {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad))
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return { iv, tag: cipher.getAuthTag(), ciphertext }
}

/** Undefined when the tag does not match: altered, another key, or another context. */
function decrypt(key: Buffer, sealed: Sealed, aad: string): string | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(Buffer.from(aad))
  decipher.setAuthTag(sealed.tag)
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}

function encodeParts(sealed: Sealed): string[] {
  return [sealed.iv, sealed.tag, sealed.ciphertext].map((part) => part.toString('base64url'))
}

function decodeParts(ivText: string, tagText: string, ciphertextText: string): Sealed {
  const sealed = {
    iv: Buffer.from(ivText, 'base64url'),
    tag: Buffer.from(tagText, 'base64url'),
    ciphertext: Buffer.from(ciphertextText, 'base64url'),
  }
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== TAG_BYTES) {
    throw new SecretBoxError('Sealed secret is malformed (bad IV or tag length)')
  }
  return sealed
}

/**
 * Encrypts `plain` for storage. Each call uses a fresh random IV, so sealing
 * the same value twice gives different strings.
 */
export function sealSecret(plain: string, appSecret: string, purpose: SecretPurpose = 'totp'): string {
  // The version is authenticated too, so it cannot be swapped for a future format.
  return [VERSION, ...encodeParts(encrypt(deriveKey(appSecret, purpose), plain, VERSION))].join('.')
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
  const plain = decrypt(deriveKey(appSecret, purpose), decodeParts(ivText, tagText, ciphertextText), VERSION)
  if (plain === undefined) throw new SecretBoxError('Sealed secret could not be opened: it was altered, or SESSION_SECRET has changed')
  return plain
}

/** A data key, its id (the first 8 hex digits of its SHA-256, safe to print) and where it came from. */
export type DataKey = { id: string; key: Buffer; label: string }

/** The key that seals new values, and older ones that may still open values (rotation). */
export type DataKeyRing = { current: DataKey; previous: DataKey[] }

export function dataKey(key: Buffer, label: string): DataKey {
  if (key.length !== DATA_KEY_BYTES) throw new SecretBoxError(`${label} must be ${DATA_KEY_BYTES} bytes, not ${key.length}`)
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key, label }
}

/**
 * A data key as an operator writes it: 64 hex digits, or base64 (standard or
 * URL alphabet) of exactly 32 bytes. Undefined for anything else.
 */
export function decodeDataKey(text: string): Buffer | undefined {
  const value = text.trim()
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex')
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined
  const bytes = Buffer.from(value, 'base64')
  return bytes.length === DATA_KEY_BYTES ? bytes : undefined
}

/** The same key under HKDF for one purpose: an app secret turned into a data key. */
export function deriveDataKey(appSecret: string, info: string, label: string): DataKey {
  if (appSecret.length === 0) throw new SecretBoxError('The app secret (SESSION_SECRET) is empty')
  return dataKey(Buffer.from(hkdfSync('sha256', appSecret, HKDF_SALT, info, DATA_KEY_BYTES)), label)
}

const keyedAad = (keyId: string, context: string) => `${KEYED_VERSION}.${keyId}.${context}`

/**
 * Seals `plain` with the ring's current key, bound to `context` (e.g.
 * "member:<id>:emergency_contacts"): it opens only with the same context.
 */
export function sealWithKeyRing(plain: string, ring: DataKeyRing, context: string): string {
  const { id, key } = ring.current
  return [KEYED_VERSION, id, ...encodeParts(encrypt(key, plain, keyedAad(id, context)))].join('.')
}

/** The id of the key a value was sealed with, or undefined when it is not a keyed value. */
export function sealedKeyId(sealed: string): string | undefined {
  const [version, keyId] = sealed.split('.')
  return version === KEYED_VERSION && keyId && /^[0-9a-f]{8}$/.test(keyId) ? keyId : undefined
}

/**
 * Opens a value made by `sealWithKeyRing` with whichever key of the ring sealed it.
 * @throws SecretBoxError naming the problem: malformed, sealed with a key the
 *   ring does not hold, or altered (or moved to another context).
 */
export function openWithKeyRing(sealed: string, ring: DataKeyRing, context: string): string {
  const parts = sealed.split('.')
  const keyId = sealedKeyId(sealed)
  if (parts.length !== 5 || !keyId) {
    throw new SecretBoxError(`Sealed value is malformed (expected "${KEYED_VERSION}.<key id>.<iv>.<tag>.<ciphertext>")`)
  }
  const [, , ivText = '', tagText = '', ciphertextText = ''] = parts
  const key = [ring.current, ...ring.previous].find((candidate) => candidate.id === keyId)
  if (!key) {
    const held = [ring.current, ...ring.previous].map((candidate) => `${candidate.label} (${candidate.id})`).join(', ')
    throw new SecretBoxError(`Sealed value was sealed with key ${keyId}, which is not configured (configured: ${held}). Set the key it was sealed with as the previous key.`)
  }
  const plain = decrypt(key.key, decodeParts(ivText, tagText, ciphertextText), keyedAad(keyId, context))
  if (plain === undefined) throw new SecretBoxError(`Sealed value could not be opened with ${key.label} (${keyId}): it was altered or belongs to another record`)
  return plain
}

import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/**
 * Signed, expiring download links for part files (Music library II):
 * `/files/<fileId>?expires=<unix seconds>&signature=<base64url>`, where the
 * signature is an HMAC-SHA256 over the file id, the member's user id and the
 * expiry. A page hands one out only to a member allowed to see the part; the
 * file route checks the signature, the expiry and that the signed-in user is
 * the one the link was made for, so a link passed on, guessed or kept past
 * its time is refused. The key is derived from the session secret by HKDF
 * (like the audit key), so it needs no setting of its own and changing the
 * secret invalidates every link.
 */

/** How long a link works unless a caller says otherwise. */
export const FILE_LINK_LIFETIME_MS = 15 * 60 * 1000

export type FileLink = { fileId: string; userId: string; expiresAt: Date }
export type FileLinkCheck = { ok: true } | { ok: false; reason: 'malformed' | 'expired' | 'signature' }

export function fileLinkKey(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'band-platform file links', 'file link key v1', 32))
}

const expirySeconds = (expiresAt: Date) => Math.floor(expiresAt.getTime() / 1000)

function signature(key: Buffer, fileId: string, userId: string, expires: number): Buffer {
  // Fields joined by a byte none of them can hold (ids are UUIDs, the expiry digits).
  return createHmac('sha256', key).update(`${fileId}\n${userId}\n${expires}`).digest()
}

/** The path and query of a link to `fileId` for `userId`, valid until `expiresAt` (to the second). */
export function signFileLink(key: Buffer, link: FileLink): string {
  const expires = expirySeconds(link.expiresAt)
  const query = new URLSearchParams({ expires: String(expires), signature: signature(key, link.fileId, link.userId, expires).toString('base64url') })
  return `/files/${encodeURIComponent(link.fileId)}?${query}`
}

/** Checks a link's `expires` and `signature` for this file and this user at `now`. */
export function checkFileLink(
  key: Buffer,
  link: { fileId: string; userId: string; expires: string | null; signature: string | null },
  now: Date = new Date(),
): FileLinkCheck {
  if (!link.expires || !/^\d{1,12}$/.test(link.expires) || !link.signature || !/^[\w-]{43}$/.test(link.signature)) return { ok: false, reason: 'malformed' }
  const expires = Number(link.expires)
  const given = Buffer.from(link.signature, 'base64url')
  const expected = signature(key, link.fileId, link.userId, expires)
  // The signature first, in constant time: an expired link is only reported as such when it was really ours.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' }
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true }
}

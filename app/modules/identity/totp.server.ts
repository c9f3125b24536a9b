import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { getTOTPAuthUri } from '@epic-web/totp'

import QRCode from 'qrcode'
import type { Db } from '#db/types.ts'
import { deleteRecoveryCodes } from './recovery-codes.server.ts'
import { openSecret, sealSecret } from '#app/platform/secret-box.server.ts'

/**
 * Time-based one-time passwords (RFC 6238) for two-step sign-in. All TOTP code
 * lives here (STYLE.md): enrolment, confirmation, login checks, removal.
 *
 * Settings every authenticator app understands: SHA-1, 6 digits, 30 seconds.
 * The secret is stored sealed (secret-box.server.ts) and `last_used_step`
 * remembers the last accepted 30-second step, so a code works once and an
 * older code never works after a newer one.
 *
 * @epic-web/totp builds the otpauth:// URI. Its generate/verify functions read
 * the clock themselves and report only a relative delta, but we need the
 * absolute step (for `last_used_step`) and a fixed `now` in tests, so the
 * HOTP value (RFC 4226 §5.3) is computed here with node:crypto; the tests
 * check it against the library and the RFC 6238 test vectors.
 */

const PERIOD_SECONDS = 30
const DIGITS = 6
const ALGORITHM = 'SHA-1'
// One step either side absorbs phone clocks up to ~30 s off (RFC 6238 §5.2).
const DRIFT_STEPS = 1
// 160 bits, the length RFC 4226 recommends (the library's default is 80).
const SECRET_BYTES = 20
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const CODE_PATTERN = /^\d{6}$/ // DIGITS of them

/** Thrown by `startTotpEnrolment` when the user already has a confirmed authenticator. */
export class TotpAlreadyEnrolledError extends Error {
  constructor() {
    super('Two-step sign-in is already set up for this account. Remove it before setting up a new authenticator.')
    this.name = 'TotpAlreadyEnrolledError'
  }
}

export type TotpEnrolment = {
  /** otpauth://totp/… for authenticator apps (what the QR code holds). */
  otpauthUri: string
  /** The secret in base32, grouped in fours for typing by hand, e.g. `ABCD EFGH …`. */
  manualKey: string
  /** An accessible SVG (role="img", aria-label and <title>) of the otpauthUri. */
  qrSvg: string
}

export type TotpVerification = { ok: true } | { ok: false; reason: 'invalid' | 'reused' | 'not_enrolled' }

/**
 * Starts (or restarts) setting up an authenticator: makes a new secret and
 * stores it sealed and unconfirmed, replacing an earlier unfinished attempt.
 * Show the result to the member, then call `confirmTotpEnrolment` with the
 * code their app shows.
 * @throws TotpAlreadyEnrolledError when a confirmed credential exists.
 */
export async function startTotpEnrolment(
  db: Db,
  {
    userId,
    accountName,
    issuer,
    appSecret,
  }: { userId: string; accountName: string; issuer: string; appSecret: string },
): Promise<TotpEnrolment> {
  const secret = base32Encode(randomBytes(SECRET_BYTES))
  const sealed = sealSecret(secret, appSecret)

  // One statement: the `where` keeps a confirmed credential (even one confirmed
  // a moment ago by another request) from being overwritten.
  const row = await db
    .insertInto('totp_credentials')
    .values({ user_id: userId, secret_encrypted: sealed, confirmed_at: null, last_used_step: null })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_encrypted: sealed, confirmed_at: null, last_used_step: null })
        .where('totp_credentials.confirmed_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst()
  if (!row) throw new TotpAlreadyEnrolledError()

  return describeEnrolment(secret, accountName, issuer)
}

/**
 * The unfinished enrolment again (QR code and key), for the page that asks
 * for the first code: a form posted without JavaScript, or a wrong code,
 * must not lose the QR code. Null when nothing is waiting for confirmation.
 */
export async function describePendingTotp(
  db: Db,
  { userId, accountName, issuer, appSecret }: { userId: string; accountName: string; issuer: string; appSecret: string },
): Promise<TotpEnrolment | null> {
  const credential = await db
    .selectFrom('totp_credentials')
    .select(['secret_encrypted'])
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst()
  if (!credential) return null
  return describeEnrolment(openSecret(credential.secret_encrypted, appSecret), accountName, issuer)
}

async function describeEnrolment(secret: string, accountName: string, issuer: string): Promise<TotpEnrolment> {
  const otpauthUri = getTOTPAuthUri({
    secret,
    accountName,
    issuer,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
  })
  const qrSvg = await qrCodeSvg(otpauthUri, `QR code to add ${issuer} (${accountName}) to an authenticator app`)
  return { otpauthUri, manualKey: groupKey(secret), qrSvg }
}

/**
 * Finishes setting up: true when `code` is right for the unconfirmed secret,
 * which is then confirmed (and the code's step recorded, so it cannot sign in
 * again). False for a wrong code or when nothing is waiting for confirmation.
 * Run it in one transaction with `createRecoveryCodes` and the audit row.
 * @throws SecretBoxError when the stored secret cannot be opened with appSecret.
 */
export async function confirmTotpEnrolment(
  db: Db,
  { userId, code, appSecret, now = new Date() }: { userId: string; code: string; appSecret: string; now?: Date },
): Promise<boolean> {
  const otp = normaliseCode(code)
  if (!otp) return false
  const credential = await db
    .selectFrom('totp_credentials')
    .select(['secret_encrypted'])
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst()
  if (!credential) return false

  const step = matchingStep(openSecret(credential.secret_encrypted, appSecret), otp, now)
  if (step === null) return false

  // Guarded by the secret we checked against: a restart in between replaced it.
  const result = await db
    .updateTable('totp_credentials')
    .set({ confirmed_at: now, last_used_step: step })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is', null)
    .where('secret_encrypted', '=', credential.secret_encrypted)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Checks a sign-in code against the user's confirmed authenticator. Accepts
 * the current step and one either side; refuses ('reused') a code whose step
 * is not newer than the last accepted one. Two simultaneous requests with the
 * same code: exactly one gets `{ ok: true }`. Rate-limit the callers: a
 * 6-digit code can be guessed with enough tries.
 * @throws SecretBoxError when the stored secret cannot be opened with appSecret
 * (SESSION_SECRET changed): the member must use a recovery code.
 */
export async function verifyTotpCode(
  db: Db,
  { userId, code, appSecret, now = new Date() }: { userId: string; code: string; appSecret: string; now?: Date },
): Promise<TotpVerification> {
  const credential = await db
    .selectFrom('totp_credentials')
    .select(['secret_encrypted', 'last_used_step'])
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  if (!credential) return { ok: false, reason: 'not_enrolled' }

  const otp = normaliseCode(code)
  if (!otp) return { ok: false, reason: 'invalid' }
  const step = matchingStep(openSecret(credential.secret_encrypted, appSecret), otp, now)
  if (step === null) return { ok: false, reason: 'invalid' }
  if (credential.last_used_step !== null && step <= Number(credential.last_used_step)) {
    return { ok: false, reason: 'reused' }
  }

  // The guard makes the database decide between racing requests: only one
  // UPDATE can move last_used_step up to this step.
  const result = await db
    .updateTable('totp_credentials')
    .set({ last_used_step: step })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst()
  return result.numUpdatedRows > 0n ? { ok: true } : { ok: false, reason: 'reused' }
}

/** True when the user has a confirmed authenticator (sign-in then asks for a code). */
export async function hasConfirmedTotp(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('totp_credentials')
    .select(['user_id'])
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  return row !== undefined
}

/** Where the user stands: no authenticator, one being set up, or one in use. */
export async function getTotpState(db: Db, userId: string): Promise<'off' | 'pending' | 'on'> {
  const row = await db.selectFrom('totp_credentials').select(['confirmed_at']).where('user_id', '=', userId).executeTakeFirst()
  return !row ? 'off' : row.confirmed_at ? 'on' : 'pending'
}

/**
 * Turns two-step sign-in off: deletes the credential (confirmed or not) and
 * all recovery codes. Returns whether a credential existed (for the audit row).
 */
export async function removeTotp(db: Db, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('totp_credentials').where('user_id', '=', userId).executeTakeFirst()
  await deleteRecoveryCodes(db, userId)
  return result.numDeletedRows > 0n
}

/**
 * The 6-digit code an authenticator app shows at `at` for this key. For tests
 * and the end-to-end suite; accepts the grouped `manualKey` (spaces, any case).
 */
export function generateTotpCode(manualKey: string, at: Date = new Date()): string {
  return hotp(base32Decode(manualKey), stepAt(at))
}

function stepAt(at: Date): number {
  return Math.floor(at.getTime() / 1000 / PERIOD_SECONDS)
}

/** The matched step, newest first, so a code valid for two steps counts as the newer. */
function matchingStep(secret: string, otp: string, now: Date): number | null {
  const key = base32Decode(secret)
  const current = stepAt(now)
  let found: number | null = null
  for (let step = current + DRIFT_STEPS; step >= current - DRIFT_STEPS; step--) {
    // Check every step and compare in constant time, so timing says nothing about which matched.
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(otp)) && found === null) found = step
  }
  return found
}

function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const digest = createHmac('sha1', key).update(message).digest()
  // Dynamic truncation, RFC 4226 §5.3.
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f
  const binary = digest.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0')
}

/** Digits only, spaces removed (apps show `123 456`); null when it cannot be a code. */
function normaliseCode(input: string): string | null {
  const compact = input.replace(/\s/g, '')
  return CODE_PATTERN.test(compact) ? compact : null
}

function groupKey(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret
}

function base32Encode(bytes: Buffer): string {
  let bits = 0
  let value = 0
  let output = ''
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff
    bits += 8
    while (bits >= 5) {
      output += BASE32_ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) output += BASE32_ALPHABET[(value << (5 - bits)) & 31]
  return output
}

function base32Decode(input: string): Buffer {
  const clean = input.replace(/[\s=-]/g, '').toUpperCase()
  const bytes: number[] = []
  let bits = 0
  let value = 0
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char)
    if (index === -1) throw new Error(`Not a base32 TOTP key: unexpected "${char}"`)
    value = ((value << 5) | index) & 0xffff
    bits += 5
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(bytes)
}

async function qrCodeSvg(text: string, label: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
  const name = escapeXml(label)
  // Screen readers announce the image by this name instead of skipping or spelling out paths.
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${name}" `).replace(/^(<svg[^>]*>)/, `$1<title>${name}</title>`)
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

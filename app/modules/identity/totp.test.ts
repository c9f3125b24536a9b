import { generateTOTP } from '@epic-web/totp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { countUnusedRecoveryCodes, createRecoveryCodes } from './recovery-codes.server.ts'
import { openSecret, SecretBoxError, sealSecret } from '#app/platform/secret-box.server.ts'
import {
  confirmTotpEnrolment,
  generateTotpCode,
  hasConfirmedTotp,
  removeTotp,
  startTotpEnrolment,
  TotpAlreadyEnrolledError,
  verifyTotpCode,
} from './totp.server.ts'

const appSecret = 'test-session-secret-0123456789-abcdefghij'
// 10 s into a 30-second step, so ±seconds stay inside it.
const T0 = new Date('2026-03-01T12:00:10Z')
const seconds = (date: Date, delta: number) => new Date(date.getTime() + delta * 1000)

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

let userCount = 0
async function createUser(): Promise<string> {
  userCount += 1
  const row = await database.db
    .insertInto('users')
    .values({ email: `player${userCount}@example.org`, display_name: `Player ${userCount}` })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

async function enrolledUser(now = T0): Promise<{ userId: string; manualKey: string }> {
  const userId = await createUser()
  const { manualKey } = await startTotpEnrolment(database.db, {
    userId,
    accountName: 'player@example.org',
    issuer: 'Riverside Community Band',
    appSecret,
  })
  const confirmed = await confirmTotpEnrolment(database.db, { userId, code: generateTotpCode(manualKey, now), appSecret, now })
  expect(confirmed).toBe(true)
  return { userId, manualKey }
}

describe(`TOTP on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('computes the RFC 6238 test vectors (SHA-1, last six digits)', () => {
    // Secret "12345678901234567890" in base32, from RFC 6238 Appendix B.
    const key = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
    const vectors: [number, string][] = [
      [59, '287082'],
      [1111111109, '081804'],
      [1111111111, '050471'],
      [1234567890, '005924'],
      [2000000000, '279037'],
      [20000000000, '353130'],
    ]
    for (const [unixSeconds, code] of vectors) {
      expect(generateTotpCode(key, new Date(unixSeconds * 1000))).toBe(code)
    }
    expect(generateTotpCode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', new Date(59_000))).toBe('287082')
  })

  it('agrees with @epic-web/totp for the current time', async () => {
    const key = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
    // Retry if a step boundary falls between the two calls.
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = generateTotpCode(key, new Date())
      const { otp } = await generateTOTP({ secret: key, algorithm: 'SHA-1', digits: 6, period: 30 })
      if (before === generateTotpCode(key, new Date())) {
        expect(otp).toBe(before)
        return
      }
    }
    throw new Error('the clock kept crossing step boundaries')
  })

  it('enrols with a QR code, a readable key and an otpauth URI, storing the secret sealed', async () => {
    const userId = await createUser()
    const enrolment = await startTotpEnrolment(database.db, {
      userId,
      accountName: 'player@example.org',
      issuer: 'Brass & Reed <Band>',
      appSecret,
    })
    expect(enrolment.manualKey).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/)
    const secret = enrolment.manualKey.replace(/ /g, '')
    const uri = new URL(enrolment.otpauthUri)
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.searchParams.get('secret')).toBe(secret)
    expect(uri.searchParams.get('issuer')).toBe('Brass & Reed <Band>')
    expect(uri.searchParams.get('algorithm')).toBe('SHA1')
    expect(uri.searchParams.get('digits')).toBe('6')
    expect(uri.searchParams.get('period')).toBe('30')

    expect(enrolment.qrSvg.startsWith('<svg')).toBe(true)
    expect(enrolment.qrSvg).toContain('role="img"')
    expect(enrolment.qrSvg).toMatch(/aria-label="QR code to add Brass &#38; Reed &#60;Band&#62; \(player@example\.org\)/)
    expect(enrolment.qrSvg).toMatch(/<title>QR code to add Brass &#38; Reed/)
    expect(enrolment.qrSvg).not.toContain('<Band>')

    const row = await database.db
      .selectFrom('totp_credentials')
      .select(['secret_encrypted', 'confirmed_at', 'last_used_step'])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow()
    expect(row.confirmed_at).toBeNull()
    expect(row.last_used_step).toBeNull()
    expect(row.secret_encrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(row.secret_encrypted).not.toContain(secret)
    expect(openSecret(row.secret_encrypted, appSecret)).toBe(secret)
    expect(() => openSecret(row.secret_encrypted, 'another-session-secret-0123456789abcdef')).toThrow(SecretBoxError)
    expect(await hasConfirmedTotp(database.db, userId)).toBe(false)
  })

  it('confirms only with a right code for the unconfirmed secret; a restart replaces the secret', async () => {
    const userId = await createUser()
    const input = { userId, accountName: 'player@example.org', issuer: 'Band', appSecret }
    const first = await startTotpEnrolment(database.db, input)
    const second = await startTotpEnrolment(database.db, input)
    expect(second.manualKey).not.toBe(first.manualKey)

    // Not enrolled yet: sign-in codes are not checked.
    expect(await verifyTotpCode(database.db, { userId, code: generateTotpCode(second.manualKey, T0), appSecret, now: T0 })).toEqual({
      ok: false,
      reason: 'not_enrolled',
    })
    const wrong = generateTotpCode(second.manualKey, T0) === '000000' ? '111111' : '000000'
    expect(await confirmTotpEnrolment(database.db, { userId, code: wrong, appSecret, now: T0 })).toBe(false)
    expect(await confirmTotpEnrolment(database.db, { userId, code: 'abc', appSecret, now: T0 })).toBe(false)
    expect(
      await confirmTotpEnrolment(database.db, { userId, code: generateTotpCode(first.manualKey, T0), appSecret, now: T0 }),
    ).toBe(false)

    const code = generateTotpCode(second.manualKey, T0)
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`
    expect(await confirmTotpEnrolment(database.db, { userId, code: spaced, appSecret, now: T0 })).toBe(true)
    expect(await hasConfirmedTotp(database.db, userId)).toBe(true)
    // Nothing left to confirm.
    expect(await confirmTotpEnrolment(database.db, { userId, code, appSecret, now: T0 })).toBe(false)

    const row = await database.db
      .selectFrom('totp_credentials')
      .select(['confirmed_at', 'last_used_step'])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow()
    expect(row.confirmed_at?.toISOString()).toBe(T0.toISOString())
    expect(row.last_used_step).toBe(Math.floor(T0.getTime() / 30_000))
  })

  it('refuses a new enrolment while a confirmed one exists', async () => {
    const { userId } = await enrolledUser()
    await expect(
      startTotpEnrolment(database.db, { userId, accountName: 'player@example.org', issuer: 'Band', appSecret }),
    ).rejects.toThrow(TotpAlreadyEnrolledError)
    expect(await hasConfirmedTotp(database.db, userId)).toBe(true)
  })

  it('accepts each code once, and never an older code after a newer one', async () => {
    const { userId, manualKey } = await enrolledUser()
    const verify = (code: string, now: Date) => verifyTotpCode(database.db, { userId, code, appSecret, now })

    // The code used to confirm cannot sign in.
    expect(await verify(generateTotpCode(manualKey, T0), T0)).toEqual({ ok: false, reason: 'reused' })

    const t1 = seconds(T0, 30)
    expect(await verify(generateTotpCode(manualKey, t1), t1)).toEqual({ ok: true })
    expect(await verify(generateTotpCode(manualKey, t1), t1)).toEqual({ ok: false, reason: 'reused' })

    const t3 = seconds(T0, 90)
    expect(await verify(generateTotpCode(manualKey, t3), t3)).toEqual({ ok: true })
    // The previous step is inside the drift window but older than the last one used.
    expect(await verify(generateTotpCode(manualKey, seconds(t3, -30)), t3)).toEqual({ ok: false, reason: 'reused' })
  })

  it('says invalid for a wrong or malformed code and accepts spaces', async () => {
    const { userId, manualKey } = await enrolledUser()
    const now = seconds(T0, 300)
    const right = generateTotpCode(manualKey, now)
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0')
    const verify = (code: string) => verifyTotpCode(database.db, { userId, code, appSecret, now })
    for (const code of [wrong, '12345', '1234567', 'abcdef', '', '12345a']) {
      expect(await verify(code)).toEqual({ ok: false, reason: 'invalid' })
    }
    expect(await verify(` ${right.slice(0, 3)} ${right.slice(3)} `)).toEqual({ ok: true })
  })

  it('accepts one step of clock drift either way, not two', async () => {
    const now = seconds(T0, 600)
    const { userId, manualKey } = await enrolledUser()
    const verify = (at: Date) => verifyTotpCode(database.db, { userId, code: generateTotpCode(manualKey, at), appSecret, now })

    expect(await verify(seconds(now, -60))).toEqual({ ok: false, reason: 'invalid' })
    expect(await verify(seconds(now, 60))).toEqual({ ok: false, reason: 'invalid' })
    expect(await verify(seconds(now, -30))).toEqual({ ok: true })
    expect(await verify(seconds(now, 30))).toEqual({ ok: true })
  })

  it('lets exactly one of two simultaneous sign-ins with the same code through', async () => {
    const { userId, manualKey } = await enrolledUser()
    const now = seconds(T0, 900)
    const code = generateTotpCode(manualKey, now)
    const results = await Promise.all(
      Array.from({ length: 4 }, () => verifyTotpCode(database.db, { userId, code, appSecret, now })),
    )
    expect(results.filter((result) => result.ok)).toHaveLength(1)
    expect(results.filter((result) => !result.ok)).toEqual(Array(3).fill({ ok: false, reason: 'reused' }))
  })

  it('removes the authenticator and the recovery codes', async () => {
    const { userId, manualKey } = await enrolledUser()
    await createRecoveryCodes(database.db, userId)
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(10)

    expect(await removeTotp(database.db, userId)).toBe(true)
    expect(await hasConfirmedTotp(database.db, userId)).toBe(false)
    expect(await countUnusedRecoveryCodes(database.db, userId)).toBe(0)
    const now = seconds(T0, 1200)
    expect(await verifyTotpCode(database.db, { userId, code: generateTotpCode(manualKey, now), appSecret, now })).toEqual({
      ok: false,
      reason: 'not_enrolled',
    })
    expect(await removeTotp(database.db, userId)).toBe(false)
    // And it can be set up again.
    await startTotpEnrolment(database.db, { userId, accountName: 'player@example.org', issuer: 'Band', appSecret })
  })

  it('works inside a caller transaction', async () => {
    const userId = await createUser()
    const { manualKey } = await startTotpEnrolment(database.db, { userId, accountName: 'p@example.org', issuer: 'Band', appSecret })
    const codes = await database.db.transaction().execute(async (trx) => {
      const confirmed = await confirmTotpEnrolment(trx, { userId, code: generateTotpCode(manualKey, T0), appSecret, now: T0 })
      expect(confirmed).toBe(true)
      return createRecoveryCodes(trx, userId)
    })
    expect(codes).toHaveLength(10)
    expect(await hasConfirmedTotp(database.db, userId)).toBe(true)
  })
})

describe('secret box', () => {
  it('round-trips, uses a fresh IV each time, and refuses tampering or another key', () => {
    const sealed = sealSecret('JBSWY3DPEHPK3PXP', appSecret)
    expect(sealed).not.toBe(sealSecret('JBSWY3DPEHPK3PXP', appSecret))
    expect(openSecret(sealed, appSecret)).toBe('JBSWY3DPEHPK3PXP')

    expect(() => openSecret(sealed, `${appSecret}x`)).toThrow(/altered, or SESSION_SECRET has changed/)
    const [version, iv, tag, ciphertext = ''] = sealed.split('.')
    const flipped = ciphertext.startsWith('A') ? `B${ciphertext.slice(1)}` : `A${ciphertext.slice(1)}`
    expect(() => openSecret([version, iv, tag, flipped].join('.'), appSecret)).toThrow(SecretBoxError)
    expect(() => openSecret(`v2.${iv}.${tag}.${ciphertext}`, appSecret)).toThrow(/malformed/)
    expect(() => openSecret('not sealed', appSecret)).toThrow(/malformed/)
    expect(() => sealSecret('x', '')).toThrow(SecretBoxError)
  })
})

import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { checkFileLink, FILE_LINK_LIFETIME_MS, fileLinkKey, signFileLink } from './file-links.server.ts'

/** Signed download links: pure functions, no database (the same in both runtime modes). */

const key = fileLinkKey('test-session-secret-0123456789abcdef0123456789')
const now = new Date('2026-12-08T10:00:00Z')
const fileId = randomUUID()
const userId = randomUUID()

/** The parts of a signed link as the file route reads them. */
function parse(link: string) {
  const url = new URL(link, 'http://band.test')
  return { fileId: decodeURIComponent(url.pathname.split('/')[2] ?? ''), expires: url.searchParams.get('expires'), signature: url.searchParams.get('signature') }
}

describe('signed file links', () => {
  const link = signFileLink(key, { fileId, userId, expiresAt: new Date(now.getTime() + FILE_LINK_LIFETIME_MS) })

  test('look like /files/<id>?expires=…&signature=… and pass for the member they were made for', () => {
    expect(link).toMatch(new RegExp(`^/files/${fileId}\\?expires=\\d+&signature=[\\w-]{43}$`))
    expect(checkFileLink(key, { ...parse(link), userId }, now)).toEqual({ ok: true })
  })

  test('someone else signed in with the same link is refused', () => {
    expect(checkFileLink(key, { ...parse(link), userId: randomUUID() }, now)).toEqual({ ok: false, reason: 'signature' })
  })

  test('the same signature on another file id is refused', () => {
    expect(checkFileLink(key, { ...parse(link), fileId: randomUUID(), userId }, now)).toEqual({ ok: false, reason: 'signature' })
  })

  test('a later expiry written into the link breaks its signature', () => {
    const parts = parse(link)
    expect(checkFileLink(key, { ...parts, expires: String(Number(parts.expires) + 3600), userId }, now)).toEqual({ ok: false, reason: 'signature' })
  })

  test('expired after its lifetime (to the second), valid just before', () => {
    const parts = { ...parse(link), userId }
    expect(checkFileLink(key, parts, new Date(now.getTime() + FILE_LINK_LIFETIME_MS - 1000))).toEqual({ ok: true })
    expect(checkFileLink(key, parts, new Date(now.getTime() + FILE_LINK_LIFETIME_MS))).toEqual({ ok: false, reason: 'expired' })
  })

  test('a link made with another secret is refused', () => {
    const other = signFileLink(fileLinkKey('another-session-secret-0123456789abcdef012345'), { fileId, userId, expiresAt: new Date(now.getTime() + 60_000) })
    expect(checkFileLink(key, { ...parse(other), userId }, now)).toEqual({ ok: false, reason: 'signature' })
  })

  test('missing or malformed parameters are refused as malformed', () => {
    const parts = { ...parse(link), userId }
    for (const broken of [{ expires: null }, { signature: null }, { expires: '12ab' }, { expires: '-5' }, { signature: 'short' }, { signature: `${parts.signature}x` }]) {
      expect(checkFileLink(key, { ...parts, ...broken }, now)).toEqual({ ok: false, reason: 'malformed' })
    }
  })

  test('no query string whatever makes the check throw or pass', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: null }), fc.option(fc.string(), { nil: null }), (expires, signature) => {
        expect(checkFileLink(key, { fileId, userId, expires, signature }, now).ok).toBe(false)
      }),
    )
  })
})

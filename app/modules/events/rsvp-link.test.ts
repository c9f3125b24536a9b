import { describe, expect, it } from 'vitest'
import { rsvpLink, rsvpLinksFor, signRsvpToken, verifyRsvpToken, type RsvpLinkClaims } from './rsvp-link.server.ts'

const SECRET = 'test-session-secret-0123456789abcdef0123456789'
const claims: RsvpLinkClaims = {
  memberId: '3f9a1c2e-4b5d-4e6f-8a7b-9c0d1e2f3a4b',
  eventId: 'a1b2c3d4-e5f6-4789-8abc-def012345678',
  answer: 'not_going',
  expiresAt: new Date('2027-03-03T18:30:00Z'),
}
const before = new Date('2027-03-01T12:00:00Z')

/** The token with one of its five dot-separated fields replaced. */
function withField(token: string, index: number, value: string): string {
  const parts = token.split('.')
  parts[index] = value
  return parts.join('.')
}

describe('one-tap RSVP links', () => {
  it('carry member, event, answer and expiry, and verify with the same secret', () => {
    const token = signRsvpToken(SECRET, claims)
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[gnm]\.[0-9a-z]+\.[\w-]{43}$/)
    expect(token.length).toBeLessThan(120)
    expect(verifyRsvpToken(SECRET, token, before)).toEqual({ valid: true, claims })
  })

  it('builds an absolute /rsvp/ link on the site address', () => {
    const link = rsvpLink({ config: { siteUrl: 'https://band.example' }, sessionSecret: SECRET }, claims)
    expect(link).toBe(`https://band.example/rsvp/${signRsvpToken(SECRET, claims)}`)
  })

  it('gives an e-mail three links for one event, each answering one way and running out when answers close', () => {
    const runtime = { config: { siteUrl: 'https://band.example' }, sessionSecret: SECRET }
    const event = { id: claims.eventId, startsAt: new Date('2027-03-09T19:30:00Z'), rsvpDeadline: new Date('2027-03-07T12:00:00Z') }
    const links = rsvpLinksFor(runtime, { memberId: claims.memberId, event })
    for (const answer of ['going', 'not_going', 'maybe'] as const) {
      const token = links[answer].replace('https://band.example/rsvp/', '')
      expect(verifyRsvpToken(SECRET, token, before)).toEqual({ valid: true, claims: { memberId: claims.memberId, eventId: event.id, answer, expiresAt: event.rsvpDeadline } })
    }
    const withoutDeadline = rsvpLinksFor(runtime, { memberId: claims.memberId, event: { ...event, rsvpDeadline: null } })
    const token = withoutDeadline.going.split('/rsvp/')[1] ?? ''
    expect(verifyRsvpToken(SECRET, token, new Date('2027-03-09T19:29:00Z')).valid).toBe(true)
    expect(verifyRsvpToken(SECRET, token, event.startsAt)).toMatchObject({ valid: false, reason: 'expired' })
  })

  it('refuses a token with any field changed, even to a well-formed value', () => {
    const token = signRsvpToken(SECRET, claims)
    const other = signRsvpToken(SECRET, {
      memberId: '00000000-0000-4000-8000-000000000001',
      eventId: '00000000-0000-4000-8000-000000000002',
      answer: 'going',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    })
    // Each field of another valid token, swapped in one at a time: member, event, answer, expiry, signature.
    for (const index of [0, 1, 2, 3, 4]) {
      const tampered = withField(token, index, other.split('.')[index] ?? '')
      expect(verifyRsvpToken(SECRET, tampered, before), `field ${index}`).toMatchObject({ valid: false, reason: 'bad-signature' })
    }
    expect(verifyRsvpToken(SECRET, withField(token, 2, 'g'), before)).toMatchObject({ valid: false })
    expect(verifyRsvpToken(SECRET, `${token}x`, before)).toMatchObject({ valid: false })
    expect(verifyRsvpToken(SECRET, token.slice(0, -1), before)).toMatchObject({ valid: false })
  })

  it('refuses garbage without throwing', () => {
    for (const token of ['', '....', 'a.b.c.d.e', 'x'.repeat(5000), `${'a.'.repeat(4)}${'b'.repeat(43)}`, '%00.%00.%00.%00.%00']) {
      expect(verifyRsvpToken(SECRET, token, before).valid, token.slice(0, 20)).toBe(false)
    }
  })

  it('refuses a token signed with another secret or for another purpose', () => {
    expect(verifyRsvpToken(SECRET, signRsvpToken('another-secret-0123456789abcdef0123456789', claims), before)).toMatchObject({
      valid: false,
      reason: 'bad-signature',
    })
    // The same fields signed for another kind of link (a calendar feed, say) do not answer an RSVP.
    expect(verifyRsvpToken(SECRET, signRsvpToken(SECRET, claims, 'calendar'), before)).toMatchObject({ valid: false, reason: 'bad-signature' })
  })

  it('stops working at its expiry', () => {
    const token = signRsvpToken(SECRET, claims)
    expect(verifyRsvpToken(SECRET, token, new Date(claims.expiresAt.getTime() - 1000)).valid).toBe(true)
    expect(verifyRsvpToken(SECRET, token, claims.expiresAt)).toMatchObject({ valid: false, reason: 'expired' })
    expect(verifyRsvpToken(SECRET, token, new Date('2028-01-01T00:00:00Z'))).toMatchObject({ valid: false, reason: 'expired' })
  })

  it('will not sign something that is not a uuid', () => {
    expect(() => signRsvpToken(SECRET, { ...claims, memberId: 'max' })).toThrow()
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeRedirectPath } from './auth.server.ts'

const SITE = 'https://band.example.org'
const FALLBACK = '/portal'

/** Where a browser on our login page goes when we answer `Location: path`. */
function browserTarget(path: string): URL {
  return new URL(path, `${SITE}/login?redirectTo=x`)
}

// Pieces attackers combine: slashes both ways, dot segments plain and
// encoded, control characters browsers strip, credentials and ports.
const piece = fc.constantFrom(
  '/', '\\', '.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '%5C', '%09', '%00', '\t', '\n', '\r', ' ',
  'evil.example', 'evil.example:443', '@', ':', '?', '#', '&', '=', 'portal', 'events', 'a', 'http:', 'https:', 'javascript:', '//',
)
const tricky = fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''))

describe('safeRedirectPath', () => {
  it.each([
    '/.//evil.example',
    '/%2e//evil.example',
    '/..//evil.example',
    '/./\\evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/%2E%2E//evil.example/x',
    'https://evil.example/',
    'javascript:alert(1)',
  ])('sends %j to the fallback, not to another site', (target) => {
    expect(safeRedirectPath(target, FALLBACK)).toBe(FALLBACK)
  })

  it('keeps ordinary paths with their query and fragment', () => {
    expect(safeRedirectPath('/portal/events/12?tab=rsvp#set-list', FALLBACK)).toBe('/portal/events/12?tab=rsvp#set-list')
    expect(safeRedirectPath('/library/../portal', FALLBACK)).toBe('/portal')
  })

  it('never answers with a path a browser would take off this site (property)', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string(), tricky.map((text) => `/${text}`)), (target) => {
        const result = safeRedirectPath(target, FALLBACK)
        expect(result.startsWith('/')).toBe(true)
        expect(result.startsWith('//')).toBe(false)
        expect(browserTarget(result).origin).toBe(SITE)
        // What it returns is already safe: checking it again changes nothing.
        expect(safeRedirectPath(result, FALLBACK)).toBe(result)
      }),
      { numRuns: 5_000 },
    )
  })
})

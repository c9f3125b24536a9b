import { describe, expect, it } from 'vitest'
import { hashPassword, passwordProblem, verifyPassword } from './passwords.server.ts'

describe('password hashing', () => {
  it('uses argon2id with at least m=19 MiB, t=2, p=1 and verifies only the right password', async () => {
    const hash = await hashPassword('a long and quiet evening')
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/)
    const [, m, t, p] = /m=(\d+),t=(\d+),p=(\d+)/.exec(hash) ?? []
    expect(Number(m)).toBeGreaterThanOrEqual(19_456)
    expect(Number(t)).toBeGreaterThanOrEqual(2)
    expect(Number(p)).toBe(1)
    expect(await verifyPassword('a long and quiet evening', hash)).toBe(true)
    expect(await verifyPassword('a long and quiet evenin', hash)).toBe(false)
    expect(await verifyPassword('anything', 'not a hash')).toBe(false)
  })
})

describe('password policy (ASVS 5.0 §6.2)', () => {
  it.each([
    ['short1234', /at least 12/],
    ['x'.repeat(129), /at most 128/],
    ['password1234', /common passwords/],
    ['PASSWORD1234', /common passwords/],
    ['aaaaaaaaaaaaaa', /common passwords|single repeated/],
    ['maxmusician-trumpets', /name or email/],
  ])('refuses %s', (password, message) => {
    expect(passwordProblem(password, { email: 'maxmusician@example.org', displayName: 'Max Musician' })).toMatch(message)
  })

  it.each(['correct horse battery staple', 'Überall Töne 🎺 und Pausen', 'twelve chars', 'the quick brown fox jumps over the lazy dog near the old bandstand', 'no rules at all here'])(
    'accepts %s (no composition rules, any characters, up to 128)',
    (password) => {
      expect(passwordProblem(password)).toBeNull()
    },
  )
})

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
  const messages = {
    short: 'Use at least 12 characters. A few words in a row work well.',
    long: 'Use at most 128 characters.',
    common: 'This password is on a list of common passwords. Please choose another.',
    personal: 'Please do not use your name or email address in your password.',
    repeated: 'Please use a password that is not a single repeated character.',
  }
  const max = { email: 'maxmusician@example.org', displayName: 'Max Musician' }

  // Each refused password breaks one rule only, and the accepted one beside it
  // is the nearest password that keeps to that rule, so a rule that moved its
  // limit (or vanished) fails here. Lengths count characters, not UTF-16 units.
  it.each([
    ['11 characters', 'tuba & drum', {}, messages.short],
    ['11 characters, 13 UTF-16 units', 'Töne 🎺🥁 und', {}, messages.short],
    ['129 characters', 'the band plays on '.repeat(8).slice(0, 129), {}, messages.long],
    ['129 characters of emoji', '🎺🥁🎷🎻'.repeat(32) + '🎸', {}, messages.long],
    ['a common password', 'password1234', {}, messages.common],
    ['a common password in capitals', 'PASSWORD1234', {}, messages.common],
    ['the local part of the email', 'maxmusician-trumpets', max, messages.personal],
    ['the display name, in other case', 'I am MAX MUSICIAN on horn', max, messages.personal],
    ['a 4-character display name', 'maxi plays the tuba', { displayName: 'Maxi' }, messages.personal],
    ['two characters repeated', 'abababababab', {}, messages.repeated],
    ['two emoji repeated', '🎺🥁'.repeat(6), {}, messages.repeated],
    ['one character repeated', 'z'.repeat(20), {}, messages.repeated],
  ])('refuses %s', (_case, password, context, message) => {
    expect(passwordProblem(password, context)).toBe(message)
  })

  it.each([
    ['12 characters', 'tuba & drums', {}],
    ['12 characters, 14 UTF-16 units', 'Töne 🎺🥁 und!', {}],
    ['128 characters', 'the band plays on '.repeat(8).slice(0, 128), {}],
    ['128 characters of emoji (256 UTF-16 units)', '🎺🥁🎷🎻'.repeat(32), {}],
    ['a common password with one more character', 'password12345', {}],
    ['the email local part of someone else', 'maxmusician-trumpets', {}],
    ['a 3-character name (too short to count as personal)', 'max plays the tuba', { email: 'max@example.org', displayName: 'Max' }],
    ['three characters repeated', 'abcabcabcabc', {}],
    ['any characters, no composition rules', 'correct horse battery staple', max],
  ])('accepts %s', (_case, password, context) => {
    expect(passwordProblem(password, context)).toBeNull()
  })
})

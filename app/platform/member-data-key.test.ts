import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ConfigError, DERIVED_MEMBER_DATA_KEY, loadConfig, memberDataKeyWarning, resolveMemberDataKeys } from './config.server.ts'
import { openWithKeyRing, sealWithKeyRing } from './secret-box.server.ts'

// MEMBER_DATA_KEY and MEMBER_DATA_KEY_PREVIOUS (issue 8, item 2): validated at
// start, turned into the ring that seals and opens members' emergency contacts.

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env)
    return []
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
}

describe('MEMBER_DATA_KEY', () => {
  it('takes 32 bytes as 64 hex digits or as base64 (either alphabet)', () => {
    const key = randomBytes(32)
    for (const written of [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url'), ` ${key.toString('base64')}\n`]) {
      expect(loadConfig({ MEMBER_DATA_KEY: written }).memberDataKey?.equals(key), written).toBe(true)
    }
    expect(loadConfig({}).memberDataKey).toBeUndefined()
    expect(loadConfig({ MEMBER_DATA_KEY: '  ' }).memberDataKey).toBeUndefined()
  })

  it('refuses a key of the wrong size or form, naming the variable', () => {
    for (const bad of ['secret', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), `${'g'.repeat(64)}`, randomBytes(33).toString('base64')]) {
      expect(problemsOf({ MEMBER_DATA_KEY: bad }), bad).toEqual([expect.stringMatching(/^MEMBER_DATA_KEY must be 32 random bytes written as 64 hex digits or base64/)])
    }
    expect(problemsOf({ MEMBER_DATA_KEY_PREVIOUS: 'short' })).toEqual([expect.stringMatching(/^MEMBER_DATA_KEY_PREVIOUS must be 32 random bytes/)])
    const key = randomBytes(32)
    expect(problemsOf({ MEMBER_DATA_KEY: key.toString('hex'), MEMBER_DATA_KEY_PREVIOUS: key.toString('base64') })).toEqual([
      expect.stringContaining('MEMBER_DATA_KEY_PREVIOUS is the same key as MEMBER_DATA_KEY'),
    ])
  })

  it('without a key, derives one from the session secret (stable for one secret, different for another)', () => {
    const none = { memberDataKey: undefined, memberDataKeyPrevious: undefined }
    const ring = resolveMemberDataKeys(none, 'session-secret-one-0123456789abcdefghij')
    expect(ring.current.label).toBe(DERIVED_MEMBER_DATA_KEY)
    expect(ring.previous).toEqual([])
    expect(resolveMemberDataKeys(none, 'session-secret-one-0123456789abcdefghij').current.key.equals(ring.current.key)).toBe(true)
    expect(resolveMemberDataKeys(none, 'session-secret-two-0123456789abcdefghij').current.id).not.toBe(ring.current.id)
  })

  it('seals with MEMBER_DATA_KEY and still opens what the previous and the derived key sealed', () => {
    const secret = 'session-secret-0123456789abcdefghijklmn'
    const oldKey = randomBytes(32)
    const newKey = randomBytes(32)
    const derived = resolveMemberDataKeys({ memberDataKey: undefined, memberDataKeyPrevious: undefined }, secret)
    const old = resolveMemberDataKeys({ memberDataKey: oldKey, memberDataKeyPrevious: undefined }, secret)
    const ring = resolveMemberDataKeys({ memberDataKey: newKey, memberDataKeyPrevious: oldKey }, secret)
    expect(ring.current.label).toBe('MEMBER_DATA_KEY')
    expect(ring.previous.map((key) => key.label)).toEqual(['MEMBER_DATA_KEY_PREVIOUS', DERIVED_MEMBER_DATA_KEY])
    expect(openWithKeyRing(sealWithKeyRing('from before', old, 'ctx'), ring, 'ctx')).toBe('from before')
    expect(openWithKeyRing(sealWithKeyRing('from the start', derived, 'ctx'), ring, 'ctx')).toBe('from the start')
    expect(sealWithKeyRing('now', ring, 'ctx').split('.')[1]).toBe(ring.current.id)
    // Key ids are the first 8 hex digits of the key's SHA-256: safe to print, different per key.
    expect(ring.current.id).toMatch(/^[0-9a-f]{8}$/)
    expect(new Set([ring.current.id, ...ring.previous.map((key) => key.id)]).size).toBe(3)
  })

  it('warns a production server without its own key, and nobody else', () => {
    const key = randomBytes(32).toString('hex')
    expect(memberDataKeyWarning(loadConfig({ NODE_ENV: 'production' }), 'web')).toMatch(/MEMBER_DATA_KEY is not set/)
    expect(memberDataKeyWarning(loadConfig({ NODE_ENV: 'production' }), 'worker')).toMatch(/MEMBER_DATA_KEY is not set/)
    expect(memberDataKeyWarning(loadConfig({ NODE_ENV: 'production', MEMBER_DATA_KEY: key }), 'web')).toBeUndefined()
    expect(memberDataKeyWarning(loadConfig({}), 'web')).toBeUndefined()
    expect(memberDataKeyWarning(loadConfig({ NODE_ENV: 'production' }), 'command')).toBeUndefined()
  })
})

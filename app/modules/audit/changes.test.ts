import { describe, expect, it } from 'vitest'
import { canonicalJson, describeChanges, toJsonValue } from './changes.ts'

describe('audit changes', () => {
  it('normalises values to what jsonb gives back', () => {
    expect(
      toJsonValue({
        at: new Date('2026-03-04T05:06:07.089Z'),
        big: 12n,
        missing: undefined,
        list: [1, undefined, Number.NaN],
        bytes: new Uint8Array(16),
      }),
    ).toEqual({ at: '2026-03-04T05:06:07.089Z', big: '12', list: [1, null, null], bytes: '[16 bytes]' })
  })

  it('serialises canonically: sorted keys at every depth, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}')
  })

  it('finds no change when only key order or Date identity differ', () => {
    expect(
      describeChanges({
        before: { a: 1, when: new Date(0), nested: { x: 1, y: 2 } },
        after: { nested: { y: 2, x: 1 }, when: new Date(0), a: 1 },
      }),
    ).toEqual({ before: {}, after: {} })
  })

  it('refuses a value that refers to itself', () => {
    const loop: Record<string, unknown> = {}
    loop.self = loop
    expect(() => describeChanges({ after: loop })).toThrow(/refers to itself/)
  })
})

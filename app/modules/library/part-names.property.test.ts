import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_CHAIR, mapPartName, type PartNameMapping } from './part-names.ts'

function wellFormed(result: PartNameMapping) {
  expect(['sure', 'ambiguous', 'unknown']).toContain(result.status)
  expect(result.instrument === null).toBe(result.status === 'unknown')
  for (const chair of [...result.chairs, ...result.alsoFor.flatMap((part) => part.chairs)]) {
    expect(Number.isInteger(chair)).toBe(true)
    expect(chair).toBeGreaterThanOrEqual(1)
    expect(chair).toBeLessThanOrEqual(MAX_CHAIR)
  }
  if (result.status !== 'sure') expect(result.note).toBeTruthy()
}

/** Maps the name, and checks it took no longer than a bound (a backtracking regex would). */
function mapQuickly(name: string): PartNameMapping {
  const started = performance.now()
  const result = mapPartName(name)
  expect(performance.now() - started).toBeLessThan(250)
  return result
}

// Pieces of real names: aliases, keys, numbers, separators, and the noise around them.
const alias = fc.constantFrom(
  'Flute', 'Fl.', 'Picc.', 'Oboe', 'Ob.', 'Bsn.', 'Bassoon', 'Clarinet', 'Cl.', 'Bb Clarinet', 'B. Cl.', 'Bass Clarinet',
  'A. Sax', 'Alto Sax', 'T. Sax', 'Tenor Saxophone', 'Bari Sax', 'Trumpet', 'Tpt.', 'Cornet', 'Flugelhorn', 'Horn in F',
  'Hn.', 'Tbn.', 'Trombone', 'Bass Trombone', 'Euph.', 'Euphonium T.C.', 'Baritone B.C.', 'Tuba', 'String Bass',
  'Timp.', 'Perc.', 'Mallets', 'Score', 'Conductor', 'Klarinette', 'Posaune', 'Flügelhorn', 'Tenorhorn', 'Trompete',
  'Flöte', 'Fagott', 'Waldhorn', 'Schlagzeug', 'Pauken', 'Partitur', 'Direktion', 'TPT', 'TBN', 'FLGH', 'CL', 'HN',
)
const number = fc.constantFrom('1', '2', '3', '2nd', 'I', 'II', '1 & 2', '1-3', '1+2', '1/3', '', '25', '0')
const separator = fc.constantFrom(' ', '_', '-', ' - ', '', '.', ' (', ') ')
const noise = fc.constantFrom('', '03 ', '03_', '03-', 'In The Mood (Tyzik) - ', 'Holst_First_Suite-', 'in Bb ', 'Bb ', 'Eb ', 'in F ', '3. ')
const built = fc
  .tuple(noise, alias, separator, number, fc.constantFrom('', ' in Bb', ' in C', ' T.C.', '.pdf', '.PDF'))
  // A Roman numeral glued to letters ("FLGHII") is a word of its own, not a chair.
  .map(([before, name, between, chairs, after]) => `${before}${name}${between === '' && /^[A-Z]/.test(chairs) ? ' ' : between}${chairs}${after}`)

describe('mapPartName on any string (property)', () => {
  it('never throws, answers quickly and gives a well-formed mapping', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.string({ unit: 'grapheme', maxLength: 400 }),
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc.array(fc.oneof(alias, number, separator, noise, fc.constantFrom('/', '\\', '\u202e', '\u0000', '🎺', '((((', '1-1-1-1-')), { maxLength: 80 }).map((parts) => parts.join('')),
        ),
        (name) => wellFormed(mapQuickly(name)),
      ),
      { numRuns: 3_000 },
    )
  })

  it('copes with long, repetitive names that tempt a backtracking regex', () => {
    for (const name of ['a'.repeat(100_000), '1-'.repeat(50_000), `${'Clarinet '.repeat(5_000)}2`, '('.repeat(10_000), `${'x'.repeat(300)} Horn 1.pdf`]) {
      wellFormed(mapQuickly(name))
    }
    expect(mapPartName(`${'Long Title '.repeat(40)}- Horn 1.pdf`)).toMatchObject({ instrument: 'Horn in F', chairs: [1] })
  })

  it('maps names built from dictionary pieces to an instrument', () => {
    fc.assert(
      fc.property(built, (name) => {
        const result = mapQuickly(name)
        wellFormed(result)
        expect(result.instrument, name).not.toBeNull()
      }),
      { numRuns: 3_000 },
    )
  })
})

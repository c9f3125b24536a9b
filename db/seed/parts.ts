import type { Random } from './random.ts'
import type { RepertoireEntry } from './repertoire.ts'

export type PartSpec = { label: string; instrument: string; partNumber: number | null }

const SOLOIST: Record<string, string> = {
  Trumpet: 'Trumpet in B♭',
  Euphonium: 'Euphonium',
  Clarinet: 'Clarinet in B♭',
  'Alto Saxophone': 'Alto Saxophone',
  Flute: 'Flute',
  Trombone: 'Trombone',
  Xylophone: 'Mallet Percussion',
  Horn: 'Horn in F',
  Oboe: 'Oboe',
  Tuba: 'Tuba',
}

/**
 * The set of parts a publisher would send for a piece, in score order.
 * Harder pieces split more parts (three clarinets, four horns); marches and
 * British editions use cornets; easy pieces keep to the essentials. Every
 * set has a full score.
 */
export function partsFor(piece: RepertoireEntry, random: Random): PartSpec[] {
  const parts: PartSpec[] = []
  const single = (instrument: string, label = instrument) => parts.push({ label, instrument, partNumber: null })
  const numbered = (instrument: string, count: number) => {
    if (count === 1) return single(instrument)
    for (let n = 1; n <= count; n++) parts.push({ label: `${instrument} ${n}`, instrument, partNumber: n })
  }
  const { grade, genre, tags } = piece
  const easy = grade <= 1.5
  const hard = grade >= 4
  const lightMusic = ['pops', 'jazz', 'film'].includes(genre)
  // Draw every number up front so each piece takes the same share of the stream.
  const roll = Array.from({ length: 16 }, () => random.next())
  const at = (index: number): number => roll[index] ?? 0

  // The conductor's score files first, as in a publisher's set.
  single('Score', 'Full Score')
  if (genre === 'solo feature') {
    const soloist = Object.keys(SOLOIST).find((name) => piece.title.endsWith(name) || tags.includes(`feature: ${name.toLowerCase()}`))
    const instrument = SOLOIST[soloist ?? 'Trumpet'] ?? 'Trumpet in B♭'
    single(instrument, `Solo ${soloist ?? 'Trumpet'}`)
  }
  if (!easy && (grade >= 3 || at(0) < 0.5)) single('Piccolo')
  numbered('Flute', easy ? 1 : 2)
  numbered('Oboe', hard && at(1) < 0.5 ? 2 : 1)
  if (grade >= 4.5 && at(2) < 0.3) single('English Horn')
  numbered('Bassoon', hard && at(3) < 0.5 ? 2 : 1)
  if (hard && at(4) < 0.6) single('Clarinet in E♭')
  numbered('Clarinet in B♭', easy ? 2 : 3)
  if (!easy && at(5) < 0.2) single('Alto Clarinet')
  single('Bass Clarinet')
  if (grade >= 4.5 && at(6) < 0.3) single('Contrabass Clarinet')
  if (lightMusic && at(7) < 0.25) single('Soprano Saxophone')
  numbered('Alto Saxophone', easy ? 1 : 2)
  single('Tenor Saxophone')
  single('Baritone Saxophone')

  const cornets = genre === 'march' || (tags.includes('british') && at(8) < 0.7)
  if (cornets) {
    numbered('Cornet in B♭', easy ? 2 : 3)
    numbered('Trumpet in B♭', 2)
  } else {
    numbered('Trumpet in B♭', easy ? 2 : 3)
  }
  if (lightMusic && at(9) < 0.3) single('Flugelhorn')
  numbered('Horn in F', easy ? 1 : grade >= 3.5 ? 4 : 2)

  const bassTrombone = grade >= 3.5 && at(10) < 0.6
  numbered('Trombone', easy ? 1 : bassTrombone || grade < 2.5 ? 2 : 3)
  if (bassTrombone) single('Bass Trombone')
  single('Euphonium')
  // British publishers print a treble-clef euphonium part for brass-band players.
  if (at(11) < 0.6) single('Euphonium', 'Euphonium (treble clef)')
  single('Tuba')
  if (at(12) < 0.4) single('String Bass')

  if (!easy || at(13) < 0.5) single('Timpani')
  single('Mallet Percussion')
  if (genre === 'march') {
    single('Snare Drum')
    single('Bass Drum', 'Bass Drum & Cymbals')
  } else {
    numbered('Percussion', grade >= 3 && at(14) < 0.3 ? 3 : 2)
  }
  if ((lightMusic || genre === 'carol') && at(15) < 0.4) single('Piano')
  return parts
}

import type { Insertable } from 'kysely'
import type {
  InstrumentAliasesTable,
  InstrumentFamily,
  InstrumentsTable,
  SectionsTable,
} from '#db/types.ts'
import { slugify, stableId } from './random.ts'

export const SECTION_NAMES = [
  'Flutes & Double Reeds',
  'Clarinets',
  'Saxophones',
  'Trumpets & Horns',
  'Low Brass',
  'Percussion',
] as const

export type SectionName = (typeof SECTION_NAMES)[number]

type InstrumentEntry = {
  name: string
  family: InstrumentFamily
  /** Null for what no player sits behind: the score. */
  section: SectionName | null
  /** What publishers, part files and older catalogues call it. */
  aliases: string[]
}

// Score order: the order parts sit in a conductor's score.
const INSTRUMENTS: InstrumentEntry[] = [
  { name: 'Score', family: 'other', section: null, aliases: ['Full Score', 'Conductor', 'Condensed Score', 'Partitur', 'Direktion'] },
  { name: 'Piccolo', family: 'woodwind', section: 'Flutes & Double Reeds', aliases: ['Picc.', 'Piccolo Flute', 'Flauto piccolo', 'Kleine Flöte'] },
  { name: 'Flute', family: 'woodwind', section: 'Flutes & Double Reeds', aliases: ['Fl.', 'Flute 1', 'Flute 2', 'Flauto', 'Flöte'] },
  { name: 'Alto Flute', family: 'woodwind', section: 'Flutes & Double Reeds', aliases: ['Alto Fl.', 'Flute in G', 'Altflöte'] },
  { name: 'Oboe', family: 'woodwind', section: 'Flutes & Double Reeds', aliases: ['Ob.', 'Oboe 1', 'Oboe 2', 'Hautbois'] },
  { name: 'English Horn', family: 'woodwind', section: 'Flutes & Double Reeds', aliases: ['Cor Anglais', 'Eng. Hn.', 'Englischhorn', 'Corno inglese'] },
  { name: 'Bassoon', family: 'woodwind', section: 'Flutes & Double Reeds', aliases: ['Bsn.', 'Bassoon 1', 'Bassoon 2', 'Fagott', 'Basson'] },
  { name: 'Contrabassoon', family: 'woodwind', section: 'Flutes & Double Reeds', aliases: ['Cbsn.', 'Contra Bassoon', 'Double Bassoon', 'Kontrafagott'] },
  { name: 'Clarinet in E♭', family: 'woodwind', section: 'Clarinets', aliases: ['Eb Clarinet', 'E♭ Clarinet', 'Clarinet in Eb', 'Eb Clar.', 'Es-Klarinette'] },
  { name: 'Clarinet in B♭', family: 'woodwind', section: 'Clarinets', aliases: ['Bb Clarinet', 'Clarinet in Bb', 'Clarinet', 'Clar.', 'Klarinette in B'] },
  { name: 'Alto Clarinet', family: 'woodwind', section: 'Clarinets', aliases: ['Alto Clar.', 'Eb Alto Clarinet', 'Altklarinette'] },
  { name: 'Bass Clarinet', family: 'woodwind', section: 'Clarinets', aliases: ['Bass Clar.', 'B. Cl.', 'Bass Clarinet in Bb', 'Bassklarinette'] },
  { name: 'Contrabass Clarinet', family: 'woodwind', section: 'Clarinets', aliases: ['Contra Bass Clarinet', 'Cb. Cl.', 'BBb Contrabass Clarinet', 'Kontrabassklarinette'] },
  { name: 'Soprano Saxophone', family: 'woodwind', section: 'Saxophones', aliases: ['Soprano Sax', 'Sop. Sax.', 'Bb Soprano Saxophone', 'Sopransaxophon'] },
  { name: 'Alto Saxophone', family: 'woodwind', section: 'Saxophones', aliases: ['Alto Sax', 'A. Sax.', 'Eb Alto Saxophone', 'Altsaxophon', 'Alto Saxophone 1'] },
  { name: 'Tenor Saxophone', family: 'woodwind', section: 'Saxophones', aliases: ['Tenor Sax', 'T. Sax.', 'Bb Tenor Saxophone', 'Tenorsaxophon'] },
  { name: 'Baritone Saxophone', family: 'woodwind', section: 'Saxophones', aliases: ['Bari Sax', 'Baritone Sax', 'B. Sax.', 'Eb Baritone Saxophone', 'Baritonsaxophon'] },
  { name: 'Bass Saxophone', family: 'woodwind', section: 'Saxophones', aliases: ['Bass Sax', 'Bb Bass Saxophone', 'Basssaxophon'] },
  { name: 'Cornet in E♭', family: 'brass', section: 'Trumpets & Horns', aliases: ['Soprano Cornet', 'Eb Cornet', 'Es-Kornett'] },
  { name: 'Trumpet in B♭', family: 'brass', section: 'Trumpets & Horns', aliases: ['Bb Trumpet', 'Trumpet in Bb', 'Trumpet', 'Tpt.', 'Trompete in B'] },
  { name: 'Cornet in B♭', family: 'brass', section: 'Trumpets & Horns', aliases: ['Bb Cornet', 'Cornet in Bb', 'Cornet', 'Cnt.', 'Solo Cornet'] },
  { name: 'Flugelhorn', family: 'brass', section: 'Trumpets & Horns', aliases: ['Flugel', 'Flügelhorn', 'Flghn.', 'Bb Flugelhorn'] },
  { name: 'Horn in F', family: 'brass', section: 'Trumpets & Horns', aliases: ['F Horn', 'French Horn', 'Horn', 'Hn.', 'Corno in F'] },
  { name: 'Tenor Horn', family: 'brass', section: 'Trumpets & Horns', aliases: ['Eb Tenor Horn', 'Alto Horn', 'Tenorhorn', 'Eb Horn'] },
  { name: 'Trombone', family: 'brass', section: 'Low Brass', aliases: ['Tbn.', 'Trombone 1', 'Tenor Trombone', 'Posaune', 'Trombone 2'] },
  { name: 'Bass Trombone', family: 'brass', section: 'Low Brass', aliases: ['B. Tbn.', 'Bass Tbn.', 'Bassposaune'] },
  { name: 'Euphonium', family: 'brass', section: 'Low Brass', aliases: ['Euph.', 'Euphonium B.C.', 'Euphonium T.C.', 'Baritone B.C.', 'Baritone T.C.'] },
  { name: 'Tuba', family: 'brass', section: 'Low Brass', aliases: ['Tuba in C', 'Tba.', 'Bass Tuba', 'Eb Bass', 'Sousaphone'] },
  { name: 'String Bass', family: 'strings', section: 'Low Brass', aliases: ['Double Bass', 'Contrabass', 'Str. Bass', 'Kontrabass', 'Upright Bass'] },
  { name: 'Timpani', family: 'percussion', section: 'Percussion', aliases: ['Timp.', 'Timps', 'Kettledrums', 'Pauken'] },
  { name: 'Snare Drum', family: 'percussion', section: 'Percussion', aliases: ['S.D.', 'Side Drum', 'Snare', 'Kleine Trommel'] },
  { name: 'Bass Drum', family: 'percussion', section: 'Percussion', aliases: ['B.D.', 'Bass Drum & Cymbals', 'Gran Cassa', 'Große Trommel'] },
  { name: 'Mallet Percussion', family: 'percussion', section: 'Percussion', aliases: ['Mallets', 'Bells', 'Glockenspiel', 'Xylophone', 'Vibraphone'] },
  { name: 'Percussion', family: 'percussion', section: 'Percussion', aliases: ['Perc.', 'Auxiliary Percussion', 'Aux. Perc.', 'Percussion 1', 'Percussion 2'] },
  { name: 'Drum Set', family: 'percussion', section: 'Percussion', aliases: ['Drum Kit', 'Drums', 'Kit', 'Schlagzeug'] },
  { name: 'Harp', family: 'strings', section: 'Percussion', aliases: ['Hp.', 'Harfe'] },
  { name: 'Piano', family: 'keyboard', section: 'Percussion', aliases: ['Pno.', 'Pf.', 'Keyboard', 'Klavier'] },
]

export const sectionId = (name: SectionName): string => stableId(`section:${slugify(name)}`)

export function instrumentId(name: string): string {
  if (!INSTRUMENTS.some((instrument) => instrument.name === name)) {
    throw new Error(`The demo band has no instrument called "${name}"`)
  }
  return stableId(`instrument:${slugify(name)}`)
}

export function buildSections(): Insertable<SectionsTable>[] {
  return SECTION_NAMES.map((name, index) => ({
    id: sectionId(name),
    name,
    slug: slugify(name.replace('&', 'and')),
    sort_order: index + 1,
  }))
}

export function buildInstruments(): {
  instruments: Insertable<InstrumentsTable>[]
  aliases: Insertable<InstrumentAliasesTable>[]
} {
  return {
    instruments: INSTRUMENTS.map((entry, index) => ({
      id: instrumentId(entry.name),
      name: entry.name,
      family: entry.family,
      section_id: entry.section ? sectionId(entry.section) : null,
      sort_order: (index + 1) * 10,
    })),
    aliases: INSTRUMENTS.flatMap((entry) =>
      entry.aliases.map((alias) => ({ instrument_id: instrumentId(entry.name), alias })),
    ),
  }
}

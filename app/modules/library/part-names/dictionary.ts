/**
 * The words part files use for the band's instruments, keys and clefs, in
 * English, German and the French/Italian names common on band music. Data
 * only: the parser in ../part-names.ts reads it. Aliases are written as a
 * librarian would type them; they go through the same tokenizer as the file
 * names, so "B. Cl.", "BCl" and "b cl" are one alias.
 */

/** The band's instruments the mapper can name (instruments.name in the demo band's seed). */
export const MAPPED_INSTRUMENTS = [
  'Score', 'Piccolo', 'Flute', 'Alto Flute', 'Oboe', 'English Horn', 'Bassoon', 'Contrabassoon',
  'Clarinet in E♭', 'Clarinet in B♭', 'Alto Clarinet', 'Bass Clarinet', 'Contrabass Clarinet',
  'Soprano Saxophone', 'Alto Saxophone', 'Tenor Saxophone', 'Baritone Saxophone', 'Bass Saxophone',
  'Cornet in E♭', 'Trumpet in B♭', 'Cornet in B♭', 'Flugelhorn', 'Horn in F', 'Tenor Horn', 'Trombone',
  'Bass Trombone', 'Euphonium', 'Tuba', 'String Bass', 'Timpani', 'Snare Drum', 'Bass Drum',
  'Mallet Percussion', 'Percussion', 'Drum Set', 'Harp', 'Piano',
] as const

export type MappedInstrument = (typeof MAPPED_INSTRUMENTS)[number]

export type Key = 'B♭' | 'E♭' | 'F' | 'C' | 'A' | 'D' | 'G' | 'D♭'
export type Clef = 'T.C.' | 'B.C.'

/** A written key that fits the alias: the instrument it makes, and a note when it only might. */
type KeyFit = MappedInstrument | { instrument: MappedInstrument; note: string }

export type InstrumentEntry = {
  instrument: MappedInstrument
  aliases: string[]
  /**
   * The keys parts for it are written in. A key not listed is flagged (an
   * unknown transposition); without `keys` the key does not matter.
   */
  keys?: Partial<Record<Key, KeyFit>>
  /** Keys that tell the clef: a baritone "in B♭" reads treble clef, "in C" bass clef. */
  clefByKey?: Partial<Record<Key, Clef>>
  /** Why the alias alone is not enough; a clef or key that settles it clears it. */
  unsure?: { note: string; settledBy?: 'clef' | 'key' }
  /** The catalogue's label when it is not the instrument's name (score variants). */
  label?: string
  /** One percussion instrument: named beside others it describes a Percussion part. */
  percussionDetail?: boolean
}

/** Every key in `keys` makes the entry's own instrument. */
function fits(instrument: MappedInstrument, ...keys: Key[]): Partial<Record<Key, KeyFit>> {
  return Object.fromEntries(keys.map((key) => [key, instrument]))
}

/** "alto" × "sax" in both orders: "Alto Sax", "Sax Alto", "Saxophon Alt". */
function pairs(first: string[], second: string[]): string[] {
  return first.flatMap((a) => second.flatMap((b) => [`${a} ${b}`, `${b} ${a}`]))
}

const SAX = ['sax', 'saxes', 'saxophone', 'saxophones', 'saxophon', 'saxofoon', 'saxofono', 'sx']
const CLARINET = ['clarinet', 'clarinets', 'clar', 'cl', 'clt', 'klarinette', 'klar', 'klarinet', 'clarinette', 'clarinetto', 'clarinetti']
const TROMBONE = ['trombone', 'trombones', 'tbn', 'trb', 'tromb', 'trbn', 'posaune', 'pos', 'tenor trombone', 'tenorposaune', 'tromboni']
const TRUMPET = ['trumpet', 'trumpets', 'tpt', 'trp', 'trpt', 'tp', 'trompete', 'trompeten', 'trompette', 'tromba', 'trombe', 'trompet']
const SCORE_LABELS: [string, string[]][] = [
  ['Score', ['score', 'partition', 'partitura']],
  ['Full Score', ['full score', 'partitur', 'transposed score', 'score in c', 'c score', 'concert score', 'concert pitch score']],
  ['Condensed Score', ['condensed score', 'condensed', 'direktion', 'direction', 'short score', 'piano conductor']],
  ['Conductor Score', ['conductor', 'conductor score', 'conductors score', 'conductor s score', 'dirigent', 'conducteur', 'conductor part']],
]

export const INSTRUMENT_ENTRIES: InstrumentEntry[] = [
  ...SCORE_LABELS.map(([label, aliases]): InstrumentEntry => ({ instrument: 'Score', aliases, label })),

  { instrument: 'Piccolo', aliases: ['piccolo', 'picc', 'pic', 'piccolo flute', 'flauto piccolo', 'kleine flote', 'piccoloflote', 'ottavino', 'petite flute'], keys: { C: 'Piccolo', 'D♭': { instrument: 'Piccolo', note: 'Piccolo in D♭ (an old band part): check it suits a piccolo in C.' } } },
  { instrument: 'Flute', aliases: ['flute', 'flutes', 'fl', 'flt', 'flote', 'floete', 'floten', 'querflote', 'flauto', 'flauti', 'fluit'], keys: { C: 'Flute', G: 'Alto Flute' } },
  { instrument: 'Alto Flute', aliases: ['alto flute', 'alto fl', 'altflote', 'flauto contralto'], keys: fits('Alto Flute', 'G') },
  { instrument: 'Oboe', aliases: ['oboe', 'oboes', 'ob', 'hoboe', 'oboen', 'hautbois', 'oboi'], keys: fits('Oboe', 'C') },
  { instrument: 'English Horn', aliases: ['english horn', 'cor anglais', 'eng hn', 'eng horn', 'englischhorn', 'corno inglese', 'e hn'], keys: fits('English Horn', 'F') },
  { instrument: 'Bassoon', aliases: ['bassoon', 'bassoons', 'bsn', 'bssn', 'bn', 'fagott', 'fagotte', 'fagotto', 'fagotti', 'basson'], keys: fits('Bassoon', 'C') },
  { instrument: 'Contrabassoon', aliases: ['contrabassoon', 'contra bassoon', 'cbsn', 'cbn', 'double bassoon', 'kontrafagott', 'contrafagotto', 'contrebasson'], keys: fits('Contrabassoon', 'C') },

  { instrument: 'Clarinet in B♭', aliases: CLARINET, keys: { 'B♭': 'Clarinet in B♭', 'E♭': 'Clarinet in E♭' } },
  { instrument: 'Clarinet in E♭', aliases: ['soprano clarinet', 'sopranino clarinet', 'piccolo clarinet', 'es klarinette', 'esklarinette'], keys: fits('Clarinet in E♭', 'E♭') },
  { instrument: 'Alto Clarinet', aliases: [...pairs(['alto', 'alt'], CLARINET), 'altklarinette', 'clarinette alto'], keys: fits('Alto Clarinet', 'E♭') },
  { instrument: 'Bass Clarinet', aliases: [...pairs(['bass', 'b', 'bs'], ['clarinet', 'clarinets', 'clar', 'cl', 'clt', 'klarinette']), 'bcl', 'bassklarinette', 'bassklar', 'clarinette basse', 'clarinetto basso', 'clarone'], keys: fits('Bass Clarinet', 'B♭') },
  { instrument: 'Contrabass Clarinet', aliases: [...pairs(['contrabass', 'contra bass', 'contra', 'cb'], ['clarinet', 'clar', 'cl']), 'kontrabassklarinette'], keys: { 'B♭': 'Contrabass Clarinet', 'E♭': { instrument: 'Contrabass Clarinet', note: 'Contrabass clarinet in E♭ is a contra-alto clarinet: check.' } } },

  { instrument: 'Soprano Saxophone', aliases: [...pairs(['soprano', 'sopran', 'sop', 's'], SAX), 'sopransaxophon', 'sopransax', 'ssax'], keys: fits('Soprano Saxophone', 'B♭') },
  { instrument: 'Alto Saxophone', aliases: [...pairs(['alto', 'alt', 'a'], SAX), 'altsaxophon', 'altsax', 'asax', 'altosax', 'altsaxofoon'], keys: fits('Alto Saxophone', 'E♭') },
  { instrument: 'Tenor Saxophone', aliases: [...pairs(['tenor', 'ten', 't'], SAX), 'tenorsaxophon', 'tenorsax', 'tsax', 'tenorsaxofoon'], keys: fits('Tenor Saxophone', 'B♭') },
  { instrument: 'Baritone Saxophone', aliases: [...pairs(['baritone', 'bariton', 'bari', 'bar', 'b'], SAX), 'baritonsaxophon', 'baritonsax', 'barisax', 'bsax', 'baritonsaxofoon'], keys: fits('Baritone Saxophone', 'E♭') },
  { instrument: 'Bass Saxophone', aliases: [...pairs(['bass', 'bs'], SAX), 'basssaxophon', 'basssax'], keys: fits('Bass Saxophone', 'B♭') },
  { instrument: 'Alto Saxophone', aliases: SAX, keys: fits('Alto Saxophone', 'E♭'), unsure: { note: 'Saxophone without alto, tenor or baritone: mapped to Alto Saxophone; check which.' } },

  { instrument: 'Trumpet in B♭', aliases: TRUMPET, keys: fits('Trumpet in B♭', 'B♭') },
  { instrument: 'Cornet in B♭', aliases: ['cornet', 'cornets', 'cnt', 'crt', 'kornett', 'cornetto', 'repiano cornet', 'ripieno cornet'], keys: { 'B♭': 'Cornet in B♭', 'E♭': 'Cornet in E♭' } },
  { instrument: 'Cornet in E♭', aliases: ['soprano cornet', 'sop cornet', 'es kornett', 'eskornett'], keys: fits('Cornet in E♭', 'E♭') },
  { instrument: 'Flugelhorn', aliases: ['flugelhorn', 'flugelhorns', 'fluegelhorn', 'flugel', 'flghn', 'flgh', 'flg', 'flug', 'flh', 'bugel', 'flicorno'], keys: fits('Flugelhorn', 'B♭') },
  {
    instrument: 'Horn in F',
    aliases: ['horn', 'horns', 'hn', 'hrn', 'hr', 'french horn', 'waldhorn', 'horner', 'cor', 'cors', 'corno', 'corni', 'hoorn'],
    keys: { F: 'Horn in F', 'E♭': { instrument: 'Horn in F', note: 'Horn in E♭: an old horn part or a tenor horn part? Mapped to Horn in F; check.' } },
  },
  { instrument: 'Tenor Horn', aliases: ['tenor horn', 'tenorhorn', 'tenorhorner', 'alto horn', 'althorn', 'alt horn', 'tenor hn'], keys: { 'E♭': 'Tenor Horn', 'B♭': 'Tenor Horn', F: 'Tenor Horn' } },
  { instrument: 'Tenor Horn', aliases: ['eb horn', 'es horn'], unsure: { note: 'E♭ horn: a tenor horn (brass band) or a horn part written in E♭? Check.' } },

  { instrument: 'Trombone', aliases: TROMBONE, keys: fits('Trombone', 'C', 'B♭') },
  { instrument: 'Bass Trombone', aliases: [...pairs(['bass', 'b', 'bs'], ['trombone', 'tbn', 'trb', 'tromb', 'posaune', 'pos']), 'btbn', 'btrb', 'bassposaune', 'trombone basse', 'trombone basso'], keys: fits('Bass Trombone', 'C', 'B♭') },
  { instrument: 'Euphonium', aliases: ['euphonium', 'euphoniums', 'euph', 'eup', 'euphonion', 'euphonie'], keys: fits('Euphonium', 'C', 'B♭'), clefByKey: { C: 'B.C.', 'B♭': 'T.C.' } },
  {
    instrument: 'Euphonium',
    aliases: ['baritone', 'baritones', 'bariton', 'baritono', 'baryton', 'bar', 'bari', 'bar hn', 'baritone horn'],
    keys: fits('Euphonium', 'C', 'B♭'),
    clefByKey: { C: 'B.C.', 'B♭': 'T.C.' },
    unsure: { note: 'Baritone: mapped to Euphonium, but the clef (T.C. or B.C.) is not in the name.', settledBy: 'clef' },
  },
  { instrument: 'Tuba', aliases: ['tuba', 'tubas', 'tba', 'tb', 'bass tuba', 'sousaphone', 'sousaphones', 'basstuba', 'tuben', 'helicon', 'es bass', 'b bass', 'eb bass', 'bb bass', 'bbb bass', 'eeb bass', 'e eb bass', 'b bb bass', 'bassi', 'basses'] },
  {
    instrument: 'Tuba',
    aliases: ['bass', 'basse', 'basso', 'bas'],
    unsure: { note: 'Bass: tuba, string bass or bass clarinet? Mapped to Tuba; check.', settledBy: 'key' },
  },
  { instrument: 'String Bass', aliases: ['string bass', 'str bass', 'st bass', 'double bass', 'contrabass', 'contra bass', 'kontrabass', 'contrebasse', 'contrabbasso', 'upright bass', 'bass string', 'cb', 'db'] },
  { instrument: 'String Bass', aliases: ['electric bass', 'bass guitar', 'e bass', 'el bass', 'elec bass', 'bassgitarre'], unsure: { note: 'Electric bass: mapped to String Bass; check.' } },

  { instrument: 'Timpani', aliases: ['timpani', 'timp', 'timps', 'tymp', 'tympani', 'kettledrums', 'kettle drums', 'pauken', 'pauke', 'timbales'] },
  { instrument: 'Snare Drum', aliases: ['snare drum', 'snare', 'snares', 's d', 'side drum', 'kleine trommel', 'kl trommel', 'caisse claire', 'tamburo', 'tamburo militare'], percussionDetail: true },
  { instrument: 'Bass Drum', aliases: ['bass drum', 'b d', 'gran cassa', 'grancassa', 'grosse trommel', 'gr trommel', 'grosse caisse', 'bass drum & cymbals', 'bass drum and cymbals', 'bass drum cymbals', 'cymbals & bass drum'], percussionDetail: true },
  {
    instrument: 'Mallet Percussion',
    aliases: ['mallet percussion', 'mallets', 'mallet', 'mallet perc', 'bells', 'orchestra bells', 'glockenspiel', 'glock', 'xylophone', 'xylophon', 'xylo', 'xyl', 'vibraphone', 'vibraphon', 'vibes', 'vibe', 'marimba', 'chimes', 'tubular bells', 'rohrenglocken', 'crotales', 'stabspiele', 'stabspiel', 'keyboard percussion'],
    percussionDetail: true,
  },
  { instrument: 'Percussion', aliases: ['percussion', 'perc', 'percussions', 'aux perc', 'auxiliary percussion', 'aux percussion', 'schlagwerk', 'percussione', 'percusion'] },
  { instrument: 'Percussion', aliases: ['cymbals', 'cymbal', 'crash cymbals', 'suspended cymbal', 'sus cym', 'triangle', 'tambourine', 'tamb', 'gong', 'tam tam', 'wood block', 'woodblock', 'temple blocks', 'toms', 'tom toms', 'becken', 'triangel', 'tamburin', 'piatti', 'claves', 'shaker', 'castanets', 'ratchet', 'whip', 'slapstick', 'wind chimes', 'cowbell', 'guiro', 'maracas', 'bongos', 'congas'], percussionDetail: true },
  { instrument: 'Percussion', aliases: ['schlagzeug'], unsure: { note: 'Schlagzeug: percussion or drum set? Mapped to Percussion; check.' } },
  { instrument: 'Drum Set', aliases: ['drum set', 'drumset', 'drum kit', 'drumkit', 'drums', 'kit', 'batterie', 'trap set'] },
  { instrument: 'Harp', aliases: ['harp', 'hp', 'hrp', 'harfe', 'harpe', 'arpa'] },
  { instrument: 'Piano', aliases: ['piano', 'pno', 'pf', 'pianoforte', 'keyboard', 'keyboards', 'keys', 'klavier', 'celesta', 'synth'] },
]

/** Written keys, with or without "in"/"en" before them ("in B♭", "Bb", "Es-", "en Sib"). */
export const KEY_ALIASES: { key: Key; aliases: string[]; needsIn?: boolean }[] = [
  { key: 'B♭', aliases: ['bb', 'b', 'bes', 'sib', 'si b', 'bbb', 'b bb'] },
  { key: 'E♭', aliases: ['eb', 'es', 'mib', 'mi b', 'eeb', 'e eb', 'ees'] },
  { key: 'F', aliases: ['f', 'fa'] },
  { key: 'C', aliases: ['c', 'ut'] },
  { key: 'A', aliases: ['a', 'la'], needsIn: true },
  { key: 'D', aliases: ['d', 're'], needsIn: true },
  { key: 'G', aliases: ['g', 'sol'], needsIn: true },
  { key: 'D♭', aliases: ['db', 'des', 'reb'] },
]

export const IN_WORDS = ['in', 'en', 'im']

export const CLEF_ALIASES: { clef: Clef; aliases: string[] }[] = [
  { clef: 'T.C.', aliases: ['t c', 'tc', 'treble clef', 'treble', 'tr clef', 'violinschlussel', 'vs', 'cle de sol'] },
  { clef: 'B.C.', aliases: ['b c', 'bc', 'bass clef', 'bassschlussel', 'bs clef', 'cle de fa'] },
]

/** Chairs written as words or Roman numerals ("First Trumpet", "Horn II"). */
export const ORDINAL_WORDS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6 }
export const ROMAN_NUMERALS: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6 }

/** Words that join chairs or instruments like a "&": "1 and 2", "Flöte und Piccolo". */
export const JOINING_WORDS = ['and', 'und', 'et', 'e', 'y']

/**
 * From a part file's name ("03 Clarinet in Bb 2.pdf") to the part it is:
 * an instrument of the band's (by its name in the instruments table), the
 * chairs it serves and a label. Anything unsure says so in `note` and is
 * never guessed silently: the upload review shows it to the librarian.
 *
 * (First cut: exact instrument names and a trailing part number. The full
 * dictionary of aliases, abbreviations and naming styles replaces it.)
 */
export type PartNameMapping = {
  status: 'sure' | 'ambiguous' | 'unknown'
  /** An instruments.name, e.g. "Clarinet in B♭"; null when unknown. */
  instrument: string | null
  /** [2] for "Clarinet 2", [1, 3] for "Horn 1 & 3", [] for a single part. */
  chairs: number[]
  /** What the part is called in the catalogue: "Clarinet in B♭ 2". */
  label: string | null
  /** Why the mapper is unsure, in words for the librarian. */
  note: string | null
  /** A shared sheet ("Bb Clarinet 1/Bb Trumpet 1") also serves these parts. */
  alsoFor: { instrument: string; chairs: number[]; label: string }[]
}

export type PartNameContext = { pieceTitle?: string | null; arranger?: string | null }

const INSTRUMENT_NAMES = [
  'Score', 'Piccolo', 'Flute', 'Alto Flute', 'Oboe', 'English Horn', 'Bassoon', 'Contrabassoon',
  'Clarinet in E♭', 'Clarinet in B♭', 'Alto Clarinet', 'Bass Clarinet', 'Contrabass Clarinet',
  'Soprano Saxophone', 'Alto Saxophone', 'Tenor Saxophone', 'Baritone Saxophone', 'Bass Saxophone',
  'Cornet in E♭', 'Trumpet in B♭', 'Cornet in B♭', 'Flugelhorn', 'Horn in F', 'Tenor Horn', 'Trombone',
  'Bass Trombone', 'Euphonium', 'Tuba', 'String Bass', 'Timpani', 'Snare Drum', 'Bass Drum',
  'Mallet Percussion', 'Percussion', 'Drum Set', 'Harp', 'Piano',
]

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/♭/g, 'b').toLowerCase()

export function mapPartName(fileName: string, _context: PartNameContext = {}): PartNameMapping {
  const stem = fileName.replace(/\.[a-z0-9]{1,4}$/i, '').replace(/[_]+/g, ' ').trim()
  const match = /^(.*?)[\s-]*(\d{1,2})?$/.exec(stem)
  const name = fold(match?.[1] ?? stem).trim()
  const chair = match?.[2] ? Number(match[2]) : null
  const instrument = INSTRUMENT_NAMES.find((candidate) => fold(candidate) === name) ?? null
  if (!instrument) {
    return { status: 'unknown', instrument: null, chairs: [], label: null, note: 'No instrument recognised in the file name', alsoFor: [] }
  }
  const chairs = chair && chair >= 1 && chair <= 20 ? [chair] : []
  return { status: 'sure', instrument, chairs, label: chairs.length ? `${instrument} ${chairs[0]}` : instrument, note: null, alsoFor: [] }
}

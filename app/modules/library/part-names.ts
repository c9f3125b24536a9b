/**
 * From a part file's name ("03 Clarinet in Bb 2.pdf") to the part it is:
 * an instrument of the band's (by its name in the instruments table), the
 * chairs it serves and a label. Anything unsure says so in `note` and is
 * never guessed silently: the upload review shows it to the librarian.
 *
 * How: the name is cleaned and cut (part-names/tokens.ts), split into tokens
 * ("TPT1" → tpt 1), and the dictionary's phrases are found in it, longest
 * first (part-names/phrases.ts, part-names/dictionary.ts). Each instrument
 * phrase then takes the key, clef and chairs written next to it ("1st B♭
 * Clarinet", "Horn in F 1 & 3", "3. Posaune in C"). A title before " - " is
 * passed over: the last stretch of the name that names an instrument is the
 * part. Several instruments there make a shared sheet when a "/", "&" or
 * similar joins them, a percussion part with its description when they are
 * all percussion, and an ambiguous mapping otherwise.
 */
import {
  MAPPED_INSTRUMENTS,
  type Clef,
  type InstrumentEntry,
  type MappedInstrument,
} from './part-names/dictionary.ts'
import { contextTokens, readItems, type Item } from './part-names/phrases.ts'
import { cleanFileName, fold, tokenize } from './part-names/tokens.ts'

export { MAPPED_INSTRUMENTS }

export type PartNameMapping = {
  status: 'sure' | 'ambiguous' | 'unknown'
  /** An instruments.name, e.g. "Clarinet in B♭"; null when unknown. */
  instrument: string | null
  /** [2] for "Clarinet 2", [1, 3] for "Horn 1 & 3", [] for a single part. */
  chairs: number[]
  /** What the part is called in the catalogue: "Clarinet in B♭ 2". */
  label: string | null
  /** Why the mapper is unsure (or that the sheet is shared), in words for the librarian. */
  note: string | null
  /** A shared sheet ("Bb Clarinet 1/Bb Trumpet 1") also serves these parts. */
  alsoFor: { instrument: string; chairs: number[]; label: string }[]
}

export type PartNameContext = { pieceTitle?: string | null; arranger?: string | null; composer?: string | null }

export const MAX_CHAIR = 20

const PERCUSSION_PARTS = new Set<string>(['Percussion', 'Snare Drum', 'Bass Drum', 'Mallet Percussion'])
/** Descriptions not worth repeating in a label: "Mallet Percussion (Mallets)". */
const PLAIN_NAMES = new Set(['percussion', 'perc', 'mallets', 'mallet', 'mallet percussion', 'mallet perc'])

/** One instrument named in the file name, with what is written beside it. */
type Mention = {
  item: Extract<Item, { kind: 'instrument' }>
  instrument: MappedInstrument
  chairs: number[]
  clef: Clef | null
  notes: string[]
  /** Where it starts (its prefix included) and ends (its chairs included) in the cleaned name. */
  start: number
  end: number
  /** Its first and last item, to see what stands between two mentions. */
  first: number
  last: number
}

const UNKNOWN: PartNameMapping = {
  status: 'unknown',
  instrument: null,
  chairs: [],
  label: null,
  note: 'No instrument recognised in the file name.',
  alsoFor: [],
}

export function mapPartName(fileName: string, context: PartNameContext = {}): PartNameMapping {
  const text = cleanFileName(typeof fileName === 'string' ? fileName : '')
  const tokens = tokenize(text)
  const items = readItems(tokens, text, contextTokens(tokens, context.pieceTitle, [context.arranger, context.composer]))
  const mentions = partRegion(readMentions(items))
  if (mentions.length === 0) return { ...UNKNOWN, alsoFor: [] }
  return combine(mentions, items, text)
}

function chairValue(item: Item | undefined): number | null {
  if (!item) return null
  if (item.kind === 'number' || item.kind === 'roman' || item.kind === 'ordinal') return item.value
  return null
}

/** Each instrument with the keys, clef and chairs written right before and after it. */
function readMentions(items: Item[]): Mention[] {
  const mentions: Mention[] = []
  let consumed = -1
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!
    if (item.kind !== 'instrument') continue
    const entry = item.entry
    const keys: Extract<Item, { kind: 'key' }>[] = []
    const chairs: number[] = []
    const notes: string[] = []
    let clef: Clef | null = null
    let first = index

    // Before it: "B♭ Clarinet", "1st B♭ Clarinet", "3. Posaune". "Suite in F Horn" is a title's key.
    let back = index - 1
    const before = items[back]
    if (back > consumed && before?.kind === 'key' && !before.afterIn) {
      keys.push(before)
      first = back--
    }
    const ordinal = items[back]
    if (back > consumed && ordinal && (ordinal.kind === 'ordinal' || (ordinal.kind === 'number' && ordinal.dot && !ordinal.padded))) {
      chairs.push(ordinal.value)
      first = back
    }

    // After it: keys ("in B/Es"), a clef ("T.C.", "(B.C.)") and chairs ("1 & 3", "1-3", "II").
    let next = index + 1
    let chairsRead = false
    for (;;) {
      const after = items[next]
      if (!after) break
      if (after.kind === 'key') {
        keys.push(after)
        next++
        while (items[next]?.kind === 'join' && items[next + 1]?.kind === 'key') {
          keys.push(items[next + 1] as Extract<Item, { kind: 'key' }>)
          next += 2
        }
      } else if (after.kind === 'clef') {
        clef ??= after.clef
        next++
      } else if (after.kind === 'open' && items[next + 1]?.kind === 'clef' && items[next + 2]?.kind === 'close') {
        clef ??= (items[next + 1] as Extract<Item, { kind: 'clef' }>).clef
        next += 3
      } else if (!chairsRead && chairValue(after) !== null) {
        next = readChairs(items, next, chairs)
        chairsRead = true
      } else break
    }
    consumed = next - 1
    const lastItem = items[next - 1]!

    let instrument = entry.instrument
    let unknownKey = false
    for (const { key } of keys) {
      if (!entry.keys) continue
      const fit = entry.keys[key]
      if (fit === undefined) {
        unknownKey = true
        notes.push(`Written in ${key}, which the band's ${instrument} parts are not: check the part.`)
      } else if (typeof fit === 'string') instrument = fit
      else {
        instrument = fit.instrument
        notes.push(fit.note)
      }
      clef ??= entry.clefByKey?.[key] ?? null
    }
    if (entry.unsure) {
      const settled = (entry.unsure.settledBy === 'clef' && clef !== null) || (entry.unsure.settledBy === 'key' && keys.length > 0 && !unknownKey)
      if (!settled) notes.push(entry.unsure.note)
    }
    const valid = chairs.filter((chair) => Number.isInteger(chair) && chair >= 1 && chair <= MAX_CHAIR)
    for (const chair of chairs) {
      if (!valid.includes(chair)) notes.push(`“${chair > 999_999 ? 'a long number' : chair}” cannot be a part number (1–${MAX_CHAIR}): check the part.`)
    }
    mentions.push({
      item,
      instrument,
      chairs: [...new Set(valid)].sort((a, b) => a - b),
      clef,
      notes,
      start: items[first]!.start,
      end: lastItem.end,
      first,
      last: next - 1,
    })
  }
  return mentions
}

/** Chairs from `from` on: "1", "1 & 3", "1/2", "1+3", "1, 2", "1-3", "I & II". Returns the next index. */
function readChairs(items: Item[], from: number, chairs: number[]): number {
  let index = from
  let previous = chairValue(items[index])!
  chairs.push(previous)
  index++
  for (;;) {
    const joiner = items[index]
    const value = chairValue(items[index + 1])
    if (!joiner || value === null || items[index + 1]!.kind === 'ordinal') break
    if (joiner.kind === 'range' && value > previous && value - previous <= MAX_CHAIR) {
      for (let chair = previous + 1; chair <= value; chair++) chairs.push(chair)
    } else if (joiner.kind === 'join' || joiner.kind === 'range') chairs.push(value)
    else break
    previous = value
    index += 2
  }
  return index
}

/**
 * The mentions of the stretch that names the part: the last segment (between
 * " - " breaks) that names an instrument, so a title before it does not count;
 * a percussion part's description may run over several segments.
 */
function partRegion(mentions: Mention[]): Mention[] {
  const last = mentions.at(-1)
  if (!last) return []
  const segment = (mention: Mention) => mention.item.segment
  let from = last.item.segment
  const allPercussion = (list: Mention[]) => list.every((mention) => PERCUSSION_PARTS.has(mention.instrument))
  for (;;) {
    const earlier = mentions.filter((mention) => segment(mention) < from)
    const previousSegment = earlier.at(-1)?.item.segment
    if (previousSegment === undefined) break
    const inPrevious = earlier.filter((mention) => segment(mention) === previousSegment)
    if (!allPercussion(inPrevious) || !allPercussion(mentions.filter((mention) => segment(mention) >= from))) break
    from = previousSegment
  }
  return mentions.filter((mention) => segment(mention) >= from)
}

function chairsText(chairs: number[]): string {
  if (chairs.length <= 1) return chairs.join('')
  return `${chairs.slice(0, -1).join(', ')} & ${chairs.at(-1)}`
}

function labelOf(instrument: string, entry: InstrumentEntry | null, clef: Clef | null, chairs: number[], description: string | null): string {
  const base = entry?.label && entry.instrument === instrument ? entry.label : instrument
  const label = [base, clef, chairsText(chairs)].filter(Boolean).join(' ')
  return description ? `${label} (${description})` : label
}

/** Merge mentions of one instrument: "Horn 1 & Horn 3" is Horn in F 1 & 3. */
function mergeSame(mentions: Mention[]): Mention[] {
  const merged: Mention[] = []
  for (const mention of mentions) {
    const same = merged.find((other) => other.instrument === mention.instrument)
    if (!same) {
      merged.push({ ...mention, chairs: [...mention.chairs], notes: [...mention.notes] })
      continue
    }
    same.chairs = [...new Set([...same.chairs, ...mention.chairs])].sort((a, b) => a - b)
    same.clef ??= mention.clef
    same.notes.push(...mention.notes.filter((note) => !same.notes.includes(note)))
    same.end = Math.max(same.end, mention.end)
    same.last = Math.max(same.last, mention.last)
  }
  return merged
}

/** What the name says about a percussion part beyond "Percussion 1": "(Snare Drum, Bass Drum)". */
function percussionDescription(region: Mention[], items: Item[], text: string): string | null {
  const head = region[0]!
  const generic = !head.item.entry.percussionDetail
  const segment = region.at(-1)!.item.segment
  const segmentEnd = items.filter((item) => item.segment === segment && item.kind !== 'word').at(-1)?.end ?? head.end
  const from = generic ? head.end : head.start
  const to = Math.max(segmentEnd, region.at(-1)!.end)
  const raw = text
    .slice(from, to)
    .replace(/\(\s*\d+\s*\)\s*$/, '') // "(1)": a second download of the same file
    .replace(/^[\s\-–—_:,;/&+([{]+|[\s\-–—_:,;/&+)\]}]+$/g, '')
    .replace(/^\(([^()]*)\)$/, '$1')
    .replace(/\s+/g, ' ')
  if (!/\p{L}/u.test(raw) || PLAIN_NAMES.has(fold(raw))) return null
  const parts = [...raw.matchAll(/[()]/g)].length
  return parts % 2 === 0 ? raw : raw.replace(/[()]/g, '')
}

function combine(region: Mention[], items: Item[], text: string): PartNameMapping {
  const distinct = mergeSame(region)
  const notes = distinct.flatMap((mention) => mention.notes)
  const ambiguous = (list: string[]) => (list.length > 0 ? 'ambiguous' : 'sure') as 'ambiguous' | 'sure'

  const percussion = distinct.every((mention) => PERCUSSION_PARTS.has(mention.instrument))
  const describable = percussion && (distinct.length > 1 || ['Percussion', 'Mallet Percussion'].includes(distinct[0]!.instrument))
  if (describable) {
    const instrument = distinct.length > 1 ? 'Percussion' : distinct[0]!.instrument
    const chairs = [...new Set(distinct.flatMap((mention) => mention.chairs))].sort((a, b) => a - b)
    const description = percussionDescription(region, items, text)
    return { status: ambiguous(notes), instrument, chairs, label: labelOf(instrument, null, null, chairs, description), note: notes.join(' ') || null, alsoFor: [] }
  }

  const only = distinct[0]!
  if (distinct.length === 1) {
    return {
      status: ambiguous(notes),
      instrument: only.instrument,
      chairs: only.chairs,
      label: labelOf(only.instrument, only.item.entry, only.clef, only.chairs, null),
      note: notes.join(' ') || null,
      alsoFor: [],
    }
  }

  // Several instruments: a shared sheet when something joins each to the next.
  const joined = region.every((mention, index) => {
    const next = region[index + 1]
    if (!next || next.instrument === mention.instrument) return true
    return items.slice(mention.last + 1, next.first).some((item) => item.kind === 'join' || item.kind === 'open' || item.kind === 'close')
  })
  const names = distinct.map((mention) => labelOf(mention.instrument, mention.item.entry, mention.clef, mention.chairs, null))
  if (!joined) {
    const chosen = distinct.find((mention) => mention.chairs.length > 0) ?? distinct.at(-1)!
    const note = `The name gives more than one instrument (${names.join(', ')}) without a “/” or “&” between them: check which part this is.`
    return {
      status: 'ambiguous',
      instrument: chosen.instrument,
      chairs: chosen.chairs,
      label: labelOf(chosen.instrument, chosen.item.entry, chosen.clef, chosen.chairs, null),
      note: [note, ...notes].join(' '),
      alsoFor: [],
    }
  }
  const sheetNotes = [...notes]
  const [primary, ...others] = distinct as [Mention, ...Mention[]]
  let chairs = primary.chairs
  const later = others.find((mention) => mention.chairs.length > 0)
  if (chairs.length === 0 && later) {
    // "Cornet/Trumpet 1": the number may be for both, or for the trumpet only.
    chairs = later.chairs
    sheetNotes.push(`The part number ${chairsText(later.chairs)} is written after ${later.instrument} only: check it is for ${primary.instrument} too.`)
  }
  const alsoFor = others.map((mention) => ({
    instrument: mention.instrument,
    chairs: mention.chairs,
    label: labelOf(mention.instrument, mention.item.entry, mention.clef, mention.chairs, null),
  }))
  const label = labelOf(primary.instrument, primary.item.entry, primary.clef, chairs, null)
  const shared = `Shared sheet: ${label}, also for ${alsoFor.map((part) => part.label).join(', ')}.`
  return { status: ambiguous(sheetNotes), instrument: primary.instrument, chairs, label, note: [shared, ...sheetNotes].join(' '), alsoFor }
}

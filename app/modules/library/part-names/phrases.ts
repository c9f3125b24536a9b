/**
 * Tokens to items: the dictionary's phrases found in a name, longest first
 * ("bass clarinet" before "bass", "bass clef" before "bass"), plus the
 * numbers, ordinals and separators the parser reads chairs and shared sheets
 * from. Tokens the caller ignores (a piece's title, its arranger) are left out.
 */
import {
  CLEF_ALIASES,
  IN_WORDS,
  INSTRUMENT_ENTRIES,
  JOINING_WORDS,
  KEY_ALIASES,
  ORDINAL_WORDS,
  ROMAN_NUMERALS,
  type Clef,
  type InstrumentEntry,
  type Key,
} from './dictionary.ts'
import { tokenize, type Token } from './tokens.ts'

type Span = { start: number; end: number; segment: number }

export type Item = Span &
  (
    | { kind: 'instrument'; entry: InstrumentEntry; written: string }
    | { kind: 'key'; key: Key; afterIn: boolean }
    | { kind: 'clef'; clef: Clef }
    | { kind: 'number'; value: number; dot: boolean; padded: boolean; text: string }
    | { kind: 'ordinal'; value: number }
    | { kind: 'roman'; value: number }
    | { kind: 'join' }
    | { kind: 'range' }
    | { kind: 'open' | 'close' | 'word' }
  )

type Meaning =
  | { kind: 'instrument'; entry: InstrumentEntry }
  | { kind: 'key'; key: Key; needsIn: boolean }
  | { kind: 'clef'; clef: Clef }

type Phrase = { words: string[]; meaning: Meaning }

/** What a token is compared by in a phrase: its folded text ("&" for a sep). */
function tokenText(token: Token): string | null {
  if (token.kind === 'word' || token.kind === 'number') return token.text.toLowerCase()
  if (token.kind === 'sep' && token.text !== 'range') return token.text
  return null
}

function phrase(alias: string, meaning: Meaning): Phrase {
  const words = tokenize(alias).map(tokenText).filter((text): text is string => text !== null)
  return { words, meaning }
}

// Built once: phrases by their first word, longest first.
const PHRASES = new Map<string, Phrase[]>()
for (const candidate of [
  ...INSTRUMENT_ENTRIES.flatMap((entry) => entry.aliases.map((alias) => phrase(alias, { kind: 'instrument', entry }))),
  ...KEY_ALIASES.flatMap(({ key, aliases, needsIn }) => aliases.map((alias) => phrase(alias, { kind: 'key', key, needsIn: needsIn ?? false }))),
  ...CLEF_ALIASES.flatMap(({ clef, aliases }) => aliases.map((alias) => phrase(alias, { kind: 'clef', clef }))),
]) {
  const first = candidate.words[0]
  if (first === undefined) continue
  PHRASES.set(first, [...(PHRASES.get(first) ?? []), candidate])
}
for (const list of PHRASES.values()) {
  // Longer first; at equal length an instrument wins ("db" is a double bass unless written "in Db").
  list.sort((a, b) => b.words.length - a.words.length || rank(a.meaning) - rank(b.meaning))
}
function rank(meaning: Meaning): number {
  return meaning.kind === 'instrument' ? 0 : meaning.kind === 'clef' ? 1 : 2
}

function longestPhrase(tokens: Token[], from: number, want: (meaning: Meaning) => boolean): Phrase | null {
  const first = tokens[from]
  const text = first ? tokenText(first) : null
  if (text === null) return null
  for (const candidate of PHRASES.get(text) ?? []) {
    if (!want(candidate.meaning)) continue
    const fitsHere = candidate.words.every((word, offset) => {
      const token = tokens[from + offset]
      return token !== undefined && tokenText(token) === word
    })
    if (fitsHere) return candidate
  }
  return null
}

/** Whether an instrument phrase starting inside [from, from + length) runs on past it. */
function overlapsLonger(tokens: Token[], from: number, length: number): boolean {
  for (let offset = 1; offset < length; offset++) {
    const inner = longestPhrase(tokens, from + offset, (meaning) => meaning.kind === 'instrument')
    if (inner && offset + inner.words.length > length) return true
  }
  return false
}

/** The items of a tokenized name, with tokens at the indexes in `ignored` left out. */
export function readItems(tokens: Token[], text: string, ignored: ReadonlySet<number>): Item[] {
  const kept = tokens.filter((_, index) => !ignored.has(index))
  const items: Item[] = []
  let segment = 0
  for (let index = 0; index < kept.length; index++) {
    const token = kept[index]!
    const at = { start: token.start, end: token.end, segment }
    if (token.kind === 'break') {
      segment++
      items.push({ ...at, segment, kind: 'word' })
      continue
    }
    if (token.kind === 'word' && IN_WORDS.includes(token.text)) {
      const key = longestPhrase(kept, index + 1, (meaning) => meaning.kind === 'key')
      if (key && key.meaning.kind === 'key') {
        const last = kept[index + key.words.length]!
        items.push({ ...at, end: last.end, kind: 'key', key: key.meaning.key, afterIn: true })
        index += key.words.length
        continue
      }
    }
    let found = longestPhrase(kept, index, (meaning) => meaning.kind !== 'key' || !meaning.needsIn)
    if (found && overlapsLonger(kept, index, found.words.length)) {
      // "Bb Bass Clarinet": "bass clarinet" outweighs "Bb Bass", so "Bb" is only a key here.
      found = longestPhrase(kept, index, (meaning) => meaning.kind === 'key' && !meaning.needsIn)
    }
    if (found) {
      const last = kept[index + found.words.length - 1]!
      const span = { ...at, end: last.end }
      const meaning = found.meaning
      if (meaning.kind === 'instrument') items.push({ ...span, kind: 'instrument', entry: meaning.entry, written: text.slice(span.start, span.end) })
      else if (meaning.kind === 'key') items.push({ ...span, kind: 'key', key: meaning.key, afterIn: false })
      else items.push({ ...span, kind: 'clef', clef: meaning.clef })
      index += found.words.length - 1
      continue
    }
    if (token.kind === 'number') items.push({ ...at, kind: 'number', value: token.value, dot: token.dot, padded: token.padded, text: token.text })
    else if (token.kind === 'ordinal') items.push({ ...at, kind: 'ordinal', value: token.value })
    else if (token.kind === 'sep') items.push({ ...at, kind: token.text === 'range' ? 'range' : 'join' })
    else if (token.kind === 'open' || token.kind === 'close') items.push({ ...at, kind: token.kind })
    else if (token.kind === 'word' && token.text in ORDINAL_WORDS) items.push({ ...at, kind: 'ordinal', value: ORDINAL_WORDS[token.text]! })
    else if (token.kind === 'word' && token.text in ROMAN_NUMERALS) items.push({ ...at, kind: 'roman', value: ROMAN_NUMERALS[token.text]! })
    else if (token.kind === 'word' && JOINING_WORDS.includes(token.text)) items.push({ ...at, kind: 'join' })
    else items.push({ ...at, kind: 'word' })
  }
  return items
}

/**
 * Indexes of the tokens that spell the piece's title (a run of two words or
 * more, or the whole of a one-word title) or a word of its arranger's or
 * composer's name, so "Trumpet Voluntary - Trumpet 1" keeps one trumpet.
 */
export function contextTokens(tokens: Token[], title: string | null | undefined, names: (string | null | undefined)[]): Set<number> {
  const ignored = new Set<number>()
  const words = tokens.flatMap((token, index) => (token.kind === 'word' || token.kind === 'number' ? [{ index, text: tokenText(token)! }] : []))
  const titleWords = title ? tokenize(title.slice(0, 200)).flatMap((token) => (token.kind === 'word' || token.kind === 'number' ? [tokenText(token)!] : [])) : []
  if (titleWords.length > 0) {
    let best = { from: 0, length: 0 }
    for (let i = 0; i < words.length; i++) {
      for (let j = 0; j < titleWords.length; j++) {
        let length = 0
        while (words[i + length] && words[i + length]!.text === titleWords[j + length]) length++
        if (length > best.length) best = { from: i, length }
      }
    }
    if (best.length >= Math.min(2, titleWords.length)) {
      for (let k = best.from; k < best.from + best.length; k++) ignored.add(words[k]!.index)
    }
  }
  const nameWords = new Set(
    names.flatMap((name) => (name ? tokenize(name.slice(0, 200)).flatMap((token) => (token.kind === 'word' && token.text.length >= 3 ? [token.text] : [])) : [])),
  )
  for (const word of words) if (nameWords.has(word.text)) ignored.add(word.index)
  return ignored
}

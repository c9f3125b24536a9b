/**
 * A part file's name as a list of tokens: words (camelCase and letter/digit
 * runs split, so "TPT1", "SAX-ALT1" and "FirstSuite_Cl2" read like
 * "tpt 1", "sax alt 1", "first suite cl 2"), numbers, and the separators that
 * tell chairs and shared sheets apart. Every token keeps where it stood in
 * the cleaned name, so a label can quote the name as written.
 *
 * Only flat character classes, no nested quantifiers: the scan is linear, and
 * the name is cut to MAX_NAME_LENGTH before it starts.
 */

export const MAX_NAME_LENGTH = 200

export type Token =
  | { kind: 'word'; text: string; start: number; end: number }
  /** `dot`: written "3." (a German chair); `padded`: "03" (a track number). */
  | { kind: 'number'; value: number; text: string; dot: boolean; padded: boolean; start: number; end: number }
  | { kind: 'ordinal'; value: number; text: string; start: number; end: number }
  /** Separators inside a part: "1/3", "1 & 2", "1+2", "1, 2", "1-3" (range). */
  | { kind: 'sep'; text: '/' | '&' | '+' | ',' | 'range'; start: number; end: number }
  | { kind: 'open' | 'close'; text: string; start: number; end: number }
  /** Between a title and the part: " - ", "–", "|", ";". */
  | { kind: 'break'; text: string; start: number; end: number }

/** Lower case without accents, as the dictionary is written: "Flöte" → "flote", "Große" → "grosse". */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss').toLowerCase()
}

/**
 * The part of a file name worth reading: no Windows folders, no extension, no control
 * or direction characters, ♭ as "b", and at most MAX_NAME_LENGTH characters
 * (the end is kept: the part's name comes after the title).
 */
export function cleanFileName(fileName: string): string {
  // A "/" stays: in a part's name it joins a shared sheet ("Flute/Piccolo"),
  // and folders before it ("Parts/Flute 1") name nothing the part does not.
  const base = fileName.split('\\').pop() ?? ''
  const stem = base.replace(/\.(pdf|mus|musx|sib|mscz|mscx|musicxml|mxl|xml|dorico|ly|png|jpe?g|tiff?)$/i, '')
  const visible = stem
    .normalize('NFC')
    // Control, format (RTL/LTR marks, zero-width) and unassigned characters read as a space.
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/gu, ' ')
    .replace(/♭/g, 'b')
    .replace(/♯/g, '#')
  const cut = visible.length > MAX_NAME_LENGTH ? visible.slice(visible.length - MAX_NAME_LENGTH) : visible
  return cut.trim()
}

// One raw run at a time: letters (with their marks), digits, blanks
// (spaces, underscores, dots), or any single other character.
const RUN = /[\p{L}\p{M}]+|[0-9]+|[\s_.]+|[^\p{L}\p{M}0-9\s_.]/gu
const ORDINAL_SUFFIX = /^(st|nd|rd|th|e|er|eme|ème)$/i
const DASHES = new Set(['-', '‐', '‑', '‒'])
const LONG_DASHES = new Set(['–', '—', '―', '|', ';', '~'])

/** "FirstSuite" → First, Suite; "ASax" → A, Sax; "BBb" and "TPT" stay whole. */
function splitCamel(run: string): string[] {
  if (/^(BBb|EEb)$/.test(run)) return [run]
  return run.split(/(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u).filter(Boolean)
}

export function tokenize(text: string): Token[] {
  const runs = [...text.matchAll(RUN)].map((match) => ({ text: match[0], start: match.index }))
  const tokens: Token[] = []
  const blank = (index: number) => {
    const run = runs[index]
    return run === undefined || /^[\s_]/.test(run.text)
  }
  for (let index = 0; index < runs.length; index++) {
    const run = runs[index]!
    const end = run.start + run.text.length
    const next = runs[index + 1]
    if (/^[0-9]/.test(run.text)) {
      const value = run.text.length > 6 ? Number.MAX_SAFE_INTEGER : Number(run.text)
      if (next && ORDINAL_SUFFIX.test(next.text) && /\p{L}/u.test(next.text)) {
        tokens.push({ kind: 'ordinal', value, text: run.text + next.text, start: run.start, end: next.start + next.text.length })
        index++
        continue
      }
      const dot = next?.text.startsWith('.') ?? false
      tokens.push({ kind: 'number', value, text: run.text, dot, padded: run.text.length > 1 && run.text.startsWith('0'), start: run.start, end })
    } else if (/^[\p{L}\p{M}]/u.test(run.text)) {
      let offset = run.start
      for (const part of splitCamel(run.text)) {
        tokens.push({ kind: 'word', text: fold(part), start: offset, end: offset + part.length })
        offset += part.length
      }
    } else if (/^[\s_.]/.test(run.text)) {
      continue
    } else if (DASHES.has(run.text)) {
      const previous = tokens.at(-1)
      const following = runs[index + 1]
      if (blank(index - 1) || blank(index + 1)) {
        tokens.push({ kind: 'break', text: run.text, start: run.start, end })
      } else if (previous?.kind === 'number' && following && /^[0-9]/.test(following.text)) {
        tokens.push({ kind: 'sep', text: 'range', start: run.start, end })
      }
      // A dash inside a word ("Es-Klarinette", "SAX-ALT1") only joins.
    } else if (LONG_DASHES.has(run.text)) {
      tokens.push({ kind: 'break', text: run.text, start: run.start, end })
    } else if (run.text === '/' || run.text === '&' || run.text === '+' || run.text === ',') {
      tokens.push({ kind: 'sep', text: run.text, start: run.start, end })
    } else if ('([{'.includes(run.text)) {
      tokens.push({ kind: 'open', text: run.text, start: run.start, end })
    } else if (')]}'.includes(run.text)) {
      tokens.push({ kind: 'close', text: run.text, start: run.start, end })
    }
    // Anything else (emoji, #, quotes) separates words and means nothing.
  }
  return tokens
}

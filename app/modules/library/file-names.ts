/**
 * A file name as the uploader's computer sent it, made fit to show: only the
 * last path part (browsers on Windows and ZIP tools send "C:\scans\x.pdf" or
 * "set/x.pdf"), no control characters or bidirectional overrides (which can
 * make "evil‮fdp.exe" read as "evilexe.pdf"), trimmed, at most 255
 * characters with the extension kept. Never used as a path: storage keys are
 * opaque (storage-keys.ts).
 */
export const MAX_FILE_NAME_LENGTH = 255

// C0 and C1 controls, bidi embeddings/overrides/isolates, zero-width and BOM characters.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

export function cleanFileName(raw: string, fallback = 'unnamed.pdf'): string {
  const lastPart = raw.split(/[/\\]/).pop() ?? ''
  const cleaned = lastPart.normalize('NFC').replace(/[\t\n\v\f\r]/g, ' ').replace(UNSAFE_CHARACTERS, '').replace(/\s+/g, ' ').trim()
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return fallback
  const characters = [...cleaned]
  if (characters.length <= MAX_FILE_NAME_LENGTH) return cleaned
  const extension = /\.[\p{L}\p{N}]{1,8}$/u.exec(cleaned)?.[0] ?? ''
  const stem = characters.slice(0, MAX_FILE_NAME_LENGTH - [...extension].length - 1).join('')
  return `${stem}…${extension}`
}

/** The extension in lower case, without the dot ("pdf"), or ''. */
export function extensionOf(name: string): string {
  return /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase() ?? ''
}

import type { Readable } from 'node:stream'
import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { cleanFileName, extensionOf } from './file-names.ts'

/**
 * The entries of an uploaded ZIP, one at a time, each either a PDF to stage
 * or refused with a message. yauzl reads the central directory (random
 * access, so the archive sits in a temporary file) and checks while
 * inflating that no entry yields more than its header says. Names are only
 * ever shown: nothing from a ZIP names anything on disk.
 */
export type ZipEntry =
  | { kind: 'pdf'; name: string; uncompressedSize: number; open(): Promise<Readable> }
  | { kind: 'refused'; name: string; problem: string }

export type ZipLimits = { maxZipEntries: number; maxCompressionRatio: number }

export const ZIP_PROBLEMS = {
  damaged: 'Damaged ZIP — it cannot be opened',
  unsafePath: 'Unsafe path in the ZIP',
  nested: 'ZIP inside a ZIP is not opened',
  notPdf: 'Not a PDF',
  encrypted: 'Encrypted ZIP entry — unpack it and upload the PDF',
  bomb: 'Compressed far more than a PDF can be (a ZIP bomb?) — not opened',
  tooManyEntries: (max: number) => `The ZIP has more than ${max.toLocaleString('en-GB')} entries; the rest were not opened`,
} as const

/** Thrown when the archive itself cannot be read (not for one bad entry). */
export class ZipUnreadableError extends Error {
  override name = 'ZipUnreadableError'
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04])
/** An empty archive has only its end record. */
const EMPTY_ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06])

export function hasZipSignature(head: Uint8Array): boolean {
  const start = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 4))
  return start.equals(ZIP_SIGNATURE) || start.equals(EMPTY_ZIP_SIGNATURE)
}

/** Why a path from an archive is unsafe, or null: absolute, a drive letter, a backslash, a ".." segment. */
export function unsafeZipPath(name: string): boolean {
  return name.startsWith('/') || /^[a-z]:/i.test(name) || name.includes('\\') || name.split('/').includes('..') || name.includes('\u0000')
}

// Finder's resource forks ("__MACOSX/._Flute.pdf") ride along in every ZIP made on a Mac; they are not files anyone sent.
const isMacMetadata = (name: string) => name.startsWith('__MACOSX/') || /(^|\/)\._/.test(name) || /(^|\/)\.DS_Store$/.test(name)

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings off: yauzl would fail the whole archive on one unsafe name; we refuse that entry alone.
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (error, zipfile) =>
      error ? reject(new ZipUnreadableError(ZIP_PROBLEMS.damaged, { cause: error })) : resolve(zipfile),
    )
  })
}

function nextEntry(zipfile: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zipfile.off('entry', onEntry)
      zipfile.off('end', onEnd)
      zipfile.off('error', onError)
    }
    const onEntry = (entry: Entry) => (cleanup(), resolve(entry))
    const onEnd = () => (cleanup(), resolve(null))
    const onError = (error: Error) => (cleanup(), reject(new ZipUnreadableError(ZIP_PROBLEMS.damaged, { cause: error })))
    zipfile.on('entry', onEntry)
    zipfile.on('end', onEnd)
    zipfile.on('error', onError)
    zipfile.readEntry()
  })
}

export async function* zipEntries(file: string, limits: ZipLimits): AsyncGenerator<ZipEntry> {
  const zipfile = await openZip(file)
  try {
    let seen = 0
    for (let entry = await nextEntry(zipfile); entry; entry = await nextEntry(zipfile)) {
      // strictFileNames: keep backslashes, so "..\\x.pdf" is refused rather than turned into "../x.pdf".
      const path = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true)
      if (path.endsWith('/') || isMacMetadata(path)) continue
      seen += 1
      if (seen > limits.maxZipEntries) {
        yield { kind: 'refused', name: '…', problem: ZIP_PROBLEMS.tooManyEntries(limits.maxZipEntries) }
        return
      }
      const name = cleanFileName(path)
      if (unsafeZipPath(path)) yield { kind: 'refused', name, problem: ZIP_PROBLEMS.unsafePath }
      else if (extensionOf(name) === 'zip') yield { kind: 'refused', name, problem: ZIP_PROBLEMS.nested }
      else if (extensionOf(name) !== 'pdf') yield { kind: 'refused', name, problem: ZIP_PROBLEMS.notPdf }
      else if (entry.isEncrypted()) yield { kind: 'refused', name, problem: ZIP_PROBLEMS.encrypted }
      else if (entry.uncompressedSize > Math.max(1, entry.compressedSize) * limits.maxCompressionRatio) {
        yield { kind: 'refused', name, problem: ZIP_PROBLEMS.bomb }
      } else {
        const current = entry
        yield {
          kind: 'pdf',
          name,
          uncompressedSize: current.uncompressedSize,
          // The caller streams it into storage with its byte limits: inflated bytes are counted there, never trusted from the header.
          open: () =>
            new Promise<Readable>((resolve, reject) => {
              zipfile.openReadStream(current, (error, stream) => (error ? reject(error) : resolve(stream)))
            }),
        }
      }
    }
  } finally {
    zipfile.close()
  }
}

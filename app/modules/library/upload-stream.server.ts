import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { finished, PassThrough, type Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomUUID } from 'node:crypto'
import Busboy, { type BusboyFileStream } from '@fastify/busboy'
import { StorageLimitError, type Storage } from '#app/platform/storage.server.ts'
import { cleanFileName, extensionOf } from './file-names.ts'
import { checkPdfBytes, hasPdfSignature, PDF_PROBLEMS, SIGNATURE_WINDOW } from './pdf-check.server.ts'
import { stagingKey } from './storage-keys.ts'
import type { UploadLimits } from './upload-limits.server.ts'
import { formatBytes } from './upload-size.ts'
import { hasZipSignature, ZipUnreadableError, zipEntries } from './zip-entries.server.ts'

/**
 * Reads a batch upload's multipart body as it arrives: each PDF streams into
 * staging storage (never whole in memory), a ZIP into a temporary file whose
 * PDF entries are staged one by one. Every file gets a verdict — staged with
 * its size, SHA-256 and page count, or refused with a message for the
 * librarian — and one bad file never harms the others. When the upload as a
 * whole fails (the client went away, storage broke, the disk is full) every
 * object staged so far is removed before the error is passed on.
 */

export type ReceivedFile = {
  originalName: string
  /** The ZIP the file came out of, if any. */
  archiveName: string | null
  stagingKey: string | null
  sizeBytes: number
  sha256: string | null
  pageCount: number | null
  problem: string | null
}

export type ReceivedUpload = { fields: Record<string, string>; files: ReceivedFile[] }

/** The upload as a whole could not be read or stored; nothing of it was kept. */
export class UploadInterruptedError extends Error {
  override name = 'UploadInterruptedError'
  readonly reason: 'client' | 'storage' | 'form'
  constructor(reason: 'client' | 'storage' | 'form', options?: { cause?: unknown }) {
    super(
      reason === 'client'
        ? 'The upload stopped before all of it arrived; nothing was kept.'
        : reason === 'storage'
          ? 'The files could not be stored (the storage is full or unavailable); nothing was kept. Try again later.'
          : 'The upload could not be read; nothing was kept.',
      options,
    )
    this.reason = reason
  }
}

export const UPLOAD_PROBLEMS = {
  tooBig: (limit: number) => `Larger than the ${formatBytes(limit)} allowed for one file`,
  batchFull: (limit: number) => `The upload is over its ${formatBytes(limit)} limit: this file was not kept`,
  tooMany: (limit: number) => `More than ${limit} files in one upload: this one was not kept`,
  restNotRead: (limit: number) => `More than ${limit} files in one upload: the rest were not read`,
  notPdfOrZip: 'Not a PDF or ZIP',
} as const

/** Form fields are short: a title, a name, a library number. */
const FIELD_LIMITS = { fields: 30, fieldSize: 4 * 1024, fieldNameSize: 100, headerPairs: 50 }

type Services = { storage: Storage }
type Options = {
  body: Readable
  contentType: string
  batchId: string
  limits: UploadLimits
  signal?: AbortSignal
  /** Where a ZIP waits while it is read (the system's temporary folder unless a test says otherwise). */
  scratchDirectory?: string
}

export async function receiveUpload({ storage }: Services, options: Options): Promise<ReceivedUpload> {
  const { limits, signal, batchId } = options
  const fields: Record<string, string> = {}
  const files: ReceivedFile[] = []
  let batchBytes = 0
  let fileCount = 0
  // Rows one upload may leave: the files it may keep and a ZIP's worth of refusals more. Past that the remaining parts
  // are skipped unread and one row says so, so a body of many tiny parts cannot become as many rows (and a page of them).
  const maxVerdicts = limits.maxFiles + limits.maxZipEntries
  let cutOff = false
  const stopRecording = () => {
    if (cutOff) return
    cutOff = true
    files.push({ originalName: '…', archiveName: null, stagingKey: null, sizeBytes: 0, sha256: null, pageCount: null, problem: UPLOAD_PROBLEMS.restNotRead(limits.maxFiles) })
  }
  // Streams of the file being handled: a failure elsewhere (client gone, bad form) destroys them so the
  // storage write in flight ends, and its object is removed with the rest instead of landing afterwards.
  const inFlight = new Set<Readable>()
  const track = <T extends Readable>(stream: T): T => {
    inFlight.add(stream)
    stream.once('close', () => inFlight.delete(stream))
    return stream
  }
  // Files are read strictly one after another: the parser waits (backpressure) while one is received and checked.
  let queue = Promise.resolve()
  // Files received and checked whose put is still finishing (flush, fsync, rename). A few at a time: each holds an
  // open file, and its sync a thread of libuv's pool, which the file being received needs for its writes.
  const settling = new Set<Promise<void>>()
  let failUpload: (error: unknown) => void = () => undefined
  // The PDF being staged, kept for its check; one buffer for the whole upload (files come one at a time).
  const captured: CaptureBuffer = { bytes: Buffer.alloc(0) }

  const refuse = (originalName: string, archiveName: string | null, problem: string, sizeBytes = 0) => {
    if (files.length >= maxVerdicts) return stopRecording()
    files.push({ originalName, archiveName, stagingKey: null, sizeBytes, sha256: null, pageCount: null, problem })
  }

  /** Stages one PDF's bytes under the batch; a refusal when it is over a limit or not a PDF. */
  async function stagePdf(source: Readable, originalName: string, archiveName: string | null) {
    if (fileCount >= limits.maxFiles) {
      source.resume()
      await finishedReading(source)
      return refuse(originalName, archiveName, UPLOAD_PROBLEMS.tooMany(limits.maxFiles))
    }
    fileCount++
    while (settling.size >= SETTLING_AT_ONCE) await Promise.race(settling)
    const allowance = limits.maxBatchBytes - batchBytes
    const key = stagingKey(batchId)
    const maxBytes = Math.min(limits.maxFileBytes, allowance)
    const head = track(new FileCapture(captured, maxBytes))
    const storing = storage.put(key, source.pipe(head), { maxBytes, contentType: 'application/pdf', signal })
    // Every byte has passed the capture (the write behind it may still be under way), or the put failed first.
    const putError = await Promise.race([head.complete.then(() => null), storing.then(() => null, (error: unknown) => error ?? new Error('storage failed'))])
    if (putError || head.overflowed) {
      const error = putError ?? (await storing.then(() => new Error('a file over its limit was stored'), (failure: unknown) => failure))
      if (!(error instanceof StorageLimitError)) throw error
      source.unpipe(head)
      source.resume()
      await finishedReading(source)
      if (allowance < limits.maxFileBytes) batchBytes = limits.maxBatchBytes
      return refuse(originalName, archiveName, allowance < limits.maxFileBytes ? UPLOAD_PROBLEMS.batchFull(limits.maxBatchBytes) : UPLOAD_PROBLEMS.tooBig(limits.maxFileBytes))
    }
    const size = head.length
    // The bytes that were hashed and stored, not a second read of them (see FileCapture).
    const problem = size === 0 ? PDF_PROBLEMS.empty : hasPdfSignature(head.head(SIGNATURE_WINDOW)) ? null : PDF_PROBLEMS.notPdf
    const check = problem ? ({ ok: false, problem } as const) : await checkPdfBytes(head.whole(size))
    let staged: ReceivedFile | null = null
    if (check.ok) {
      batchBytes += size
      staged = { originalName, archiveName, stagingKey: key, sizeBytes: size, sha256: null, pageCount: check.pageCount, problem: null }
      files.push(staged)
    } else {
      refuse(originalName, archiveName, check.problem, size)
    }
    // Made durable (synced, renamed) while the next file is read: waiting for it here cost about as long as receiving.
    const settled = storing.then(async (stored) => {
      if (staged) staged.sha256 = stored.sha256
      else await storage.delete(key)
    })
    settling.add(settled)
    settled.then(() => settling.delete(settled), (error: unknown) => failUpload(error))
  }

  /** A ZIP needs random access: it waits in a temporary file (never unpacked to disk) while its PDFs are staged. */
  async function stageZip(source: Readable, zipName: string) {
    const temp = path.join(options.scratchDirectory ?? tmpdir(), `band-upload-${randomUUID()}.zip`)
    const allowance = limits.maxBatchBytes - batchBytes
    try {
      let written = 0
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          written += chunk.length
          done(written > allowance ? new StorageLimitError(allowance) : null, chunk)
        },
      })
      try {
        await pipeline(source.pipe(track(new PassThrough())), meter, createWriteStream(temp, { flags: 'wx' }), { signal })
      } catch (error) {
        if (!(error instanceof StorageLimitError)) throw new UploadInterruptedError(signal?.aborted ? 'client' : 'storage', { cause: error })
        source.unpipe()
        source.resume()
        await finishedReading(source)
        batchBytes = limits.maxBatchBytes
        return refuse(zipName, null, UPLOAD_PROBLEMS.batchFull(limits.maxBatchBytes))
      }
      try {
        for await (const entry of zipEntries(temp, limits)) {
          if (cutOff) break
          if (entry.kind === 'refused') refuse(entry.name, zipName, entry.problem)
          else await stagePdf(await entry.open(), entry.name, zipName)
        }
      } catch (error) {
        if (!(error instanceof ZipUnreadableError)) throw error
        refuse(zipName, null, error.message)
      }
    } finally {
      await rm(temp, { force: true })
    }
  }

  async function receiveFile(file: BusboyFileStream, rawName: string, mimeType: string) {
    const name = cleanFileName(rawName)
    const zip = extensionOf(name) === 'zip' || /^application\/(x-)?zip(-compressed)?$/.test(mimeType)
    if (zip) return stageZip(file, name)
    if (extensionOf(name) === 'pdf' || mimeType === 'application/pdf') return stagePdf(file, name, null)
    // Not named as either: still a PDF if its bytes say so; a ZIP by its bytes is opened too.
    const head = await peek(file, 4)
    if (hasZipSignature(head.bytes)) return stageZip(head.stream, name)
    return stagePdf(head.stream, name, null)
  }

  const stagedKeys = () => files.flatMap((file) => (file.stagingKey ? [file.stagingKey] : []))
  try {
    await new Promise<void>((resolve, reject) => {
      let parser: ReturnType<typeof createParser>
      try {
        parser = createParser(options.contentType, limits.maxBatchBytes, maxVerdicts)
      } catch (error) {
        reject(new UploadInterruptedError('form', { cause: error }))
        return
      }
      let failed = false
      const fail = (error: unknown) => {
        if (failed) return
        failed = true
        options.body.unpipe(parser)
        parser.destroy()
        for (const stream of inFlight) stream.destroy()
        reject(error)
      }
      failUpload = fail
      const onAbort = () => fail(new UploadInterruptedError('client', { cause: signal?.reason }))
      signal?.addEventListener('abort', onAbort, { once: true })
      parser.on('field', (name, value) => {
        fields[name] = value
      })
      parser.on('file', (_field, file, rawName, _encoding, mimeType) => {
        track(file)
        // An empty file input sends a part with no name and no bytes: nothing was chosen.
        queue = queue.then(async () => {
          if (failed) return void file.resume()
          if (!rawName) {
            file.resume()
            return finishedReading(file)
          }
          await receiveFile(file, rawName, mimeType)
        })
        queue.catch(fail)
      })
      parser.on('filesLimit', () => {
        queue = queue.then(stopRecording)
        queue.catch(fail)
      })
      parser.on('error', (error) => fail(signal?.aborted ? new UploadInterruptedError('client', { cause: error }) : new UploadInterruptedError('form', { cause: error })))
      options.body.on('error', (error) => fail(new UploadInterruptedError('client', { cause: error })))
      parser.on('finish', () => {
        queue.then(() => Promise.all(settling)).then(() => {
          signal?.removeEventListener('abort', onAbort)
          if (!failed) resolve()
        }, fail)
      })
      options.body.pipe(parser)
    })
  } catch (error) {
    // The file in flight finishes failing first, so every key it staged is known before the clean-up.
    await queue.catch(() => undefined)
    await Promise.allSettled(settling)
    await Promise.allSettled(stagedKeys().map((key) => storage.delete(key)))
    if (error instanceof UploadInterruptedError) throw error
    throw new UploadInterruptedError(signal?.aborted ? 'client' : 'storage', { cause: error })
  }
  return { fields, files }
}

function createParser(contentType: string, maxBatchBytes: number, maxFileParts: number) {
  // Per-file and per-batch limits are counted where the bytes are stored (a ZIP may be larger than one PDF may);
  // the parser's own caps only stop a part that is past any limit, and skip file parts past the last row an upload may have.
  return new Busboy({ headers: { 'content-type': contentType }, limits: { ...FIELD_LIMITS, fileSize: maxBatchBytes + 1, files: maxFileParts } })
}

/**
 * Files whose puts may still be finishing while the next is received. Four
 * beat two on this project's 2-core VM (median 2.5 s against 3.4 s for 200
 * PDFs of 2.65 MiB, five runs each, straight into local storage): the syncs of
 * a few files proceed together.
 */
export const SETTLING_AT_ONCE = 4

const finishedReading = (stream: Readable) => new Promise<void>((resolve) => finished(stream, () => resolve()))

type CaptureBuffer = { bytes: Buffer }

/**
 * Keeps a copy of the file passing through, for the signature check and the
 * page-count parse (pdf-lib needs the whole file). Reading the staged object
 * back instead cost a fresh buffer of the file's size plus a read chunk per
 * 64 KB for every file: measured on 200 PDFs of 2.65 MiB, that external
 * memory set off ~110 full V8 collections (4 s of CPU) per batch; one buffer
 * reused for every file of the upload set off ~40. Nothing past `limit` (the
 * put's maxBytes) is kept: storage refuses such a file anyway.
 */
class FileCapture extends Transform {
  #length = 0
  #overflow = false
  readonly #buffer: CaptureBuffer
  readonly #limit: number
  /** Resolves when the whole file has passed (never when the stream fails instead). */
  readonly complete: Promise<void>
  constructor(buffer: CaptureBuffer, limit: number) {
    super()
    this.#buffer = buffer
    this.#limit = limit
    this.complete = new Promise((resolve) => this.once('finish', () => resolve()))
  }
  get length(): number {
    return this.#length
  }
  /** More arrived than the limit: nothing past it was kept, and the put refuses the file. */
  get overflowed(): boolean {
    return this.#overflow
  }
  /** The first `size` bytes (fewer when the file is shorter). */
  head(size: number): Buffer {
    return this.#buffer.bytes.subarray(0, Math.min(this.#length, size))
  }
  /** The whole file, which must be `size` bytes long; valid until the next file is captured. */
  whole(size: number): Buffer {
    if (this.#overflow || this.#length !== size) throw new Error(`Captured ${this.#length} bytes of a file of ${size}`)
    return this.#buffer.bytes.subarray(0, size)
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void) {
    const end = this.#length + chunk.length
    if (end > this.#limit) this.#overflow = true
    if (!this.#overflow) {
      if (end > this.#buffer.bytes.length) {
        // Doubling from 1 MiB: a few copies per upload, never past the limit.
        const grown = Buffer.allocUnsafe(Math.min(this.#limit, Math.max(end, 2 * this.#buffer.bytes.length, 1024 * 1024)))
        this.#buffer.bytes.copy(grown, 0, 0, this.#length)
        this.#buffer.bytes = grown
      }
      chunk.copy(this.#buffer.bytes, this.#length)
      this.#length = end
    }
    done(null, chunk)
  }
}

/** The first `size` bytes of a stream, and a stream that still yields all of it. */
async function peek(source: Readable, size: number): Promise<{ bytes: Buffer; stream: Readable }> {
  const seen: Buffer[] = []
  let length = 0
  for await (const chunk of source.iterator({ destroyOnReturn: false })) {
    seen.push(chunk as Buffer)
    length += (chunk as Buffer).length
    if (length >= size) break
  }
  const replay = new PassThrough()
  replay.write(Buffer.concat(seen))
  if (source.readableEnded) replay.end()
  else source.pipe(replay)
  return { bytes: Buffer.concat(seen).subarray(0, size), stream: replay }
}

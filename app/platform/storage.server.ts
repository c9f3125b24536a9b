import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat as statFile, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'

/**
 * Where uploaded files live: a folder on disk, or an S3-compatible bucket.
 * Keys are opaque relative paths ("parts/3f2a/v1.pdf"); the database holds
 * everything else about a file (name, type, who uploaded it).
 */
export type StorageConfig =
  | { kind: 'local'; directory: string }
  | {
      kind: 's3'
      bucket: string
      region: string
      endpoint: string | undefined
      accessKeyId: string
      secretAccessKey: string
      forcePathStyle: boolean
    }

export type StoredObject = { key: string; size: number; sha256: string }
/** `etag` is S3's, quotes included (usable as an HTTP ETag); the local adapter has none. */
export type ObjectInfo = { key: string; size: number; lastModified: Date; etag?: string }
/** Inclusive `end`, like HTTP ranges; no `end` means to the last byte. */
export type ByteRange = { start: number; end?: number }

export type PutOptions = { maxBytes?: number; contentType?: string; signal?: AbortSignal }

export type Storage = {
  readonly kind: 'local' | 's3'
  /**
   * Streams `body` in, counting bytes and hashing them on the way. The key
   * shows the new content only once all of it is stored: when put rejects
   * (body error, abort, `maxBytes` exceeded) the key keeps what it had
   * before and no partial data is left behind. The local adapter ignores
   * `contentType`.
   */
  put(key: string, body: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<StoredObject>
  /** The object's bytes (or a slice). Throws StorageNotFoundError, or StorageRangeError when `range` starts past the end. */
  get(key: string, options?: { range?: ByteRange }): Promise<Readable>
  stat(key: string): Promise<ObjectInfo | null>
  exists(key: string): Promise<boolean>
  /** Idempotent: deleting a missing key is fine. */
  delete(key: string): Promise<void>
  /**
   * Puts the object under `from` at `to` (replacing what `to` had) and removes
   * `from`. Local: one rename, atomic. S3: CopyObject then DeleteObject, so a
   * failure in between leaves the object under both keys, never under neither.
   * Throws StorageNotFoundError when `from` holds nothing.
   */
  move(from: string, to: string): Promise<void>
  /** For /readyz: writes, reads back and removes a small probe object. */
  check(): Promise<{ status: 'ok' | 'fail'; kind: 'local' | 's3'; detail?: string }>
  close(): Promise<void>
}

export class StorageNotFoundError extends Error {
  override name = 'StorageNotFoundError'
  readonly key: string
  constructor(key: string, options?: ErrorOptions) {
    super(`No stored object under ${JSON.stringify(key)}`, options)
    this.key = key
  }
}

export class StorageLimitError extends Error {
  override name = 'StorageLimitError'
  readonly maxBytes: number
  constructor(maxBytes: number) {
    super(`The file is larger than the ${maxBytes} bytes allowed`)
    this.maxBytes = maxBytes
  }
}

/** A range that starts at or past the end of the object (HTTP 416). */
export class StorageRangeError extends RangeError {
  override name = 'StorageRangeError'
}

export function createStorage(config: StorageConfig): Storage {
  return config.kind === 'local' ? createLocalStorage(config.directory) : createS3Storage(config)
}

// In-flight writes (local) and readiness probes live under this first
// segment; no key may start with it, so a crash leftover is never an object.
const TEMP_PREFIX = '.tmp'

/** Throws a TypeError unless `key` is a safe relative key (callers build keys, so a bad one is a bug). */
function assertKey(key: string): void {
  const fail = (why: string): never => {
    throw new TypeError(`Invalid storage key ${JSON.stringify(key)}: ${why}`)
  }
  if (typeof key !== 'string' || key.length === 0) fail('empty')
  // 1024 bytes is S3's limit; 255 per segment is the usual filesystem name limit.
  if (Buffer.byteLength(key) > 1024) fail('longer than 1024 bytes')
  // NUL truncates paths in C APIs; backslash is a separator on Windows.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(key)) fail('control character or backslash')
  if (key.startsWith('/')) fail('absolute')
  const segments = key.split('/')
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') fail('empty, "." or ".." segment')
    if (Buffer.byteLength(segment) > 255) fail('segment longer than 255 bytes')
  }
  if (segments[0] === TEMP_PREFIX) fail(`"${TEMP_PREFIX}/" is reserved`)
}

function assertMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
    throw new TypeError(`maxBytes must be a non-negative integer, got ${maxBytes}`)
  }
}

function assertRange(range: ByteRange): void {
  const { start, end } = range
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new StorageRangeError(`Invalid byte range ${JSON.stringify(range)}`)
  }
}

/** A pass-through that counts and hashes, and fails the stream once `maxBytes` is passed. */
function createMeter(maxBytes: number | undefined) {
  const hash = createHash('sha256')
  let size = 0
  let sha256: string | undefined
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length
      if (maxBytes !== undefined && size > maxBytes) return callback(new StorageLimitError(maxBytes))
      hash.update(chunk)
      callback(null, chunk)
    },
    flush(callback) {
      sha256 = hash.digest('hex')
      callback()
    },
  })
  const result = (key: string): StoredObject => {
    if (sha256 === undefined) throw new Error('The body stream did not finish')
    return { key, size, sha256 }
  }
  return { stream, result }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

function errorDetail(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.name : String(error))
}

function createLocalStorage(directory: string): Storage {
  const root = path.resolve(directory)
  const tempDirectory = path.join(root, TEMP_PREFIX)

  const fileFor = (key: string) => {
    assertKey(key)
    const file = path.resolve(root, ...key.split('/'))
    // Belt and braces: assertKey already rules out climbing, but this is the line that must hold.
    if (!file.startsWith(root + path.sep)) throw new TypeError(`Invalid storage key ${JSON.stringify(key)}: outside storage`)
    return file
  }
  const isMissing = (error: unknown) => errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR'

  const stat = async (key: string): Promise<ObjectInfo | null> => {
    const file = fileFor(key)
    try {
      const info = await statFile(file)
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : null
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }

  return {
    kind: 'local',

    async put(key, body, options = {}) {
      const file = fileFor(key)
      assertMaxBytes(options.maxBytes)
      options.signal?.throwIfAborted()
      await mkdir(tempDirectory, { recursive: true })
      // Same filesystem as the target, so the rename below is atomic.
      const temp = path.join(tempDirectory, randomUUID())
      const meter = createMeter(options.maxBytes)
      try {
        // flush: fsync before close, so the rename never publishes bytes that are only in the page cache.
        const sink = createWriteStream(temp, { flags: 'wx', flush: true })
        await pipeline(body, meter.stream, sink, { signal: options.signal })
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      try {
        await mkdir(path.dirname(file), { recursive: true })
        await rename(temp, file)
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      await syncDirectory(path.dirname(file))
      return meter.result(key)
    },

    async get(key, options = {}) {
      const file = fileFor(key)
      if (options.range) assertRange(options.range)
      // Open first and read through the handle: a rename between a stat and an open cannot mix two versions.
      const handle = await open(file, 'r').catch((error: unknown) => {
        throw isMissing(error) ? new StorageNotFoundError(key, { cause: error }) : error
      })
      try {
        const info = await handle.stat()
        if (!info.isFile()) throw new StorageNotFoundError(key)
        const range = options.range
        if (!range) return createReadStream(file, { fd: handle })
        if (range.start >= info.size) throw new StorageRangeError(`Range starts at ${range.start} but ${key} has ${info.size} bytes`)
        const end = Math.min(range.end ?? info.size - 1, info.size - 1)
        return createReadStream(file, { fd: handle, start: range.start, end })
      } catch (error) {
        await handle.close()
        throw error
      }
    },

    stat,

    async exists(key) {
      return (await stat(key)) !== null
    },

    async delete(key) {
      const file = fileFor(key)
      // A folder under the key (from keys below it) is not an object: nothing to delete.
      if ((await stat(key)) === null) return
      // Empty parent folders stay: removing them could race a put that just created one.
      await unlink(file).catch((error: unknown) => {
        if (!isMissing(error)) throw error
      })
    },

    async move(from, to) {
      const source = fileFor(from)
      const target = fileFor(to)
      // A folder made by deeper keys is not an object (as for get and stat).
      if ((await stat(from)) === null) throw new StorageNotFoundError(from)
      if (source === target) return
      await mkdir(path.dirname(target), { recursive: true })
      // Same filesystem (one storage folder), so rename is atomic and replaces the target.
      await rename(source, target).catch((error: unknown) => {
        throw isMissing(error) ? new StorageNotFoundError(from, { cause: error }) : error
      })
      await syncDirectory(path.dirname(target))
      if (path.dirname(source) !== path.dirname(target)) await syncDirectory(path.dirname(source))
    },

    async check() {
      const probe = path.join(tempDirectory, `check-${randomUUID()}`)
      try {
        await mkdir(tempDirectory, { recursive: true })
        const token = randomUUID()
        await writeFile(probe, token, { flag: 'wx' })
        if ((await readFile(probe, 'utf8')) !== token) throw new Error('read back different bytes')
        return { status: 'ok', kind: 'local' }
      } catch (error) {
        return { status: 'fail', kind: 'local', detail: errorDetail(error) }
      } finally {
        await rm(probe, { force: true }).catch(() => undefined)
      }
    },

    async close() {},
  }
}

/** Makes a rename durable. Best effort: the file is already in place, and some filesystems refuse fsync on a folder. */
async function syncDirectory(directory: string) {
  const handle = await open(directory, 'r').catch(() => undefined)
  if (!handle) return
  await handle.sync().catch(() => undefined)
  await handle.close()
}

// 5 MiB is S3's smallest part. With at most QUEUE_SIZE parts in flight and
// one being filled, an upload holds roughly 4 parts in memory whatever its size.
const MIN_PART_SIZE = 5 * 1024 * 1024
const MAX_PARTS = 10_000
const QUEUE_SIZE = 2

function createS3Storage(config: Extract<StorageConfig, { kind: 's3' }>): Storage {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  })
  const Bucket = config.bucket

  const isNotFound = (error: unknown) =>
    error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound')

  const stat = async (key: string): Promise<ObjectInfo | null> => {
    assertKey(key)
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }))
      return { key, size: head.ContentLength ?? 0, lastModified: head.LastModified ?? new Date(0), etag: head.ETag }
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  return {
    kind: 's3',

    // No temporary key + CopyObject here, because S3 never shows a partial
    // object: a PutObject appears whole or not at all, and a multipart
    // upload's parts sit under an upload id (invisible to GET, HEAD and LIST)
    // until CompleteMultipartUpload publishes them in one step. That upload
    // *is* the temporary object. lib-storage aborts it when the body fails,
    // so an error before completion leaves the key as it was. Copying would
    // move every byte twice and cap objects at CopyObject's 5 GB. Uploads
    // lost to a crash are invisible and are removed by the bucket's
    // AbortIncompleteMultipartUpload lifecycle rule.
    async put(key, body, options = {}) {
      assertKey(key)
      assertMaxBytes(options.maxBytes)
      options.signal?.throwIfAborted()
      const meter = createMeter(options.maxBytes)
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: meter.stream, ContentType: options.contentType },
        // Grow parts only when maxBytes says the file may need more than 10,000 of them.
        partSize: Math.max(MIN_PART_SIZE, Math.ceil((options.maxBytes ?? 0) / MAX_PARTS)),
        queueSize: QUEUE_SIZE,
      })
      // The pipeline fails with the root cause: the body's error, the abort, or the limit.
      const piping = pipeline(body, meter.stream, { signal: options.signal })
      const uploading = upload.done().catch((error: unknown) => {
        // S3 gave up first: stop reading the body so the pipeline settles too.
        meter.stream.destroy(error instanceof Error ? error : new Error(String(error)))
        throw error
      })
      const [piped, uploaded] = await Promise.allSettled([piping, uploading])
      // Completed means published: the bytes hashed are the bytes stored.
      if (uploaded.status === 'fulfilled') return meter.result(key)
      // lib-storage may reject with its own clean-up error; the pipeline's is the real cause.
      throw piped.status === 'rejected' ? piped.reason : uploaded.reason
    },

    async get(key, options = {}) {
      assertKey(key)
      const range = options.range
      if (range) assertRange(range)
      try {
        const object = await client.send(
          new GetObjectCommand({ Bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined }),
        )
        if (!(object.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`)
        return object.Body
      } catch (error) {
        if (isNotFound(error)) throw new StorageNotFoundError(key, { cause: error })
        if (error instanceof S3ServiceException && error.name === 'InvalidRange') {
          throw new StorageRangeError(`Range starts past the end of ${key}`, { cause: error })
        }
        throw error
      }
    },

    stat,

    async exists(key) {
      return (await stat(key)) !== null
    },

    async delete(key) {
      assertKey(key)
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }))
      } catch (error) {
        // S3 answers 204 for a missing key; some compatible servers say 404.
        if (!isNotFound(error)) throw error
      }
    },

    // S3 has no rename. CopyObject copies inside the service (no bytes through
    // us) up to 5 GB, far above any part file.
    async move(from, to) {
      assertKey(from)
      assertKey(to)
      if (from === to) {
        if ((await stat(from)) === null) throw new StorageNotFoundError(from)
        return
      }
      try {
        // CopySource is "bucket/key", URL-encoded; the slashes between segments stay.
        const CopySource = `${Bucket}/${from.split('/').map(encodeURIComponent).join('/')}`
        await client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource }))
      } catch (error) {
        if (isNotFound(error)) throw new StorageNotFoundError(from, { cause: error })
        throw error
      }
      await client.send(new DeleteObjectCommand({ Bucket, Key: from }))
    },

    async check() {
      const Key = `${TEMP_PREFIX}/check-${randomUUID()}`
      const token = randomUUID()
      // A hung endpoint must fail the probe, not hang /readyz.
      const abortSignal = AbortSignal.timeout(5_000)
      try {
        await client.send(new PutObjectCommand({ Bucket, Key, Body: token }), { abortSignal })
        const object = await client.send(new GetObjectCommand({ Bucket, Key }), { abortSignal })
        if ((await object.Body?.transformToString()) !== token) throw new Error('read back different bytes')
        return { status: 'ok', kind: 's3' }
      } catch (error) {
        return { status: 'fail', kind: 's3', detail: errorDetail(error) }
      } finally {
        await client.send(new DeleteObjectCommand({ Bucket, Key }), { abortSignal: AbortSignal.timeout(5_000) }).catch(() => undefined)
      }
    },

    async close() {
      client.destroy()
    },
  }
}

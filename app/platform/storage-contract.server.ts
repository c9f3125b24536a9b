import { createHash } from 'node:crypto'
import { type Readable, Transform } from 'node:stream'

/**
 * What both storage adapters promise (storage-local.server.ts,
 * storage-s3.server.ts) and the checks they share; storage.server.ts picks
 * one. Keys are opaque relative paths ("parts/3f2a/v1.pdf").
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
  /**
   * Every object whose key starts with `prefix` (a folder: "staging/"), in no
   * particular order; never what a put has not finished. For sweeps that
   * must find objects no database row names (what a crash left).
   */
  list(prefix: string): AsyncIterable<ObjectInfo>
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

// In-flight writes (local) and readiness probes live under this first
// segment; no key may start with it, so a crash leftover is never an object.
export const TEMP_PREFIX = '.tmp'

/** Throws a TypeError unless `key` is a safe relative key (callers build keys, so a bad one is a bug). */
export function assertKey(key: string): void {
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

/** A folder to list: a valid key followed by "/". */
export function assertPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || !prefix.endsWith('/')) throw new TypeError(`Invalid storage prefix ${JSON.stringify(prefix)}: must end with "/"`)
  assertKey(prefix.slice(0, -1))
}

export function assertMaxBytes(maxBytes: number | undefined): void {
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
    throw new TypeError(`maxBytes must be a non-negative integer, got ${maxBytes}`)
  }
}

export function assertRange(range: ByteRange): void {
  const { start, end } = range
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new StorageRangeError(`Invalid byte range ${JSON.stringify(range)}`)
  }
}

/** A pass-through that counts and hashes, and fails the stream once `maxBytes` is passed. */
export function createMeter(maxBytes: number | undefined) {
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

export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

export function errorDetail(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.name : String(error))
}

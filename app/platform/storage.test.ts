import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { type Server } from 'node:http'
import { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  createStorage,
  type Storage,
  type StorageConfig,
  StorageLimitError,
  StorageNotFoundError,
  StorageRangeError,
} from './storage.server.ts'

// s3rver is a real S3-protocol server (HTTP + SigV4 + XML) writing to a
// folder. It ships no types; this is the part of it the tests use.
type S3rverOptions = {
  address: string
  port: number
  silent: boolean
  directory: string
  configureBuckets: { name: string }[]
}
type S3rverServer = { run(): Promise<AddressInfo>; close(): Promise<void>; httpServer: Server }
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: S3rverOptions) => S3rverServer

const MiB = 1024 * 1024

/** One adapter under test, plus a raw view of what it left behind. */
type Harness = {
  storage: Storage
  /** Every file (local, `.tmp/` included) or every object (S3) that exists right now. */
  listEverything(): Promise<string[]>
  /** Writes around the adapter, as a crash or another tool would. */
  plantRaw(rawKey: string, bytes: Buffer): Promise<void>
  /** S3 only: "METHOD /path?query" of every request the server received. */
  requests?: string[]
  /** Config for a store that cannot work (for check()). */
  brokenConfig: StorageConfig
  cleanup(): Promise<void>
}

async function localHarness(): Promise<Harness> {
  const directory = await mkdtemp(path.join(tmpdir(), 'storage-test-local-'))
  const notAFolder = path.join(directory, '..', `${path.basename(directory)}-file`)
  await writeFile(notAFolder, 'a file where the storage folder should be')
  const storage = createStorage({ kind: 'local', directory })
  return {
    storage,
    async listEverything() {
      const entries = await readdir(directory, { recursive: true, withFileTypes: true })
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
        .sort()
    },
    async plantRaw(rawKey, bytes) {
      const file = path.join(directory, ...rawKey.split('/'))
      await rm(file, { force: true })
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, bytes)
    },
    brokenConfig: { kind: 'local', directory: path.join(notAFolder, 'files') },
    async cleanup() {
      await storage.close()
      await rm(directory, { recursive: true, force: true })
      await rm(notAFolder, { force: true })
    },
  }
}

async function s3Harness(): Promise<Harness> {
  const directory = await mkdtemp(path.join(tmpdir(), 'storage-test-s3rver-'))
  const bucket = 'band-files'
  // silent: also silences Koa's own error printing, which would trip the console.error guard.
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  const requests: string[] = []
  server.httpServer.on('request', (request: { method?: string; url?: string }) => requests.push(`${request.method} ${request.url}`))
  const connection = {
    kind: 's3',
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER', // s3rver's built-in account
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  } as const
  const storage = createStorage({ ...connection, bucket })
  const raw = new S3Client({
    region: connection.region,
    endpoint: connection.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
  })
  return {
    storage,
    async listEverything() {
      const keys: string[] = []
      let ContinuationToken: string | undefined
      do {
        const page = await raw.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }))
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key)
        ContinuationToken = page.NextContinuationToken
      } while (ContinuationToken)
      return keys.sort()
    },
    async plantRaw(rawKey, bytes) {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: rawKey, Body: bytes }))
    },
    requests,
    brokenConfig: { ...connection, bucket: 'no-such-bucket' },
    async cleanup() {
      await storage.close()
      raw.destroy()
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}

/** Deterministic bytes (xorshift32), streamed in chunks so a big body is never one buffer. */
async function* pseudoRandom(seed: number, total: number, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  let state = seed >>> 0 || 1
  for (let offset = 0; offset < total; offset += chunkSize) {
    const chunk = Buffer.allocUnsafe(Math.min(chunkSize, total - offset))
    for (let i = 0; i < chunk.length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      state >>>= 0
      chunk[i] = state & 0xff
    }
    yield chunk
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of source) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of source) {
    hash.update(chunk)
    size += chunk.length
  }
  return { size, sha256: hash.digest('hex') }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** A body that sends `goodBytes` and then fails, like an upload whose client went away. */
async function* failingAfter(goodBytes: number): AsyncGenerator<Uint8Array> {
  yield* pseudoRandom(7, goodBytes)
  throw new Error('client went away')
}

const readAll = async (stream: Readable) => collect(stream)

describe.each([
  { kind: 'local', setup: localHarness },
  { kind: 's3', setup: s3Harness },
])('$kind storage', ({ kind, setup }) => {
  let h: Harness
  let storage: Storage

  beforeAll(async () => {
    h = await setup()
    storage = h.storage
  })
  afterAll(async () => {
    await h?.cleanup()
  })

  test('check() reports ok for a working store and fail for a broken one', async () => {
    expect(await storage.check()).toEqual({ status: 'ok', kind: storage.kind })
    const broken = createStorage(h.brokenConfig)
    try {
      expect(await broken.check()).toMatchObject({ status: 'fail', kind: storage.kind, detail: expect.any(String) })
    } finally {
      await broken.close()
    }
    // The probe cleans up after itself.
    expect((await h.listEverything()).filter((name) => name.startsWith('.tmp/check-'))).toEqual([])
  })

  test('an empty object', async () => {
    const stored = await storage.put('empty/nothing.txt', (async function* () {})())
    expect(stored).toEqual({ key: 'empty/nothing.txt', size: 0, sha256: sha256(Buffer.alloc(0)) })
    expect((await readAll(await storage.get('empty/nothing.txt'))).length).toBe(0)
    expect(await storage.stat('empty/nothing.txt')).toMatchObject({ key: 'empty/nothing.txt', size: 0 })
  })

  test('a small object, from a Readable and from an async iterable', async () => {
    const bytes = Buffer.from('Ouverture: first flute, bars 1–32\n')
    const fromStream = await storage.put('parts/small/flute.txt', Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]), {
      contentType: 'text/plain',
    })
    expect(fromStream).toEqual({ key: 'parts/small/flute.txt', size: bytes.length, sha256: sha256(bytes) })
    expect(await readAll(await storage.get('parts/small/flute.txt'))).toEqual(bytes)

    const fromIterable = await storage.put('parts/small/oboe.txt', (async function* () {
      yield new Uint8Array(bytes)
    })())
    expect(fromIterable.sha256).toBe(sha256(bytes))
    expect(await readAll(await storage.get('parts/small/oboe.txt'))).toEqual(bytes)
  })

  test('a 12 MiB object streams in (multipart on S3) and back out unchanged', async () => {
    const size = 12 * MiB
    const expected = await sha256Of(pseudoRandom(42, size))
    const stored = await storage.put('recordings/rehearsal.bin', pseudoRandom(42, size), { contentType: 'application/octet-stream' })
    expect(stored).toEqual({ key: 'recordings/rehearsal.bin', ...expected })
    expect(await sha256Of(await storage.get('recordings/rehearsal.bin'))).toEqual(expected)
    const info = await storage.stat('recordings/rehearsal.bin')
    expect(info?.size).toBe(size)
    // Proof that lib-storage split the body into 5 MiB parts rather than buffering one PutObject.
    if (h.requests) {
      const parts = h.requests.filter((line) => line.startsWith('PUT /band-files/recordings/rehearsal.bin?partNumber='))
      expect(parts).toHaveLength(3)
    }
  })

  describe('ranges', () => {
    const size = 200_000
    let bytes: Buffer
    beforeAll(async () => {
      bytes = await collect(pseudoRandom(9, size))
      await storage.put('ranges/score.pdf', pseudoRandom(9, size))
    })

    test('start–end (inclusive)', async () => {
      expect(await readAll(await storage.get('ranges/score.pdf', { range: { start: 100, end: 1_099 } }))).toEqual(
        bytes.subarray(100, 1_100),
      )
      expect(await readAll(await storage.get('ranges/score.pdf', { range: { start: 5, end: 5 } }))).toEqual(bytes.subarray(5, 6))
    })

    test('open-ended start-', async () => {
      expect(await readAll(await storage.get('ranges/score.pdf', { range: { start: 150_000 } }))).toEqual(bytes.subarray(150_000))
    })

    test('the last bytes, and an end past the last byte is clamped', async () => {
      const info = await storage.stat('ranges/score.pdf')
      expect(info?.size).toBe(size)
      expect(await readAll(await storage.get('ranges/score.pdf', { range: { start: size - 500 } }))).toEqual(bytes.subarray(size - 500))
      expect(await readAll(await storage.get('ranges/score.pdf', { range: { start: size - 1, end: size + 1_000 } }))).toEqual(
        bytes.subarray(size - 1),
      )
    })

    test('a range across a 5 MiB part boundary of a multipart object', async () => {
      const start = 5 * MiB - 100
      const end = 5 * MiB + 99
      const slice = (await collect(pseudoRandom(42, end + 1))).subarray(start)
      expect(await readAll(await storage.get('recordings/rehearsal.bin', { range: { start, end } }))).toEqual(slice)
    })

    test('unsatisfiable or malformed ranges are refused', async () => {
      await expect(storage.get('ranges/score.pdf', { range: { start: size } })).rejects.toBeInstanceOf(StorageRangeError)
      await expect(storage.get('ranges/score.pdf', { range: { start: 10, end: 5 } })).rejects.toBeInstanceOf(StorageRangeError)
      await expect(storage.get('ranges/score.pdf', { range: { start: -1 } })).rejects.toBeInstanceOf(StorageRangeError)
      await expect(storage.get('ranges/score.pdf', { range: { start: 1.5 } })).rejects.toBeInstanceOf(StorageRangeError)
    })
  })

  test('stat and exists before and after put and delete', async () => {
    const key = 'lifecycle/march.pdf'
    expect(await storage.stat(key)).toBeNull()
    expect(await storage.exists(key)).toBe(false)
    await storage.put(key, pseudoRandom(3, 1_234))
    const info = await storage.stat(key)
    expect(info).toMatchObject({ key, size: 1_234 })
    expect(info?.lastModified).toBeInstanceOf(Date)
    expect(await storage.exists(key)).toBe(true)
    await storage.delete(key)
    expect(await storage.stat(key)).toBeNull()
    expect(await storage.exists(key)).toBe(false)
  })

  test('delete is idempotent', async () => {
    await storage.delete('never/was/here.pdf')
    await storage.put('twice/gone.txt', pseudoRandom(4, 10))
    await storage.delete('twice/gone.txt')
    await storage.delete('twice/gone.txt')
    expect(await storage.exists('twice/gone.txt')).toBe(false)
  })

  test('a folder made by deeper keys is not an object', async () => {
    await storage.put('folders/deep/down/part.pdf', pseudoRandom(5, 10))
    expect(await storage.stat('folders/deep')).toBeNull()
    await expect(storage.get('folders/deep')).rejects.toBeInstanceOf(StorageNotFoundError)
    await storage.delete('folders/deep')
    expect(await storage.exists('folders/deep/down/part.pdf')).toBe(true)
  })

  test('overwriting a key replaces the content', async () => {
    await storage.put('overwrite/part.pdf', pseudoRandom(10, 50_000))
    const second = await storage.put('overwrite/part.pdf', pseudoRandom(11, 3_000))
    const bytes = await collect(pseudoRandom(11, 3_000))
    expect(second).toEqual({ key: 'overwrite/part.pdf', size: 3_000, sha256: sha256(bytes) })
    expect(await readAll(await storage.get('overwrite/part.pdf'))).toEqual(bytes)
    expect(await storage.stat('overwrite/part.pdf')).toMatchObject({ size: 3_000 })
  })

  // Local only: on S3 a PUT is atomic by the service's own promise (last writer
  // wins), and the adapter adds nothing to it. s3rver, our stand-in, writes both
  // bodies into one file at once, so racing it tests s3rver, not us (CI failure
  // of stop 17).
  test.runIf(kind === 'local')('two puts racing for one key leave one whole version', async () => {
    const a = await collect(pseudoRandom(20, 300_000))
    const b = await collect(pseudoRandom(21, 300_000))
    await Promise.all([storage.put('race/part.pdf', pseudoRandom(20, 300_000)), storage.put('race/part.pdf', pseudoRandom(21, 300_000))])
    const got = await readAll(await storage.get('race/part.pdf'))
    expect(got.equals(a) || got.equals(b)).toBe(true)
  })

  test('move puts the object under the new key (new folders included) and removes the old one', async () => {
    const bytes = await collect(pseudoRandom(40, 70_000))
    await storage.put('staging/batch-1/upload', pseudoRandom(40, 70_000))
    await storage.move('staging/batch-1/upload', 'library/deep/new/part.pdf')
    expect(await storage.exists('staging/batch-1/upload')).toBe(false)
    expect(await readAll(await storage.get('library/deep/new/part.pdf'))).toEqual(bytes)
    expect(await storage.stat('library/deep/new/part.pdf')).toMatchObject({ size: 70_000 })
    expect((await h.listEverything()).filter((name) => name.startsWith('staging/batch-1/'))).toEqual([])
  })

  test('move replaces what the target held, and back again', async () => {
    const moved = await collect(pseudoRandom(41, 3_000))
    await storage.put('move/target.pdf', pseudoRandom(42, 9_000))
    await storage.put('move/source.pdf', pseudoRandom(41, 3_000))
    await storage.move('move/source.pdf', 'move/target.pdf')
    expect(await readAll(await storage.get('move/target.pdf'))).toEqual(moved)
    await storage.move('move/target.pdf', 'move/source.pdf')
    expect(await readAll(await storage.get('move/source.pdf'))).toEqual(moved)
    expect(await storage.exists('move/target.pdf')).toBe(false)
    // Onto itself: nothing changes, nothing is lost.
    await storage.move('move/source.pdf', 'move/source.pdf')
    expect(await readAll(await storage.get('move/source.pdf'))).toEqual(moved)
  })

  test('move of a missing key throws StorageNotFoundError and leaves the target alone', async () => {
    const kept = await collect(pseudoRandom(43, 1_000))
    await storage.put('move/kept.pdf', pseudoRandom(43, 1_000))
    const before = await h.listEverything()
    await expect(storage.move('move/never-was.pdf', 'move/kept.pdf')).rejects.toBeInstanceOf(StorageNotFoundError)
    await expect(storage.move('move/never-was.pdf', 'move/never-was.pdf')).rejects.toBeInstanceOf(StorageNotFoundError)
    // A folder made by deeper keys is not an object either.
    await storage.put('move/folder/inside.pdf', pseudoRandom(44, 10))
    await expect(storage.move('move/folder', 'move/elsewhere')).rejects.toBeInstanceOf(StorageNotFoundError)
    expect(await readAll(await storage.get('move/kept.pdf'))).toEqual(kept)
    expect(await storage.exists('move/folder/inside.pdf')).toBe(true)
    expect(await h.listEverything()).toEqual([...before, 'move/folder/inside.pdf'].sort())
  })

  test('get of a missing key throws StorageNotFoundError', async () => {
    await expect(storage.get('missing/part.pdf')).rejects.toBeInstanceOf(StorageNotFoundError)
    await expect(storage.get('missing/part.pdf', { range: { start: 0 } })).rejects.toBeInstanceOf(StorageNotFoundError)
  })

  test.each([
    ['before anything was sent', 1_000],
    ['after 7 MiB (an S3 multipart upload has begun)', 7 * MiB],
  ])('a body that fails %s leaves nothing behind', async (_when, goodBytes) => {
    const before = await h.listEverything()
    await expect(storage.put('failed/new.pdf', failingAfter(goodBytes))).rejects.toThrow('client went away')
    expect(await storage.exists('failed/new.pdf')).toBe(false)
    expect(await h.listEverything()).toEqual(before)
    if (h.requests) {
      const began = h.requests.some((line) => line.startsWith('POST /band-files/failed/new.pdf?uploads'))
      expect(began).toBe(goodBytes > 5 * MiB)
    }
  })

  test('a failed overwrite keeps the previous content', async () => {
    const previous = await collect(pseudoRandom(30, 2_000))
    await storage.put('failed/existing.pdf', pseudoRandom(30, 2_000))
    const before = await h.listEverything()
    await expect(storage.put('failed/existing.pdf', failingAfter(6 * MiB))).rejects.toThrow('client went away')
    expect(await readAll(await storage.get('failed/existing.pdf'))).toEqual(previous)
    expect(await h.listEverything()).toEqual(before)
  })

  test('an aborted put stores nothing', async () => {
    const before = await h.listEverything()
    const controller = new AbortController()
    async function* body() {
      let sent = 0
      for await (const chunk of pseudoRandom(12, 8 * MiB)) {
        yield chunk
        sent += chunk.length
        if (sent >= 1 * MiB) controller.abort()
      }
    }
    await expect(storage.put('aborted/part.pdf', body(), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
    await expect(storage.put('aborted/part.pdf', pseudoRandom(1, 10), { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    })
    expect(await storage.exists('aborted/part.pdf')).toBe(false)
    expect(await h.listEverything()).toEqual(before)
  })

  test('maxBytes: over the limit is a StorageLimitError and stores nothing; at the limit is fine', async () => {
    const before = await h.listEverything()
    await expect(storage.put('limit/small.pdf', pseudoRandom(13, 1_001), { maxBytes: 1_000 })).rejects.toBeInstanceOf(StorageLimitError)
    await expect(storage.put('limit/big.pdf', pseudoRandom(14, 8 * MiB), { maxBytes: 6 * MiB })).rejects.toBeInstanceOf(
      StorageLimitError,
    )
    expect(await storage.exists('limit/small.pdf')).toBe(false)
    expect(await storage.exists('limit/big.pdf')).toBe(false)
    expect(await h.listEverything()).toEqual(before)

    expect(await storage.put('limit/exact.pdf', pseudoRandom(13, 1_000), { maxBytes: 1_000 })).toMatchObject({ size: 1_000 })
    expect(await storage.put('limit/zero.pdf', pseudoRandom(13, 0), { maxBytes: 0 })).toMatchObject({ size: 0 })
  })

  test.each([
    '',
    '/etc/passwd',
    '../outside.pdf',
    'parts/../../outside.pdf',
    'parts/..',
    'parts//v1.pdf',
    'parts/v1.pdf/',
    './parts/v1.pdf',
    'parts\\v1.pdf',
    'parts/v1\0.pdf',
    'parts/v1\n.pdf',
    '.tmp/leftover',
    '.tmp',
    'x'.repeat(256),
  ])('bad key %j is refused by every method', async (key) => {
    await expect(storage.put(key, pseudoRandom(1, 10))).rejects.toBeInstanceOf(TypeError)
    await expect(storage.get(key)).rejects.toBeInstanceOf(TypeError)
    await expect(storage.stat(key)).rejects.toBeInstanceOf(TypeError)
    await expect(storage.exists(key)).rejects.toBeInstanceOf(TypeError)
    await expect(storage.delete(key)).rejects.toBeInstanceOf(TypeError)
    await expect(storage.move(key, 'moves/fine.pdf')).rejects.toBeInstanceOf(TypeError)
    await expect(storage.move('moves/fine.pdf', key)).rejects.toBeInstanceOf(TypeError)
  })

  test('list yields every object under a folder, and only those', async () => {
    await storage.put('listing/a/1.pdf', pseudoRandom(11, 10))
    await storage.put('listing/a/2.pdf', pseudoRandom(12, 20))
    await storage.put('listing/b/deeper/3.pdf', pseudoRandom(13, 30))
    await storage.put('listing-not/4.pdf', pseudoRandom(14, 40))
    const listed = async (prefix: string) => {
      const found: { key: string; size: number }[] = []
      for await (const object of storage.list(prefix)) {
        expect(object.lastModified).toBeInstanceOf(Date)
        found.push({ key: object.key, size: object.size })
      }
      return found.sort((x, y) => x.key.localeCompare(y.key))
    }
    expect(await listed('listing/')).toEqual([
      { key: 'listing/a/1.pdf', size: 10 },
      { key: 'listing/a/2.pdf', size: 20 },
      { key: 'listing/b/deeper/3.pdf', size: 30 },
    ])
    expect(await listed('listing/a/')).toHaveLength(2)
    expect(await listed('nothing/here/')).toEqual([])
    await storage.delete('listing/a/1.pdf')
    expect((await listed('listing/')).map((object) => object.key)).not.toContain('listing/a/1.pdf')
    // Only folders, never the reserved one.
    await expect(storage.list('listing')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(TypeError)
    await expect(storage.list('.tmp/')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(TypeError)
  })

  // Not tested here: S3's second page of a listing (past 1,000 keys). s3rver makes its continuation
  // tokens with a cipher OpenSSL 3 no longer offers, and answers any truncated listing with a 500.

  test('a leftover under .tmp/ (as after a crash) is never visible as an object', async () => {
    await h.plantRaw('.tmp/3f2a-crashed-upload', Buffer.from('half a file'))
    await expect(storage.get('.tmp/3f2a-crashed-upload')).rejects.toBeInstanceOf(TypeError)
    await expect(storage.exists('3f2a-crashed-upload')).resolves.toBe(false)
    expect(await storage.check()).toMatchObject({ status: 'ok' })
  })
})

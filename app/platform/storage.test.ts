import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { collect, type Harness, localHarness, MiB, pseudoRandom, readAll, s3Harness, sha256, sha256Of } from '#tests/setup/storage-harness.ts'
import { createStorage, type Storage, StorageNotFoundError, StorageRangeError } from './storage.server.ts'

/** The storage contract on both adapters: writing, reading, ranges, stat, delete, move and list. Faults are in storage-faults.test.ts. */

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
})

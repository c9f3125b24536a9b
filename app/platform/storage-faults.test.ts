import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { collect, failingAfter, type Harness, localHarness, MiB, pseudoRandom, readAll, s3Harness } from '#tests/setup/storage-harness.ts'
import { type Storage, StorageLimitError } from './storage.server.ts'

/** The storage contract on both adapters when things go wrong: failing and aborted bodies, size limits, bad keys, crash leftovers. */

describe.each([
  { kind: 'local', setup: localHarness },
  { kind: 's3', setup: s3Harness },
])('$kind storage', ({ setup }) => {
  let h: Harness
  let storage: Storage

  beforeAll(async () => {
    h = await setup()
    storage = h.storage
  })
  afterAll(async () => {
    await h?.cleanup()
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

  test('a leftover under .tmp/ (as after a crash) is never visible as an object', async () => {
    await h.plantRaw('.tmp/3f2a-crashed-upload', Buffer.from('half a file'))
    await expect(storage.get('.tmp/3f2a-crashed-upload')).rejects.toBeInstanceOf(TypeError)
    await expect(storage.exists('3f2a-crashed-upload')).resolves.toBe(false)
    expect(await storage.check()).toMatchObject({ status: 'ok' })
  })
})

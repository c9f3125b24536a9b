import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { http, HttpResponse, passthrough } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createStorage, type Storage } from '#app/platform/storage.server.ts'
import { makePdf, makeZip } from '#tests/setup/library-files.ts'
import { DEFAULT_UPLOAD_LIMITS } from './upload-limits.server.ts'
import { receiveUpload, SETTLING_AT_ONCE, UPLOAD_PROBLEMS, UploadInterruptedError } from './upload-stream.server.ts'

/**
 * Storage failing in the middle of a batch: nothing of the batch may be left
 * behind, and the librarian is told. These tests need no database (the
 * streaming part writes no rows), so they are the same on PostgreSQL and on
 * the embedded default.
 */

type S3rverServer = { run(): Promise<AddressInfo>; close(): Promise<void>; httpServer: Server }
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverServer

const MiB = 1024 * 1024

/** A multipart body as a browser sends the upload form. */
function multipart(files: { name: string; bytes: Buffer; type?: string }[], signal?: AbortSignal) {
  const form = new FormData()
  form.append('target', 'new')
  form.append('title', 'Fault Test March')
  for (const file of files) form.append('files', new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? 'application/pdf' }))
  const request = new Request('http://band.test/library/upload', { method: 'POST', body: form, signal })
  return {
    body: Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>),
    contentType: request.headers.get('content-type') ?? '',
  }
}

const parts = (count: number, padding: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => makePdf({ text: `Part ${i + 1}`, padding }).then((bytes) => ({ name: `Part ${i + 1}.pdf`, bytes }))))

describe('S3 failing mid-batch (requests intercepted with MSW in front of a real s3rver)', () => {
  const bucket = 'band-files'
  let directory: string
  let s3rver: S3rverServer
  let endpoint: string
  let storage: Storage
  let raw: S3Client
  const mock = setupServer()

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'upload-s3-'))
    s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] })
    endpoint = `http://127.0.0.1:${(await s3rver.run()).port}`
    const connection = { region: 'us-east-1', endpoint, forcePathStyle: true }
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
    storage = createStorage({ kind: 's3', bucket, ...connection, ...credentials })
    raw = new S3Client({ ...connection, credentials })
    mock.listen({ onUnhandledRequest: 'bypass' })
  })
  afterEach(() => mock.resetHandlers())
  afterAll(async () => {
    mock.close()
    await storage?.close()
    raw?.destroy()
    await s3rver?.close()
    await rm(directory, { recursive: true, force: true })
  })

  const objects = async (prefix: string) => ((await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((object) => object.Key)

  test('the third file’s upload failing removes the two already staged and reports a storage failure', async () => {
    let puts = 0
    mock.use(
      http.put(`${endpoint}/${bucket}/staging/*`, () => {
        puts++
        // Every try of the third object fails (the SDK retries a 503 before giving up).
        return puts <= 2 ? passthrough() : HttpResponse.text('SlowDown', { status: 503 })
      }),
    )
    const batchId = randomUUID()
    const upload = multipart(await parts(5, 64 * 1024))
    const outcome = receiveUpload({ storage }, { ...upload, batchId, limits: DEFAULT_UPLOAD_LIMITS })
    await expect(outcome).rejects.toBeInstanceOf(UploadInterruptedError)
    await expect(outcome).rejects.toMatchObject({ reason: 'storage' })
    expect(puts).toBeGreaterThan(2)
    expect(await objects(`staging/${batchId}/`)).toEqual([])
  })

  test('a multipart upload (a file over 5 MiB) failing midway leaves nothing, and neither does the rest of the batch', async () => {
    let uploadParts = 0
    mock.use(
      http.put(`${endpoint}/${bucket}/staging/*`, ({ request }) => {
        if (!new URL(request.url).searchParams.has('partNumber')) return passthrough()
        uploadParts++
        return uploadParts === 1 ? passthrough() : HttpResponse.text('InternalError', { status: 500 })
      }),
    )
    const batchId = randomUUID()
    const upload = multipart([...(await parts(2, 16 * 1024)), { name: 'Full Score.pdf', bytes: await makePdf({ text: 'big', padding: 12 * MiB }) }])
    await expect(receiveUpload({ storage }, { ...upload, batchId, limits: DEFAULT_UPLOAD_LIMITS })).rejects.toMatchObject({ reason: 'storage' })
    expect(uploadParts).toBeGreaterThan(1)
    expect(await objects(`staging/${batchId}/`)).toEqual([])
  })

  test('without failures the same batch is staged whole (the interception itself changes nothing)', async () => {
    const batchId = randomUUID()
    const files = await parts(3, 16 * 1024)
    const received = await receiveUpload({ storage }, { ...multipart(files), batchId, limits: DEFAULT_UPLOAD_LIMITS })
    expect(received.files.map((file) => [file.originalName, file.problem, file.pageCount])).toEqual(files.map((file) => [file.name, null, 1]))
    expect(await objects(`staging/${batchId}/`)).toHaveLength(3)
  })
})

/** A small tmpfs stands for a full disk; mounting one needs root (CI runs as root; elsewhere the suite below is reported as skipped). */
function mountSmallDisk(directory: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const smallDisk = path.join(tmpdir(), `upload-full-disk-${process.pid}`)
await mkdir(smallDisk, { recursive: true })
const mounted = mountSmallDisk(smallDisk, '6m')

describe.runIf(mounted)('the disk filling up mid-batch (a 6 MB tmpfs)', () => {
  let storage: Storage
  beforeAll(() => {
    storage = createStorage({ kind: 'local', directory: path.join(smallDisk, 'files') })
  })
  afterAll(async () => {
    await storage?.close()
    execFileSync('umount', [smallDisk])
    await rm(smallDisk, { recursive: true, force: true })
  })

  const everything = async () => (await readdir(smallDisk, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name)

  test('the file that does not fit fails the upload; the ones staged before it are removed', async () => {
    const batchId = randomUUID()
    const upload = multipart(await parts(4, 2 * MiB))
    await expect(receiveUpload({ storage }, { ...upload, batchId, limits: DEFAULT_UPLOAD_LIMITS })).rejects.toMatchObject({ reason: 'storage' })
    expect(await everything()).toEqual([])
  })

  test('a ZIP whose PDFs do not fit: the same, and its temporary copy is gone', async () => {
    const batchId = randomUUID()
    const zip = await makeZip((await parts(4, 2 * MiB)).map((part) => ({ name: part.name, bytes: part.bytes })))
    const scratch = await mkdtemp(path.join(tmpdir(), 'upload-scratch-'))
    const upload = multipart([{ name: 'Parts.zip', bytes: zip, type: 'application/zip' }])
    await expect(receiveUpload({ storage }, { ...upload, batchId, limits: DEFAULT_UPLOAD_LIMITS, scratchDirectory: scratch })).rejects.toMatchObject({ reason: 'storage' })
    expect(await everything()).toEqual([])
    expect(await readdir(scratch)).toEqual([])
    await rm(scratch, { recursive: true, force: true })
  })
})

describe('the client going away mid-batch', () => {
  test('an aborted request removes what was staged and says the client left', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'upload-abort-'))
    const storage = createStorage({ kind: 'local', directory })
    const files = await parts(3, 256 * 1024)
    // The body a client sends, cut off after the first file and a half.
    const controller = new AbortController()
    const whole = multipart(files)
    const chunks: Buffer[] = []
    for await (const chunk of whole.body) chunks.push(chunk as Buffer)
    const bytes = Buffer.concat(chunks)
    const cut = Readable.from(
      (async function* () {
        yield bytes.subarray(0, Math.floor(bytes.length * 0.6))
        await new Promise((resolve) => setTimeout(resolve, 50))
        controller.abort(new Error('client went away'))
        await new Promise((resolve) => setTimeout(resolve, 1_000))
      })(),
    )
    const batchId = randomUUID()
    const outcome = receiveUpload({ storage }, { body: cut, contentType: whole.contentType, batchId, limits: DEFAULT_UPLOAD_LIMITS, signal: controller.signal })
    await expect(outcome).rejects.toMatchObject({ reason: 'client' })
    const left = (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
    expect(left).toEqual([])
    await storage.close()
    await rm(directory, { recursive: true, force: true })
  })
})

describe('an upload of very many small parts', () => {
  // Each part past the limits used to leave a row of its own: 20,000 one-byte parts (1.8 MB) made 20,000 rows and a 15 MB review page.
  test('leaves at most the rows its limits allow, then one row saying the rest were not read', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'upload-many-'))
    const storage = createStorage({ kind: 'local', directory })
    const limits = { ...DEFAULT_UPLOAD_LIMITS, maxFiles: 3, maxZipEntries: 2 }
    const notes = Array.from({ length: 500 }, (_, i) => ({ name: `note ${i}.txt`, bytes: Buffer.from('x'), type: 'text/plain' }))
    const received = await receiveUpload({ storage }, { ...multipart([...(await parts(2, 0)), ...notes]), batchId: randomUUID(), limits })
    expect(received.files.map((file) => [file.originalName, file.problem])).toEqual([
      ['Part 1.pdf', null],
      ['Part 2.pdf', null],
      ['note 0.txt', 'Not a PDF'],
      ['note 1.txt', UPLOAD_PROBLEMS.tooMany(3)],
      ['note 2.txt', UPLOAD_PROBLEMS.tooMany(3)],
      ['…', UPLOAD_PROBLEMS.restNotRead(3)],
    ])
    const stored = (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
    expect(stored).toHaveLength(2)
    await storage.close()
    await rm(directory, { recursive: true, force: true })
  })

  test('refused ZIP entries count too: past the limit the next ZIP is not read on', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'upload-many-zips-'))
    const storage = createStorage({ kind: 'local', directory })
    const limits = { ...DEFAULT_UPLOAD_LIMITS, maxFiles: 3, maxZipEntries: 8 }
    const zipOfNotes = (prefix: string) => makeZip(Array.from({ length: 8 }, (_, i) => ({ name: `${prefix} ${i}.txt`, bytes: Buffer.from('x') })))
    const zips = [{ name: 'A.zip', bytes: await zipOfNotes('a'), type: 'application/zip' }, { name: 'B.zip', bytes: await zipOfNotes('b'), type: 'application/zip' }]
    const received = await receiveUpload({ storage }, { ...multipart(zips), batchId: randomUUID(), limits })
    // 3 + 8 rows at most, then the one that says the rest were not read.
    expect(received.files).toHaveLength(12)
    expect(received.files.slice(8, 11).map((file) => file.originalName)).toEqual(['b 0.txt', 'b 1.txt', 'b 2.txt'])
    expect(received.files.at(-1)).toMatchObject({ originalName: '…', problem: UPLOAD_PROBLEMS.restNotRead(3) })
    await storage.close()
    await rm(directory, { recursive: true, force: true })
  })
})

describe('each file made durable while the next one arrives', () => {
  /**
   * Local storage whose puts, once they have written the whole file, wait
   * until the next file's put has begun (as a slow fsync would keep them
   * waiting); the last file's put, one after a put failed, or one left
   * waiting 2 s (an upload that stores one file at a time) goes on anyway.
   */
  function slowToSettle(inner: Storage, files: number, failing?: number) {
    const begun: PromiseWithResolvers<void>[] = Array.from({ length: files + 1 }, () => Promise.withResolvers<void>())
    const failed = Promise.withResolvers<void>()
    let puts = 0
    let pending = 0
    const seen = { mostPending: 0, begunWhileEarlierPending: 0 }
    const storage: Storage = {
      ...inner,
      async put(key, body, options) {
        const index = puts++
        if (pending > 0) seen.begunWhileEarlierPending++
        pending++
        seen.mostPending = Math.max(seen.mostPending, pending)
        begun[index]?.resolve()
        try {
          const stored = await inner.put(key, body, options)
          if (index + 1 < files) await Promise.race([begun[index + 1]?.promise, failed.promise, new Promise((resolve) => setTimeout(resolve, 2_000))])
          if (index === failing) {
            failed.resolve()
            throw new Error('EIO: the sync failed')
          }
          return stored
        } finally {
          pending--
        }
      },
    }
    return { storage, seen }
  }

  test('the next file is read while the ones before it settle, a few at most', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'upload-overlap-'))
    const inner = createStorage({ kind: 'local', directory })
    const files = await parts(SETTLING_AT_ONCE + 4, 64 * 1024)
    const { storage, seen } = slowToSettle(inner, files.length)
    const received = await receiveUpload({ storage }, { ...multipart(files), batchId: randomUUID(), limits: DEFAULT_UPLOAD_LIMITS })
    expect(received.files.map((file) => [file.originalName, file.problem, file.sha256?.length])).toEqual(files.map((file) => [file.name, null, 64]))
    // Every put after the first began while the one before it was still settling; never more than the bound settling, and one receiving.
    expect(seen.begunWhileEarlierPending).toBe(files.length - 1)
    expect(seen.mostPending).toBeLessThanOrEqual(SETTLING_AT_ONCE + 1)
    await inner.close()
    await rm(directory, { recursive: true, force: true })
  })

  test('a put that fails after its file has arrived fails the upload, and no file before or after it is left', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'upload-overlap-fail-'))
    const inner = createStorage({ kind: 'local', directory })
    const files = await parts(4, 64 * 1024)
    const { storage, seen } = slowToSettle(inner, files.length, 1)
    await expect(receiveUpload({ storage }, { ...multipart(files), batchId: randomUUID(), limits: DEFAULT_UPLOAD_LIMITS })).rejects.toMatchObject({ reason: 'storage' })
    // The third file was already being stored when the second one's put failed.
    expect(seen.begunWhileEarlierPending).toBeGreaterThanOrEqual(2)
    const left = (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
    expect(left).toEqual([])
    await inner.close()
    await rm(directory, { recursive: true, force: true })
  })
})

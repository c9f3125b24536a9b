import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { type Server } from 'node:http'
import { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { createStorage, type Storage, type StorageConfig } from '#app/platform/storage.server.ts'

/**
 * The two storage adapters under test (app/platform/storage*.test.ts): local
 * storage in a temporary folder and S3 on an in-process s3rver, each with a
 * raw view of what it left behind, and the byte sources the tests send.
 */

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

export const MiB = 1024 * 1024

/** One adapter under test, plus a raw view of what it left behind. */
export type Harness = {
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

export async function localHarness(): Promise<Harness> {
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

export async function s3Harness(): Promise<Harness> {
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
export async function* pseudoRandom(seed: number, total: number, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
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

export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of source) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

export async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of source) {
    hash.update(chunk)
    size += chunk.length
  }
  return { size, sha256: hash.digest('hex') }
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** A body that sends `goodBytes` and then fails, like an upload whose client went away. */
export async function* failingAfter(goodBytes: number): AsyncGenerator<Uint8Array> {
  yield* pseudoRandom(7, goodBytes)
  throw new Error('client went away')
}

export const readAll = async (stream: Readable) => collect(stream)

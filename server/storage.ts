import { createReadStream } from 'node:fs'
import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { Config } from './config.ts'

/**
 * Where uploaded files live: a folder under DATA_DIR, or an S3-compatible
 * bucket. Keys are opaque ("parts/3f…/v1.pdf"); the database holds the rest.
 * The music-library issue adds streaming uploads on top of this.
 */
export type Storage = {
  readonly kind: 'local' | 's3'
  put(key: string, body: Buffer): Promise<void>
  read(key: string): Promise<Readable>
  remove(key: string): Promise<void>
  check(): Promise<{ status: 'ok' | 'fail'; kind: 'local' | 's3'; detail?: string }>
}

export function createStorage(config: Config['storage']): Storage {
  return config.kind === 'local' ? localStorage(config.directory) : s3Storage(config)
}

function localStorage(directory: string): Storage {
  const resolve = (key: string) => {
    const full = path.resolve(directory, key)
    // A key is never allowed to climb out of the storage folder.
    if (!full.startsWith(path.resolve(directory) + path.sep)) throw new Error(`Invalid storage key: ${key}`)
    return full
  }
  return {
    kind: 'local',
    async put(key, body) {
      const file = resolve(key)
      await mkdir(path.dirname(file), { recursive: true })
      // Write beside, then rename: a crash never leaves half a file under the real key.
      const partial = `${file}.partial-${process.pid}`
      await writeFile(partial, body)
      await rename(partial, file)
    },
    async read(key) {
      const file = resolve(key)
      await access(file, constants.R_OK)
      return createReadStream(file)
    },
    async remove(key) {
      await rm(resolve(key), { force: true })
    },
    async check() {
      try {
        await mkdir(directory, { recursive: true })
        await access(directory, constants.R_OK | constants.W_OK)
        return { status: 'ok', kind: 'local' }
      } catch (error) {
        return { status: 'fail', kind: 'local', detail: error instanceof Error ? error.message : String(error) }
      }
    },
  }
}

function s3Storage(config: Extract<Config['storage'], { kind: 's3' }>): Storage {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: 2,
  })
  const Bucket = config.bucket
  return {
    kind: 's3',
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body }))
    },
    async read(key) {
      const object = await client.send(new GetObjectCommand({ Bucket, Key: key }))
      return object.Body as Readable
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }))
    },
    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }), { abortSignal: AbortSignal.timeout(3_000) })
        return { status: 'ok', kind: 's3' }
      } catch (error) {
        return { status: 'fail', kind: 's3', detail: error instanceof Error ? error.name : String(error) }
      }
    },
  }
}

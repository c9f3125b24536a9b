import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { assertKey, assertMaxBytes, assertPrefix, assertRange, createMeter, errorDetail, type ObjectInfo, type Storage, type StorageConfig, StorageNotFoundError, StorageRangeError, TEMP_PREFIX } from './storage-contract.server.ts'

// 5 MiB is S3's smallest part. With at most QUEUE_SIZE parts in flight and
// one being filled, an upload holds roughly 4 parts in memory whatever its size.
const MIN_PART_SIZE = 5 * 1024 * 1024
const MAX_PARTS = 10_000
const QUEUE_SIZE = 2

export function createS3Storage(config: Extract<StorageConfig, { kind: 's3' }>): Storage {
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

    async *list(prefix) {
      assertPrefix(prefix)
      let ContinuationToken: string | undefined
      do {
        // A page of up to 1,000 keys at a time, as S3 gives them.
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }))
        for (const object of page.Contents ?? []) {
          if (object.Key) yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0), etag: object.ETag }
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (ContinuationToken)
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

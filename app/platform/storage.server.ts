import { createLocalStorage } from './storage-local.server.ts'
import type { Storage, StorageConfig } from './storage-contract.server.ts'
import { createS3Storage } from './storage-s3.server.ts'

export * from './storage-contract.server.ts'

/**
 * Where uploaded files live: a folder on disk, or an S3-compatible bucket.
 * Keys are opaque relative paths ("parts/3f2a/v1.pdf"); the database holds
 * everything else about a file (name, type, who uploaded it).
 */
export function createStorage(config: StorageConfig): Storage {
  return config.kind === 'local' ? createLocalStorage(config.directory) : createS3Storage(config)
}

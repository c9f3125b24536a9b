import { randomUUID } from 'node:crypto'

/**
 * Where library files live in storage. Keys are opaque — never the uploader's
 * file name — so nothing a user types reaches a path on disk or in a bucket.
 * Staged uploads sit under their batch until the librarian confirms them.
 */
export const STAGING_PREFIX = 'staging/'
export const LIBRARY_PREFIX = 'library/'

export const stagingKey = (batchId: string): string => `${STAGING_PREFIX}${batchId}/${randomUUID()}`
export const libraryKey = (): string => `${LIBRARY_PREFIX}${randomUUID()}`

import { z } from 'zod'
import { getSettings } from '#app/modules/settings/queries.server.ts'
import type { Db } from '#db/types.ts'
import { MAX_BATCH_BYTES_SETTING, MB } from './upload-size.ts'

/**
 * How much one batch upload may bring, from the band's settings with
 * defaults. A bad stored value falls back to the default rather than opening
 * the gate wider.
 */
export type UploadLimits = {
  maxFileBytes: number
  maxBatchBytes: number
  maxFiles: number
  /** Entries read from one ZIP (PDFs or not). */
  maxZipEntries: number
  /** Inflated ÷ compressed size above which a ZIP entry is refused as a likely ZIP bomb. */
  maxCompressionRatio: number
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 50 * MB,
  maxBatchBytes: 1024 * MB,
  maxFiles: 300,
  maxZipEntries: 1_000,
  // A PDF's streams are compressed already: real part files deflate by a few times at most.
  maxCompressionRatio: 100,
}

const SETTING_KEYS = {
  maxFileBytes: 'library.upload.max_file_bytes',
  maxBatchBytes: 'library.upload.max_batch_bytes',
  maxFiles: 'library.upload.max_files',
  maxZipEntries: 'library.upload.max_zip_entries',
  maxCompressionRatio: 'library.upload.max_compression_ratio',
} as const satisfies Record<keyof UploadLimits, string>

const LimitsSchema = z.object({
  maxFileBytes: z.number().int().min(1024).max(MAX_BATCH_BYTES_SETTING).catch(DEFAULT_UPLOAD_LIMITS.maxFileBytes),
  maxBatchBytes: z.number().int().min(1024).max(MAX_BATCH_BYTES_SETTING).catch(DEFAULT_UPLOAD_LIMITS.maxBatchBytes),
  maxFiles: z.number().int().min(1).max(5_000).catch(DEFAULT_UPLOAD_LIMITS.maxFiles),
  maxZipEntries: z.number().int().min(1).max(10_000).catch(DEFAULT_UPLOAD_LIMITS.maxZipEntries),
  maxCompressionRatio: z.number().min(2).max(100_000).catch(DEFAULT_UPLOAD_LIMITS.maxCompressionRatio),
})

export async function readUploadLimits(db: Db): Promise<UploadLimits> {
  const stored = await getSettings(db, Object.values(SETTING_KEYS))
  const entries = Object.entries(SETTING_KEYS).map(([name, key]) => [name, stored.get(key) ?? DEFAULT_UPLOAD_LIMITS[name as keyof UploadLimits]])
  return LimitsSchema.parse(Object.fromEntries(entries))
}

/** Stores limits (tests and the settings page use it). */
export async function writeUploadLimits(db: Db, limits: Partial<UploadLimits>): Promise<void> {
  const rows = Object.entries(limits).map(([name, value]) => ({ key: SETTING_KEYS[name as keyof UploadLimits], value: JSON.stringify(value) }))
  if (rows.length === 0) return
  await db
    .insertInto('settings')
    .values(rows)
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: new Date() })))
    .execute()
}

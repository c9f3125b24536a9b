/**
 * Sizes of uploads, shared by the upload route's body limit (which must not
 * come from a server-only module: route `handle`s reach the client bundle)
 * and the limits read from the settings.
 */
export const MB = 1024 * 1024

/** The largest batch the settings may allow. */
export const MAX_BATCH_BYTES_SETTING = 2 * 1024 * MB
/** The upload route's body limit: the largest batch the settings may allow, plus room for the form around it. */
export const UPLOAD_BODY_LIMIT = MAX_BATCH_BYTES_SETTING + 64 * MB

/** "50 MB", "1 GB", "200 KB" for the form and the messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB && bytes % (1024 * MB) === 0) return `${bytes / (1024 * MB)} GB`
  if (bytes >= MB) return `${Math.round(bytes / MB)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/**
 * Pure helpers behind the audit log: turn app values into JSON, keep only the
 * fields that changed, hide secrets, and serialise canonically for the hash.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** What `audit_log.changes` holds: only the fields that changed, secrets redacted. */
export type AuditChanges = { before?: JsonObject; after?: JsonObject; details?: JsonObject }

export const REDACTED = '[redacted]'

// Broad on purpose: a false positive hides a harmless value, a false negative
// writes a secret into a table that can never be corrected.
const SECRET_KEY = /password|hash|secret|token|code|totp|recovery/i

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key)
}

/**
 * The JSON form of a value, as it will read back from jsonb: Dates become ISO
 * strings, bigints strings, binary data a size note; `undefined` and functions
 * are dropped (null inside arrays), like JSON.stringify.
 */
export function toJsonValue(value: unknown, ancestors: object[] = []): JsonValue | undefined {
  if (value === null) return null
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : null
    case 'bigint':
      return value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  // Raw bytes (files, keys) have no place in the log; their size is enough.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`
  const object = value as object
  if (ancestors.includes(object)) throw new TypeError('An audit value refers to itself; it cannot be written as JSON')
  const inner = [...ancestors, object]
  if (Array.isArray(object)) return object.map((item) => toJsonValue(item, inner) ?? null)
  const toJSON = (object as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return toJsonValue(toJSON.call(object), inner)
  const entries: [string, JsonValue][] = []
  for (const [key, item] of Object.entries(object)) {
    const json = toJsonValue(item, inner)
    if (json !== undefined) entries.push([key, json])
  }
  // fromEntries defines own properties, so a key named "__proto__" stays data.
  return Object.fromEntries(entries)
}

/** Replaces the value of every secret-looking key, at any depth, with "[redacted]". */
export function redactSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redactSecrets)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSecretKey(key) ? REDACTED : redactSecrets(item)]),
  )
}

/** JSON with object keys sorted at every depth and no whitespace: the same value always gives the same text. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  const keys = Object.keys(value).sort()
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`
}

/**
 * The `changes` of an audit row. Create (no `before`): every field of `after`.
 * Delete (no `after`): every field of `before`. Update: only the fields whose
 * JSON differs, on both sides. Differences are found before redaction, so a
 * changed password shows up as changed, never with its value.
 */
export function describeChanges(entry: {
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
  details?: Record<string, unknown>
}): AuditChanges {
  const before = entry.before ? toJsonObject(entry.before) : null
  const after = entry.after ? toJsonObject(entry.after) : null
  const changes: AuditChanges = {}

  if (before && after) {
    const changedBefore: [string, JsonValue][] = []
    const changedAfter: [string, JsonValue][] = []
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const old = Object.hasOwn(before, key) ? before[key] : undefined
      const now = Object.hasOwn(after, key) ? after[key] : undefined
      if (sameJson(old, now)) continue
      if (old !== undefined) changedBefore.push([key, old])
      if (now !== undefined) changedAfter.push([key, now])
    }
    changes.before = redactObject(Object.fromEntries(changedBefore))
    changes.after = redactObject(Object.fromEntries(changedAfter))
  } else if (after) {
    changes.after = redactObject(after)
  } else if (before) {
    changes.before = redactObject(before)
  }
  if (entry.details) changes.details = redactObject(toJsonObject(entry.details))
  return changes
}

function toJsonObject(value: Record<string, unknown>): JsonObject {
  const json = toJsonValue(value)
  if (json === null || json === undefined || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError('Audit before/after/details must be plain objects')
  }
  return json
}

function redactObject(value: JsonObject): JsonObject {
  return redactSecrets(value) as JsonObject
}

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return canonicalJson(a) === canonicalJson(b)
}

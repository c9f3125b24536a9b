import type { Db } from '#db/types.ts'

/** Raw values of the given setting keys; a key that was never set is absent. */
export async function getSettings(db: Db, keys: readonly string[]): Promise<Map<string, unknown>> {
  if (keys.length === 0) return new Map()
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', keys).execute()
  return new Map(rows.map((row) => [row.key, row.value]))
}

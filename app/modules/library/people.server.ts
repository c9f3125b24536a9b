import type { Db } from '#db/types.ts'

/**
 * Composers and arrangers are records of their own: one row per person,
 * found by name (case and spacing aside) wherever a piece names them.
 */

/** "Gustav Holst" → "Holst, Gustav"; a single word stays as it is. */
export function sortNameOf(name: string): string {
  const words = name.trim().split(/\s+/)
  const last = words.pop() ?? name
  return words.length > 0 ? `${last}, ${words.join(' ')}` : last
}

export const tidyPersonName = (name: string): string => name.normalize('NFC').trim().replace(/\s+/g, ' ')

/** The person called `name`, created when the library has nobody of that name yet. */
export async function findOrCreatePerson(db: Db, name: string): Promise<{ id: string; created: boolean }> {
  const tidy = tidyPersonName(name)
  const found = await db
    .selectFrom('people')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', tidy.toLowerCase()))
    .executeTakeFirst()
  if (found) return { id: found.id, created: false }
  const created = await db
    .insertInto('people')
    .values({ name: tidy, sort_name: sortNameOf(tidy) })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (created) return { id: created.id, created: true }
  // Someone added the same spelling a moment ago.
  const raced = await db.selectFrom('people').select('id').where('name', '=', tidy).executeTakeFirstOrThrow()
  return { id: raced.id, created: false }
}

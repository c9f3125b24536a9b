import type { Db } from '#db/types.ts'

/** The band's sections in their printed order, for pickers. */
export function listSections(db: Db) {
  return db.selectFrom('sections').select(['id', 'name']).orderBy('sort_order').execute()
}

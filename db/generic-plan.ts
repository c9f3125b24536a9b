import { sql } from 'kysely'

/**
 * A mark for a read whose plan PostgreSQL should make once and keep: a
 * statement so large that planning it costs more than running it (the
 * catalogue search, ADR 013). On PostgreSQL a marked statement outside a
 * transaction runs as a named prepared statement on a connection with
 * `plan_cache_mode = force_generic_plan` (db/client.server.ts); elsewhere the
 * mark is a comment. Only for reads whose best plan does not depend on the
 * values bound: a generic plan is made without them.
 *
 *   db.selectFrom('pieces').modifyFront(genericPlan)…   // select /* generic plan *\/ …
 *   sql`${genericPlan} with …`
 */
export const GENERIC_PLAN_MARK = '/* generic plan */'
export const genericPlan = sql.raw(GENERIC_PLAN_MARK)

/** True for the text of a marked statement. */
export function wantsGenericPlan(text: string): boolean {
  return text.startsWith(GENERIC_PLAN_MARK) || text.startsWith(`select ${GENERIC_PLAN_MARK}`)
}

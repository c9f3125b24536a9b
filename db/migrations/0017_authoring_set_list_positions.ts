import { type Kysely, sql } from 'kysely'

/**
 * No two pieces of one set list share a position, enforced by the database
 * as well as by the lock the set list forms take. Deferred to the end of the
 * transaction, so renumbering a list (2→1, 1→2) may pass through a duplicate.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table set_list_items add constraint set_list_items_position_key unique (event_id, position) deferrable initially deferred`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table set_list_items drop constraint set_list_items_position_key`.execute(db)
}

import { type Kysely, sql } from 'kysely'

/**
 * Browsing one genre by title ("all our marches", the filter librarians use
 * most): an index in that order, so the page is a short walk of it instead
 * of a scan of the title index that skips every other genre (ADR 013).
 */

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index pieces_genre_title_idx on pieces (lower(genre), lower(sort_title), id) where deleted_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index pieces_genre_title_idx`.execute(db)
}

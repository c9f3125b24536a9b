import { type Kysely, sql } from 'kysely'

// Venues, events (rehearsals, sectionals, concerts) and set lists.
// RSVPs, attendance and recurring series arrive with the events issue.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('venues')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('address', 'text')
    .addColumn('city', 'text')
    .addColumn('postcode', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('events')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('rehearsal', 'sectional', 'concert', 'other')`),
    )
    .addColumn('title', 'text', (col) => col.notNull())
    // Public concerts live at /concerts/:slug.
    .addColumn('slug', 'text')
    .addColumn('description', 'text')
    .addColumn('venue_id', 'uuid', (col) => col.references('venues.id').onDelete('set null'))
    .addColumn('section_id', 'uuid', (col) => col.references('sections.id').onDelete('set null'))
    .addColumn('call_time', 'timestamptz')
    .addColumn('starts_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ends_at', 'timestamptz', (col) => col.notNull())
    .addColumn('dress', 'text')
    .addColumn('is_public', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('scheduled').check(sql`status in ('scheduled', 'cancelled')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addCheckConstraint('events_ends_after_start', sql`ends_at >= starts_at`)
    .addCheckConstraint('events_call_before_start', sql`call_time is null or call_time <= starts_at`)
    .execute()
  await db.schema.createIndex('events_starts_at_idx').on('events').column('starts_at').execute()
  await db.schema
    .createIndex('events_public_starts_at_idx')
    .on('events')
    .column('starts_at')
    .where(sql.ref('is_public'), '=', true)
    .execute()
  await db.schema
    .createIndex('events_slug_key')
    .on('events')
    .unique()
    .column('slug')
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()

  await db.schema
    .createTable('set_list_items')
    .addColumn('event_id', 'uuid', (col) => col.notNull().references('events.id').onDelete('cascade'))
    .addColumn('piece_id', 'uuid', (col) => col.notNull().references('pieces.id').onDelete('restrict'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('notes', 'text')
    .addPrimaryKeyConstraint('set_list_items_pkey', ['event_id', 'piece_id'])
    .execute()
  await db.schema.createIndex('set_list_items_piece_idx').on('set_list_items').column('piece_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('set_list_items').execute()
  await db.schema.dropTable('events').execute()
  await db.schema.dropTable('venues').execute()
}

import { type Kysely, sql } from 'kysely'

// The catalogue: people (composers, arrangers), pieces and their parts.
// Part files, versions and downloads arrive with the music-library issue.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('people')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull())
    // "Holst, Gustav": what the catalogue sorts by.
    .addColumn('sort_name', 'text', (col) => col.notNull())
    .addColumn('born_year', 'integer')
    .addColumn('died_year', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('people_name_key').on('people').unique().column('name').execute()
  await db.schema.createIndex('people_sort_name_idx').on('people').column('sort_name').execute()

  await db.schema
    .createTable('pieces')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('subtitle', 'text')
    .addColumn('composer_id', 'uuid', (col) => col.references('people.id').onDelete('set null'))
    .addColumn('arranger_id', 'uuid', (col) => col.references('people.id').onDelete('set null'))
    .addColumn('publisher', 'text')
    .addColumn('catalogue_number', 'text')
    .addColumn('genre', 'text')
    .addColumn('tags', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    // Band grades run 0.5 (very easy) to 6 (professional) in half steps.
    .addColumn('grade', sql`numeric(2,1)`, (col) => col.check(sql`grade between 0.5 and 6`))
    .addColumn('duration_seconds', 'integer', (col) => col.check(sql`duration_seconds > 0`))
    .addColumn('ensemble', 'text', (col) => col.notNull().defaultTo('concert band'))
    .addColumn('shelf_location', 'text')
    .addColumn('ownership', 'text', (col) =>
      col
        .notNull()
        .defaultTo('owned')
        .check(sql`ownership in ('owned', 'rented', 'borrowed', 'public_domain')`),
    )
    .addColumn('notes', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('pieces_title_idx').on('pieces').column('title').execute()
  await db.schema.createIndex('pieces_composer_idx').on('pieces').column('composer_id').execute()
  await db.schema.createIndex('pieces_arranger_idx').on('pieces').column('arranger_id').execute()
  await db.schema
    .createIndex('pieces_catalogue_number_key')
    .on('pieces')
    .unique()
    .column('catalogue_number')
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()

  // part_number: 1 for "Clarinet in B♭ 1"; null for a single part such as "Tuba".
  await db.schema
    .createTable('parts')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('piece_id', 'uuid', (col) => col.notNull().references('pieces.id').onDelete('cascade'))
    .addColumn('instrument_id', 'uuid', (col) =>
      col.notNull().references('instruments.id').onDelete('restrict'),
    )
    .addColumn('part_number', 'integer', (col) => col.check(sql`part_number between 1 and 20`))
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('parts_piece_idx').on('parts').columns(['piece_id', 'sort_order']).execute()
  await db.schema.createIndex('parts_instrument_idx').on('parts').column('instrument_id').execute()
  await db.schema
    .createIndex('parts_piece_label_key')
    .on('parts')
    .unique()
    .columns(['piece_id', 'label'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('parts').execute()
  await db.schema.dropTable('pieces').execute()
  await db.schema.dropTable('people').execute()
}

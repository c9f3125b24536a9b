import { type Kysely, sql } from 'kysely'

// Sections, instruments (with the names librarians and publishers use for
// them) and members. Accounts (users) arrive with the identity issue and
// link to members through members.user_id.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sections')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('instruments')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('family', 'text', (col) =>
      col
        .notNull()
        .check(sql`family in ('woodwind', 'brass', 'percussion', 'strings', 'keyboard', 'voice', 'other')`),
    )
    .addColumn('section_id', 'uuid', (col) => col.references('sections.id').onDelete('set null'))
    .addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('instruments_section_idx').on('instruments').column('section_id').execute()

  // "Bb Clarinet", "Clar. 1", "Klarinette": what part files and catalogues call an instrument.
  await db.schema
    .createTable('instrument_aliases')
    .addColumn('instrument_id', 'uuid', (col) =>
      col.notNull().references('instruments.id').onDelete('cascade'),
    )
    .addColumn('alias', 'text', (col) => col.notNull())
    .execute()
  await db.schema
    .createIndex('instrument_aliases_alias_key')
    .on('instrument_aliases')
    .unique()
    .expression(sql`lower(alias)`)
    .execute()
  await db.schema
    .createIndex('instrument_aliases_instrument_idx')
    .on('instrument_aliases')
    .column('instrument_id')
    .execute()

  await db.schema
    .createTable('members')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('first_name', 'text', (col) => col.notNull())
    .addColumn('last_name', 'text', (col) => col.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'inactive', 'on_leave', 'alumni')`),
    )
    .addColumn('joined_on', 'date')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('members_email_key')
    .on('members')
    .unique()
    .expression(sql`lower(email)`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()
  await db.schema
    .createIndex('members_name_idx')
    .on('members')
    .columns(['last_name', 'first_name'])
    .execute()

  // chair: 1 for first clarinet, 2 for second … (null where a section has no chairs).
  await db.schema
    .createTable('member_instruments')
    .addColumn('member_id', 'uuid', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('instrument_id', 'uuid', (col) =>
      col.notNull().references('instruments.id').onDelete('restrict'),
    )
    .addColumn('is_primary', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('chair', 'integer', (col) => col.check(sql`chair between 1 and 20`))
    .addPrimaryKeyConstraint('member_instruments_pkey', ['member_id', 'instrument_id'])
    .execute()
  await db.schema
    .createIndex('member_instruments_instrument_idx')
    .on('member_instruments')
    .column('instrument_id')
    .execute()
  // At most one primary instrument per member.
  await db.schema
    .createIndex('member_instruments_one_primary_key')
    .on('member_instruments')
    .unique()
    .column('member_id')
    .where(sql.ref('is_primary'), '=', true)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('member_instruments').execute()
  await db.schema.dropTable('members').execute()
  await db.schema.dropTable('instrument_aliases').execute()
  await db.schema.dropTable('instruments').execute()
  await db.schema.dropTable('sections').execute()
}

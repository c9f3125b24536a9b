import { type Kysely, sql } from 'kysely'

// Public website content: CMS pages (served at /:slug) and news posts.
// Revisions, navigation editing and media arrive with the CMS issue.
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['pages', 'posts'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('slug', 'text', (col) => col.notNull())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('summary', 'text')
      // Markdown source; rendered and sanitised on the server.
      .addColumn('body', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('status', 'text', (col) =>
        col.notNull().defaultTo('draft').check(sql`status in ('draft', 'published')`),
      )
      .addColumn('published_at', 'timestamptz')
      .$call((builder) =>
        table === 'pages'
          ? builder
              .addColumn('show_in_navigation', 'boolean', (col) => col.notNull().defaultTo(false))
              .addColumn('navigation_order', 'integer', (col) => col.notNull().defaultTo(0))
          : builder,
      )
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('deleted_at', 'timestamptz')
      .execute()
    await db.schema
      .createIndex(`${table}_slug_key`)
      .on(table)
      .unique()
      .column('slug')
      .where(sql.ref('deleted_at'), 'is', null)
      .execute()
    await db.schema
      .createIndex(`${table}_published_idx`)
      .on(table)
      .column('published_at')
      .where(sql.ref('status'), '=', 'published')
      .execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('posts').execute()
  await db.schema.dropTable('pages').execute()
}

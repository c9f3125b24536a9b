import { type Kysely, sql } from 'kysely'

/**
 * Music library I: the fields librarians keep on a piece, full-text and
 * typo-tolerant search, parts that serve combined chairs, versioned part
 * files, and staged upload batches waiting for the librarian's review.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)
  await sql`create extension if not exists unaccent`.execute(db)

  // A library number is never reused: the unique index covers deleted pieces too.
  await sql`alter table pieces rename column catalogue_number to library_number`.execute(db)
  await sql`drop index pieces_catalogue_number_key`.execute(db)
  await db.schema.createIndex('pieces_library_number_key').on('pieces').unique().column('library_number').execute()

  await db.schema
    .alterTable('pieces')
    // Filed under its first significant word: "Stars and Stripes Forever, The" (set by trigger).
    .addColumn('sort_title', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('alternate_titles', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('arranger_role', 'text', (col) =>
      col.notNull().defaultTo('arranger').check(sql`arranger_role in ('arranger', 'editor', 'transcriber', 'orchestrator')`),
    )
    .addColumn('edition', 'text')
    .addColumn('year', 'integer', (col) => col.check(sql`year between 1000 and 2200`))
    // Who graded it: the publisher, J.W. Pepper, the band's own librarian…
    .addColumn('grade_source', 'text')
    // The usual shorthand, e.g. 2222-4231-timp-3perc.
    .addColumn('instrumentation', 'text')
    .addColumn('physical_size', 'text', (col) =>
      col.check(sql`physical_size in ('march', 'octavo', 'quarto', 'concert', 'folio', 'digital')`),
    )
    // Rented and borrowed sets go back: to whom, and by when.
    .addColumn('lender', 'text')
    .addColumn('rental_due_on', 'date')
    .addColumn('parts_status', 'text', (col) =>
      col.notNull().defaultTo('unknown').check(sql`parts_status in ('complete', 'incomplete', 'unknown')`),
    )
    .addColumn('missing_parts', 'text')
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    // Both kept by the trigger below from the piece and its composer and arranger.
    .addColumn('search_vector', sql`tsvector`, (col) => col.notNull().defaultTo(sql`''::tsvector`))
    .addColumn('search_text', 'text', (col) => col.notNull().defaultTo(''))
    .execute()

  await db.schema.alterTable('people').addColumn('notes', 'text').execute()
  await db.schema
    .alterTable('people')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  // Words seen in the catalogue: a misspelt search word is matched to its nearest ones (pg_trgm).
  await db.schema.createTable('library_search_terms').addColumn('term', 'text', (col) => col.primaryKey()).execute()
  await sql`create index library_search_terms_trgm_idx on library_search_terms using gin (term gin_trgm_ops)`.execute(db)

  await sql`
    create function pieces_search_document() returns trigger language plpgsql as $$
    declare
      composer text;
      arranger text;
    begin
      select name into composer from people where id = new.composer_id;
      select name into arranger from people where id = new.arranger_id;
      new.sort_title := case
        when new.title ~* '^(the|a|an)\\s+\\S' then regexp_replace(new.title, '^(\\S+)\\s+(.*)$', '\\2, \\1')
        else new.title
      end;
      new.search_vector :=
        setweight(to_tsvector('english', unaccent(concat_ws(' ', new.title, array_to_string(new.alternate_titles, ' ')))), 'A')
        || setweight(to_tsvector('english', unaccent(concat_ws(' ', composer, arranger))), 'B')
        || setweight(to_tsvector('english', unaccent(concat_ws(' ', new.subtitle, new.publisher, new.edition, new.genre, array_to_string(new.tags, ' ')))), 'C');
      new.search_text := lower(unaccent(concat_ws(' ', new.title, array_to_string(new.alternate_titles, ' '), new.subtitle,
        composer, arranger, new.publisher, array_to_string(new.tags, ' '))));
      insert into library_search_terms (term)
        select distinct word from regexp_split_to_table(new.search_text, '[^a-z0-9]+') as word where length(word) >= 3
        on conflict do nothing;
      return new;
    end
    $$
  `.execute(db)
  await sql`
    create trigger pieces_search_document before insert or update on pieces
    for each row execute function pieces_search_document()
  `.execute(db)
  // A renamed composer or arranger is found under the new name.
  await sql`
    create function people_refresh_pieces() returns trigger language plpgsql as $$
    begin
      if new.name is distinct from old.name then
        update pieces set updated_at = updated_at where composer_id = new.id or arranger_id = new.id;
      end if;
      return new;
    end
    $$
  `.execute(db)
  await sql`
    create trigger people_refresh_pieces after update on people
    for each row execute function people_refresh_pieces()
  `.execute(db)
  // Fill the new columns for the pieces already there.
  await sql`update pieces set updated_at = updated_at`.execute(db)

  await sql`create index pieces_search_vector_idx on pieces using gin (search_vector)`.execute(db)
  await sql`create index pieces_search_text_trgm_idx on pieces using gin (search_text gin_trgm_ops)`.execute(db)
  await sql`create index pieces_sort_title_idx on pieces (lower(sort_title), id) where deleted_at is null`.execute(db)
  await sql`drop index pieces_title_idx`.execute(db)

  // A part may serve several chairs ("Horn in F 1 & 3": chairs {1,3}); part_number is the first.
  await db.schema
    .alterTable('parts')
    .addColumn('chairs', sql`integer[]`, (col) => col.notNull().defaultTo(sql`'{}'::integer[]`))
    .addColumn('deleted_at', 'timestamptz')
    .execute()
  await sql`update parts set chairs = array[part_number] where part_number is not null`.execute(db)
  // A deleted part's label may be used again by a new part.
  await sql`drop index parts_piece_label_key`.execute(db)
  await sql`create unique index parts_piece_label_key on parts (piece_id, lower(label)) where deleted_at is null`.execute(db)

  // A staged upload: files sit under staging keys until the librarian confirms the review.
  await db.schema
    .createTable('upload_batches')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('created_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('piece_id', 'uuid', (col) => col.references('pieces.id').onDelete('cascade'))
    // A new piece is only created when the batch is confirmed.
    .addColumn('new_piece_title', 'text')
    .addColumn('new_piece_composer', 'text')
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('staged').check(sql`status in ('staged', 'confirming', 'confirmed', 'cancelled')`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('confirmed_at', 'timestamptz')
    .addCheckConstraint('upload_batches_piece_check', sql`piece_id is not null or new_piece_title is not null`)
    .execute()
  await db.schema.createIndex('upload_batches_status_idx').on('upload_batches').columns(['status', 'created_at']).execute()

  await db.schema
    .createTable('part_files')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('part_id', 'uuid', (col) => col.notNull().references('parts.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull().check(sql`version >= 1`))
    // Opaque ("library/<uuid>"), never the uploader's file name; shared sheets share one key.
    .addColumn('storage_key', 'text', (col) => col.notNull())
    .addColumn('original_name', 'text', (col) => col.notNull())
    .addColumn('content_type', 'text', (col) => col.notNull().defaultTo('application/pdf'))
    .addColumn('size_bytes', 'integer', (col) => col.notNull().check(sql`size_bytes > 0`))
    .addColumn('sha256', 'text', (col) => col.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('page_count', 'integer', (col) => col.notNull().check(sql`page_count >= 1`))
    .addColumn('uploaded_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('upload_batch_id', 'uuid', (col) => col.references('upload_batches.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // Set when a newer version took its place; the current file has neither this nor deleted_at.
    .addColumn('superseded_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addUniqueConstraint('part_files_version_key', ['part_id', 'version'])
    .execute()
  await sql`create unique index part_files_current_key on part_files (part_id) where superseded_at is null and deleted_at is null`.execute(db)
  await db.schema.createIndex('part_files_sha256_idx').on('part_files').column('sha256').execute()
  await db.schema.createIndex('part_files_storage_key_idx').on('part_files').column('storage_key').execute()

  await db.schema
    .createTable('upload_files')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('batch_id', 'uuid', (col) => col.notNull().references('upload_batches.id').onDelete('cascade'))
    .addColumn('position', 'integer', (col) => col.notNull())
    // The name as sent, cleaned for display (no path, no control characters, at most 255 characters).
    .addColumn('original_name', 'text', (col) => col.notNull())
    // The ZIP the file came out of, if any.
    .addColumn('archive_name', 'text')
    // Null when the file was refused and nothing was kept.
    .addColumn('staging_key', 'text')
    .addColumn('size_bytes', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('sha256', 'text')
    .addColumn('page_count', 'integer')
    // Why the file was refused ("Not a PDF", "Encrypted PDF"…); null when it is usable.
    .addColumn('problem', 'text')
    // The same bytes already in the library (a file) or earlier in this batch (a position).
    .addColumn('duplicate_of_file_id', 'uuid', (col) => col.references('part_files.id').onDelete('set null'))
    .addColumn('duplicate_of_position', 'integer')
    // The mapper's proposal, corrected by the librarian in the review.
    .addColumn('instrument_id', 'uuid', (col) => col.references('instruments.id').onDelete('set null'))
    .addColumn('chairs', sql`integer[]`, (col) => col.notNull().defaultTo(sql`'{}'::integer[]`))
    .addColumn('label', 'text')
    .addColumn('mapping', 'text', (col) =>
      col.notNull().check(sql`mapping in ('sure', 'ambiguous', 'unknown', 'corrected')`),
    )
    // Why the mapper was unsure, in words for the librarian.
    .addColumn('mapping_note', 'text')
    // A shared sheet ("Bb Clarinet 1/Bb Trumpet 1") also serves these parts: [{instrumentId, chairs, label}].
    .addColumn('also_for', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    // The librarian may leave a file out of the batch in the review.
    .addColumn('included', 'boolean', (col) => col.notNull().defaultTo(true))
    .addUniqueConstraint('upload_files_position_key', ['batch_id', 'position'])
    .execute()
  await db.schema.createIndex('upload_files_sha256_idx').on('upload_files').column('sha256').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upload_files').execute()
  await db.schema.dropTable('part_files').execute()
  await db.schema.dropTable('upload_batches').execute()
  await sql`drop index parts_piece_label_key`.execute(db)
  await sql`create unique index parts_piece_label_key on parts (piece_id, label)`.execute(db)
  await db.schema.alterTable('parts').dropColumn('chairs').dropColumn('deleted_at').execute()
  await sql`drop trigger people_refresh_pieces on people`.execute(db)
  await sql`drop function people_refresh_pieces`.execute(db)
  await sql`drop trigger pieces_search_document on pieces`.execute(db)
  await sql`drop function pieces_search_document`.execute(db)
  await db.schema.dropTable('library_search_terms').execute()
  await db.schema.alterTable('people').dropColumn('notes').dropColumn('updated_at').execute()
  await db.schema
    .alterTable('pieces')
    .dropColumn('sort_title')
    .dropColumn('alternate_titles')
    .dropColumn('arranger_role')
    .dropColumn('edition')
    .dropColumn('year')
    .dropColumn('grade_source')
    .dropColumn('instrumentation')
    .dropColumn('physical_size')
    .dropColumn('lender')
    .dropColumn('rental_due_on')
    .dropColumn('parts_status')
    .dropColumn('missing_parts')
    .dropColumn('created_by')
    .dropColumn('search_vector')
    .dropColumn('search_text')
    .execute()
  await db.schema.createIndex('pieces_title_idx').on('pieces').column('title').execute()
  await sql`drop index pieces_library_number_key`.execute(db)
  await sql`alter table pieces rename column library_number to catalogue_number`.execute(db)
  await db.schema
    .createIndex('pieces_catalogue_number_key')
    .on('pieces')
    .unique()
    .column('catalogue_number')
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()
}

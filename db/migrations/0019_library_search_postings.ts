import { type Kysely, sql } from 'kysely'

/**
 * Catalogue search that stays fast at 100,000 pieces (ADR 012). A word such
 * as "march" matches a quarter of a big catalogue; ranking every match to show
 * twenty cost 250–600 ms. Now each piece's words are also kept as postings,
 * one row per (word, piece), in the order the search ranks them, so the best
 * twenty for one word are the first rows of an index. Sorting by composer
 * reads a copy of the composer's sort name kept on the piece, so that sort,
 * like the others, walks an index instead of sorting the whole catalogue.
 */

// The trigger of 0018, which also keeps pieces.composer_sort now.
const searchDocument = (withComposerSort: boolean) => sql`
  create or replace function pieces_search_document() returns trigger language plpgsql as $$
  declare
    composer text;
    composer_sort_name text;
    arranger text;
  begin
    select name, lower(sort_name) into composer, composer_sort_name from people where id = new.composer_id;
    select name into arranger from people where id = new.arranger_id;
    ${withComposerSort ? sql.raw('new.composer_sort := composer_sort_name;') : sql.raw('')}
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
`

const refreshOnRename = (alsoSortName: boolean) => sql`
  create or replace function people_refresh_pieces() returns trigger language plpgsql as $$
  begin
    if new.name is distinct from old.name ${alsoSortName ? sql.raw('or new.sort_name is distinct from old.sort_name') : sql.raw('')} then
      update pieces set updated_at = updated_at where composer_id = new.id or arranger_id = new.id;
    end if;
    return new;
  end
  $$
`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pieces').addColumn('composer_sort', 'text').execute()
  await searchDocument(true).execute(db)
  await refreshOnRename(true).execute(db)

  // tier: 0 the word is in the title (weight A), 1 in the composer or arranger (B), 2 elsewhere.
  // The lexeme is compared byte-wise ("C") so a prefix ("festi…") is an index range.
  await sql`
    create table library_search_postings (
      lexeme text collate "C" not null,
      piece_id uuid not null references pieces (id) on delete cascade,
      tier smallint not null,
      title_length integer not null,
      sort_title text not null,
      primary key (lexeme, piece_id)
    )
  `.execute(db)
  await sql`
    create function pieces_search_postings() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.search_vector = old.search_vector and new.title = old.title
        and new.sort_title = old.sort_title and new.deleted_at is not distinct from old.deleted_at then
        return null;
      end if;
      if tg_op = 'UPDATE' then
        delete from library_search_postings where piece_id = new.id;
      end if;
      -- A deleted piece is never found, so it has no postings.
      if new.deleted_at is null then
        insert into library_search_postings (lexeme, piece_id, tier, title_length, sort_title)
        select v.lexeme, new.id,
          case when 'A' = any (v.weights) then 0 when 'B' = any (v.weights) then 1 else 2 end,
          char_length(new.title), lower(new.sort_title)
        from unnest(new.search_vector) as v;
      end if;
      return null;
    end
    $$
  `.execute(db)
  await sql`
    create trigger pieces_search_postings after insert or update on pieces
    for each row execute function pieces_search_postings()
  `.execute(db)

  // Fill both for the pieces already there.
  await sql`update pieces set updated_at = updated_at where composer_id is not null`.execute(db)
  await sql`
    insert into library_search_postings (lexeme, piece_id, tier, title_length, sort_title)
    select v.lexeme, pieces.id,
      case when 'A' = any (v.weights) then 0 when 'B' = any (v.weights) then 1 else 2 end,
      char_length(pieces.title), lower(pieces.sort_title)
    from pieces, unnest(pieces.search_vector) as v
    where pieces.deleted_at is null
  `.execute(db)

  await sql`create index library_search_postings_rank_idx on library_search_postings (lexeme, tier, title_length, sort_title, piece_id)`.execute(db)
  await sql`create index library_search_postings_piece_idx on library_search_postings (piece_id)`.execute(db)
  // One index per sort of the catalogue (search-server.ts orderFor), so a page is a short index walk.
  await sql`create index pieces_composer_sort_idx on pieces ((composer_id is null), coalesce(composer_sort, ''), lower(sort_title), id) where deleted_at is null`.execute(db)
  await sql`create index pieces_number_sort_idx on pieces ((library_number is null), coalesce(library_number, ''), id) where deleted_at is null`.execute(db)
  await sql`create index pieces_grade_sort_idx on pieces ((grade is null), coalesce(grade, 0), lower(sort_title), id) where deleted_at is null`.execute(db)
  await sql`create index pieces_recent_sort_idx on pieces (created_at, id) where deleted_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index pieces_recent_sort_idx`.execute(db)
  await sql`drop index pieces_grade_sort_idx`.execute(db)
  await sql`drop index pieces_number_sort_idx`.execute(db)
  await sql`drop index pieces_composer_sort_idx`.execute(db)
  await sql`drop trigger pieces_search_postings on pieces`.execute(db)
  await sql`drop function pieces_search_postings`.execute(db)
  await sql`drop table library_search_postings`.execute(db)
  await refreshOnRename(false).execute(db)
  await searchDocument(false).execute(db)
  await db.schema.alterTable('pieces').dropColumn('composer_sort').execute()
}

import type { ColumnType, Generated } from 'kysely'
import type { CreatedAt, NullableTimestamp, Numeric, UpdatedAt } from './types.ts'

/**
 * The music library's tables as Kysely sees them (db/migrations 0003 and
 * 0018); db/types.ts puts them into `Database`.
 */

type TextArray = ColumnType<string[], string[] | undefined, string[]>
type IntegerArray = ColumnType<number[], number[] | undefined, number[]>
type DateOnly = ColumnType<string | null, string | null | undefined, string | null>

export type PeopleTable = {
  id: Generated<string>
  name: string
  /** "Holst, Gustav": what the catalogue sorts by. */
  sort_name: string
  born_year: number | null
  died_year: number | null
  notes: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export type Ownership = 'owned' | 'rented' | 'borrowed' | 'public_domain'
export type ArrangerRole = 'arranger' | 'editor' | 'transcriber' | 'orchestrator'
export type PhysicalSize = 'march' | 'octavo' | 'quarto' | 'concert' | 'folio' | 'digital'
export type PartsStatus = 'complete' | 'incomplete' | 'unknown'

export type PiecesTable = {
  id: Generated<string>
  /** Unique for ever, deleted pieces included; add-ons such as "46.1". */
  library_number: string | null
  title: string
  /** Set by a trigger: "Stars and Stripes Forever, The". */
  sort_title: ColumnType<string, never, never>
  alternate_titles: TextArray
  /** Subtitle or movements. */
  subtitle: string | null
  composer_id: string | null
  arranger_id: string | null
  arranger_role: ColumnType<ArrangerRole, ArrangerRole | undefined, ArrangerRole>
  publisher: string | null
  edition: string | null
  year: number | null
  genre: string | null
  tags: TextArray
  grade: Numeric | null
  grade_source: string | null
  duration_seconds: number | null
  instrumentation: string | null
  ensemble: Generated<string>
  physical_size: PhysicalSize | null
  shelf_location: string | null
  ownership: ColumnType<Ownership, Ownership | undefined, Ownership>
  lender: string | null
  rental_due_on: DateOnly
  parts_status: ColumnType<PartsStatus, PartsStatus | undefined, PartsStatus>
  missing_parts: string | null
  notes: string | null
  created_by: string | null
  /** Both set by a trigger from the piece and its composer and arranger. */
  search_vector: ColumnType<string, never, never>
  search_text: ColumnType<string, never, never>
  /** The composer's sort name in lower case, set by the same trigger (the composer sort's index). */
  composer_sort: ColumnType<string | null, never, never>
  created_at: CreatedAt
  updated_at: UpdatedAt
  deleted_at: NullableTimestamp
}

export type LibrarySearchTermsTable = {
  term: string
}

/** One word of one live piece, kept by a trigger in the order search ranks it (migration 0019). */
export type LibrarySearchPostingsTable = {
  lexeme: string
  piece_id: string
  /** 0: the word is in the title, 1: in the composer or arranger, 2: elsewhere. */
  tier: number
  title_length: number
  /** lower(pieces.sort_title) */
  sort_title: string
}

export type PartsTable = {
  id: Generated<string>
  piece_id: string
  instrument_id: string
  /** The first chair this part serves; null for a single part such as "Tuba". */
  part_number: number | null
  /** Every chair it serves: [1, 3] for "Horn in F 1 & 3". */
  chairs: IntegerArray
  label: string
  sort_order: Generated<number>
  created_at: CreatedAt
  deleted_at: NullableTimestamp
}

export type PartFilesTable = {
  id: Generated<string>
  part_id: string
  version: number
  /** Opaque ("library/<uuid>"); the files of a shared sheet share one key. */
  storage_key: string
  original_name: string
  content_type: Generated<string>
  size_bytes: number
  sha256: string
  page_count: number
  uploaded_by: string | null
  upload_batch_id: string | null
  created_at: CreatedAt
  /** Set when a newer version took its place. */
  superseded_at: NullableTimestamp
  deleted_at: NullableTimestamp
}

export type UploadBatchStatus = 'staged' | 'confirming' | 'confirmed' | 'cancelled'

export type UploadBatchesTable = {
  id: Generated<string>
  created_by: string | null
  piece_id: string | null
  new_piece_title: string | null
  new_piece_composer: string | null
  status: ColumnType<UploadBatchStatus, UploadBatchStatus | undefined, UploadBatchStatus>
  created_at: CreatedAt
  updated_at: UpdatedAt
  confirmed_by: string | null
  confirmed_at: NullableTimestamp
}

/** How sure the file-name mapper was; 'corrected' once the librarian changed it. */
export type PartMapping = 'sure' | 'ambiguous' | 'unknown' | 'corrected'
/** Another part a shared sheet serves. */
export type SharedPart = { instrumentId: string; chairs: number[]; label: string }

export type UploadFilesTable = {
  id: Generated<string>
  batch_id: string
  position: number
  original_name: string
  archive_name: string | null
  staging_key: string | null
  size_bytes: Generated<number>
  sha256: string | null
  page_count: number | null
  /** Why the file was refused; null when it is usable. */
  problem: string | null
  duplicate_of_file_id: string | null
  duplicate_of_position: number | null
  instrument_id: string | null
  chairs: IntegerArray
  label: string | null
  mapping: PartMapping
  mapping_note: string | null
  also_for: ColumnType<SharedPart[], string | undefined, string>
  included: Generated<boolean>
}

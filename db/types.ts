import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * The database as Kysely sees it. Keep in step with db/migrations: a column
 * added there is added here in the same change.
 */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
// numeric comes back from pg as a string to keep its precision.
type Numeric = ColumnType<string, number | string, number | string>
type Json = ColumnType<unknown, string, string>

export type SettingsTable = {
  key: string
  value: Json
  updated_at: UpdatedAt
}

export type SectionsTable = {
  id: Generated<string>
  name: string
  slug: string
  sort_order: Generated<number>
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export type InstrumentFamily = 'woodwind' | 'brass' | 'percussion' | 'strings' | 'keyboard' | 'voice' | 'other'

export type InstrumentsTable = {
  id: Generated<string>
  name: string
  family: InstrumentFamily
  section_id: string | null
  sort_order: Generated<number>
  created_at: CreatedAt
}

export type InstrumentAliasesTable = {
  instrument_id: string
  alias: string
}

export type MemberStatus = 'active' | 'inactive' | 'on_leave' | 'alumni'

export type MembersTable = {
  id: Generated<string>
  first_name: string
  last_name: string
  email: string | null
  phone: string | null
  status: ColumnType<MemberStatus, MemberStatus | undefined, MemberStatus>
  joined_on: ColumnType<string | null, string | null | undefined, string | null>
  notes: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
  deleted_at: NullableTimestamp
}

export type MemberInstrumentsTable = {
  member_id: string
  instrument_id: string
  is_primary: Generated<boolean>
  chair: number | null
}

export type PeopleTable = {
  id: Generated<string>
  name: string
  sort_name: string
  born_year: number | null
  died_year: number | null
  created_at: CreatedAt
}

export type Ownership = 'owned' | 'rented' | 'borrowed' | 'public_domain'

export type PiecesTable = {
  id: Generated<string>
  title: string
  subtitle: string | null
  composer_id: string | null
  arranger_id: string | null
  publisher: string | null
  catalogue_number: string | null
  genre: string | null
  tags: ColumnType<string[], string[] | undefined, string[]>
  grade: Numeric | null
  duration_seconds: number | null
  ensemble: Generated<string>
  shelf_location: string | null
  ownership: ColumnType<Ownership, Ownership | undefined, Ownership>
  notes: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
  deleted_at: NullableTimestamp
}

export type PartsTable = {
  id: Generated<string>
  piece_id: string
  instrument_id: string
  part_number: number | null
  label: string
  sort_order: Generated<number>
  created_at: CreatedAt
}

export type VenuesTable = {
  id: Generated<string>
  name: string
  address: string | null
  city: string | null
  postcode: string | null
  notes: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
  deleted_at: NullableTimestamp
}

export type EventKind = 'rehearsal' | 'sectional' | 'concert' | 'other'
export type EventStatus = 'scheduled' | 'cancelled'

export type EventsTable = {
  id: Generated<string>
  kind: EventKind
  title: string
  slug: string | null
  description: string | null
  venue_id: string | null
  section_id: string | null
  call_time: NullableTimestamp
  starts_at: Timestamp
  ends_at: Timestamp
  dress: string | null
  is_public: Generated<boolean>
  status: ColumnType<EventStatus, EventStatus | undefined, EventStatus>
  created_at: CreatedAt
  updated_at: UpdatedAt
  deleted_at: NullableTimestamp
}

export type SetListItemsTable = {
  event_id: string
  piece_id: string
  position: number
  notes: string | null
}

export type PublicationStatus = 'draft' | 'published'

type ContentColumns = {
  id: Generated<string>
  slug: string
  title: string
  summary: string | null
  body: Generated<string>
  status: ColumnType<PublicationStatus, PublicationStatus | undefined, PublicationStatus>
  published_at: NullableTimestamp
  created_at: CreatedAt
  updated_at: UpdatedAt
  deleted_at: NullableTimestamp
}

export type PagesTable = ContentColumns & {
  show_in_navigation: Generated<boolean>
  navigation_order: Generated<number>
}

export type PostsTable = ContentColumns

export type Database = {
  settings: SettingsTable
  sections: SectionsTable
  instruments: InstrumentsTable
  instrument_aliases: InstrumentAliasesTable
  members: MembersTable
  member_instruments: MemberInstrumentsTable
  people: PeopleTable
  pieces: PiecesTable
  parts: PartsTable
  venues: VenuesTable
  events: EventsTable
  set_list_items: SetListItemsTable
  pages: PagesTable
  posts: PostsTable
}

export type Section = Selectable<SectionsTable>
export type NewSection = Insertable<SectionsTable>
export type Instrument = Selectable<InstrumentsTable>
export type NewInstrument = Insertable<InstrumentsTable>
export type Member = Selectable<MembersTable>
export type NewMember = Insertable<MembersTable>
export type MemberUpdate = Updateable<MembersTable>
export type Person = Selectable<PeopleTable>
export type Piece = Selectable<PiecesTable>
export type NewPiece = Insertable<PiecesTable>
export type Part = Selectable<PartsTable>
export type NewPart = Insertable<PartsTable>
export type Venue = Selectable<VenuesTable>
export type Event = Selectable<EventsTable>
export type NewEvent = Insertable<EventsTable>
export type Page = Selectable<PagesTable>
export type Post = Selectable<PostsTable>

import type { ColumnType, Generated } from 'kysely'
import type { CreatedAt, NullableTimestamp, Timestamp, UpdatedAt } from './types.ts'

/**
 * The band's tables as Kysely sees them: sections, instruments, members,
 * venues, events and their series, RSVPs, absences, attendance, calendar
 * feeds and set lists; db/types.ts puts them into `Database`.
 */

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
  preferred_name: string | null
  pronouns: string | null
  kind: ColumnType<MemberKind, MemberKind | undefined, MemberKind>
  /** A guest or substitute engaged for one event… */
  engaged_event_id: string | null
  /** …or until this date (a season). */
  engaged_until: ColumnType<string | null, string | null | undefined, string | null>
  /** AES-256-GCM with MEMBER_DATA_KEY; never sent to a page unopened. */
  emergency_contacts_sealed: string | null
  directory_listed: Generated<boolean>
  directory_show_email: Generated<boolean>
  directory_show_phone: Generated<boolean>
}

export type MemberKind = 'member' | 'guest' | 'substitute'

export type MemberStatusChangesTable = {
  id: Generated<string>
  member_id: string
  status: MemberStatus
  effective_on: ColumnType<string, string, string>
  note: string | null
  changed_by: string | null
  created_at: CreatedAt
}

export type MemberInstrumentsTable = {
  member_id: string
  instrument_id: string
  is_primary: Generated<boolean>
  chair: number | null
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
  map_url: string | null
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
  rsvp_deadline: NullableTimestamp
  cancel_reason: string | null
  series_id: string | null
  /** The series date (band's zone) this event stands for. */
  series_date: ColumnType<string | null, string | null | undefined, string | null>
  /** Changed by hand: editing the series leaves it alone. */
  series_detached: Generated<boolean>
}

/** Wall-clock times in the band's zone; dates as 'YYYY-MM-DD'. */
export type EventSeriesTable = {
  id: Generated<string>
  kind: EventKind
  title: string
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
  start_time: string
  end_time: string
  call_minutes_before: number | null
  starts_on: ColumnType<string, string, string>
  ends_on: ColumnType<string, string, string>
  venue_id: string | null
  section_id: string | null
  dress: string | null
  description: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
  deleted_at: NullableTimestamp
}

export type EventSeriesExceptionsTable = {
  series_id: string
  on_date: ColumnType<string, string, string>
  reason: string | null
}

export type RsvpAnswer = 'going' | 'not_going' | 'maybe'

export type RsvpsTable = {
  event_id: string
  member_id: string
  answer: RsvpAnswer
  note: string | null
  answered_at: ColumnType<Date, Date | string | undefined, Date | string>
  answered_via: ColumnType<'portal' | 'link' | 'director', 'portal' | 'link' | 'director' | undefined, 'portal' | 'link' | 'director'>
}

export type AbsencesTable = {
  id: Generated<string>
  member_id: string
  starts_on: ColumnType<string, string, string>
  ends_on: ColumnType<string, string, string>
  reason: string | null
  created_at: CreatedAt
}

export type AttendanceStatus = 'present' | 'late' | 'excused' | 'absent'

export type AttendanceTable = {
  event_id: string
  member_id: string
  status: AttendanceStatus
  marked_by: string | null
  marked_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export type CalendarFeedsTable = {
  member_id: string
  token_hash: string
  token_sealed: string
  created_at: CreatedAt
  last_fetched_at: NullableTimestamp
}

export type SetListItemsTable = {
  event_id: string
  piece_id: string
  position: number
  notes: string | null
}

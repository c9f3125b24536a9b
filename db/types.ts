import type {
  LibrarySearchPostingsTable,
  LibrarySearchTermsTable,
  PartFilesTable,
  PartsTable,
  PeopleTable,
  PiecesTable,
  UploadBatchesTable,
  UploadFilesTable,
} from './library-types.ts'
export type * from './library-types.ts'
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'

/**
 * The database as Kysely sees it. Keep in step with db/migrations: a column
 * added there is added here in the same change.
 */

export type CreatedAt = ColumnType<Date, Date | string | undefined, never>
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>
type Timestamp = ColumnType<Date, Date | string, Date | string>
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
// numeric comes back from pg as a string to keep its precision.
export type Numeric = ColumnType<string, number | string, number | string>
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

export type UserStatus = 'active' | 'locked' | 'disabled'

export type UsersTable = {
  id: Generated<string>
  email: string
  display_name: string
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>
  member_id: string | null
  must_reset_password: Generated<boolean>
  last_login_at: NullableTimestamp
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export type PasswordCredentialsTable = {
  user_id: string
  hash: string
  updated_at: UpdatedAt
}

export type TotpCredentialsTable = {
  user_id: string
  secret_encrypted: string
  confirmed_at: NullableTimestamp
  last_used_step: number | null
  created_at: CreatedAt
}

export type RecoveryCodesTable = {
  id: Generated<string>
  user_id: string
  code_hash: string
  used_at: NullableTimestamp
  created_at: CreatedAt
}

export type SessionsTable = {
  id: Generated<string>
  token_hash: string
  user_id: string
  created_at: CreatedAt
  last_seen_at: UpdatedAt
  idle_expires_at: Timestamp
  absolute_expires_at: Timestamp
  ip: string | null
  user_agent: string | null
  /** Idle time that ends this session; shorter for admin roles. */
  idle_timeout_seconds: Generated<number>
}

export type InvitationsTable = {
  id: Generated<string>
  token_hash: string
  email: string
  display_name: string
  role_name: string
  section_id: string | null
  member_id: string | null
  invited_by: string | null
  accepted_user_id: string | null
  expires_at: Timestamp
  used_at: NullableTimestamp
  created_at: CreatedAt
}

export type PasswordResetsTable = {
  id: Generated<string>
  token_hash: string
  user_id: string
  expires_at: Timestamp
  used_at: NullableTimestamp
  created_at: CreatedAt
}

export type RoleName = 'super_admin' | 'admin' | 'director' | 'section_leader' | 'librarian' | 'musician'

export type RolesTable = {
  name: RoleName
  label: string
  description: string
  rank: number
}

export type RoleInclusionsTable = {
  role_name: RoleName
  included_role_name: RoleName
}

export type PermissionsTable = {
  name: string
  description: string
}

export type RolePermissionsTable = {
  role_name: RoleName
  permission_name: string
}

export type UserRolesTable = {
  id: Generated<string>
  user_id: string
  role_name: RoleName
  section_id: string | null
  granted_by: string | null
  created_at: CreatedAt
}

/** Append-only: the database refuses UPDATE and DELETE (migration 0007). */
export type AuditLogTable = {
  id: ColumnType<number, never, never>
  occurred_at: ColumnType<Date, Date | string | undefined, never>
  actor_id: ColumnType<string | null, string | null, never>
  actor_name: ColumnType<string, string, never>
  action: ColumnType<string, string, never>
  entity_type: ColumnType<string, string, never>
  entity_id: ColumnType<string | null, string | null, never>
  changes: ColumnType<unknown, string, never>
  ip: ColumnType<string | null, string | null, never>
  user_agent: ColumnType<string | null, string | null, never>
  request_id: ColumnType<string | null, string | null, never>
  prev_hash: ColumnType<string, string, never>
  hash: ColumnType<string, string, never>
  /** 1: plain SHA-256 (before migration 0012); 2: HMAC-SHA256 with the audit key. */
  hash_algorithm: ColumnType<1 | 2, 1 | 2 | undefined, never>
}

/** queued → sent, or stored (no SMTP: kept for admins), or failed after the last try. */
export type EmailStatus = 'queued' | 'stored' | 'sent' | 'failed'

/** Every email the site sends; the body holds one-time links, so only `outbox.view` may read it. */
export type EmailOutboxTable = {
  id: Generated<string>
  to_address: string
  subject: string
  text_body: string
  html_body: string | null
  purpose: string
  status: ColumnType<EmailStatus, EmailStatus | undefined, EmailStatus>
  error: string | null
  attempts: Generated<number>
  created_at: CreatedAt
  sent_at: NullableTimestamp
  last_attempt_at: NullableTimestamp
  /** The whole message (with its one-time link) sealed with the app's key; null once sent. */
  sealed_body: string | null
}

/** A sign-in waiting for its second step; used up when that succeeds. */
export type SignInChallengesTable = {
  id: Generated<string>
  user_id: string
  created_at: CreatedAt
  expires_at: Date
  used_at: NullableTimestamp
}

/** A new sign-in address waiting for its owner to open the link sent to it. */
export type EmailChangesTable = {
  id: Generated<string>
  user_id: string
  new_email: string
  token_hash: string
  created_at: CreatedAt
  expires_at: Date
  used_at: NullableTimestamp
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

/** The job queue (app/platform/jobs.server.ts); rows change only through its functions. */
export type JobsTable = {
  // bigint identity; both drivers read int8 as a number.
  id: ColumnType<number, never, never>
  name: string
  payload: ColumnType<unknown, string | undefined, string>
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>
  attempts: Generated<number>
  max_attempts: Generated<number>
  run_at: ColumnType<Date, Date | string | undefined, Date | string>
  locked_until: NullableTimestamp
  locked_by: string | null
  last_error: string | null
  idempotency_key: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
  finished_at: NullableTimestamp
}

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
  users: UsersTable
  password_credentials: PasswordCredentialsTable
  totp_credentials: TotpCredentialsTable
  recovery_codes: RecoveryCodesTable
  sessions: SessionsTable
  invitations: InvitationsTable
  password_resets: PasswordResetsTable
  roles: RolesTable
  role_inclusions: RoleInclusionsTable
  permissions: PermissionsTable
  role_permissions: RolePermissionsTable
  user_roles: UserRolesTable
  audit_log: AuditLogTable
  email_outbox: EmailOutboxTable
  jobs: JobsTable
  sign_in_challenges: SignInChallengesTable
  email_changes: EmailChangesTable
  member_status_changes: MemberStatusChangesTable
  event_series: EventSeriesTable
  event_series_exceptions: EventSeriesExceptionsTable
  rsvps: RsvpsTable
  absences: AbsencesTable
  attendance: AttendanceTable
  calendar_feeds: CalendarFeedsTable
  library_search_terms: LibrarySearchTermsTable
  library_search_postings: LibrarySearchPostingsTable
  part_files: PartFilesTable
  upload_batches: UploadBatchesTable
  upload_files: UploadFilesTable
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
export type PartFile = Selectable<PartFilesTable>
export type UploadBatch = Selectable<UploadBatchesTable>
export type UploadFile = Selectable<UploadFilesTable>
export type Venue = Selectable<VenuesTable>
export type Event = Selectable<EventsTable>
export type NewEvent = Insertable<EventsTable>
export type Page = Selectable<PagesTable>
export type Post = Selectable<PostsTable>
export type User = Selectable<UsersTable>
export type Session = Selectable<SessionsTable>
export type AuditLogRow = Selectable<AuditLogTable>
export type Job = Selectable<JobsTable>
export type NewJob = Insertable<JobsTable>

/** What query functions take: the database, or a transaction a service opened on it. */
export type Db = Kysely<Database> | Transaction<Database>

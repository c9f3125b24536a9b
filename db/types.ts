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
import type {
  AbsencesTable,
  AttendanceTable,
  CalendarFeedsTable,
  EventSeriesExceptionsTable,
  EventSeriesTable,
  EventsTable,
  InstrumentAliasesTable,
  InstrumentsTable,
  MemberInstrumentsTable,
  MemberStatusChangesTable,
  MembersTable,
  RsvpsTable,
  SectionsTable,
  SetListItemsTable,
  VenuesTable,
} from './band-types.ts'
export type * from './library-types.ts'
export type * from './band-types.ts'
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'

/**
 * The database as Kysely sees it. Keep in step with db/migrations: a column
 * added there is added here in the same change.
 */

export type CreatedAt = ColumnType<Date, Date | string | undefined, never>
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>
export type Timestamp = ColumnType<Date, Date | string, Date | string>
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
// numeric comes back from pg as a string to keep its precision.
export type Numeric = ColumnType<string, number | string, number | string>
type Json = ColumnType<unknown, string, string>

export type SettingsTable = {
  key: string
  value: Json
  updated_at: UpdatedAt
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

import { type Kysely, sql } from 'kysely'

/**
 * The members-and-events issue: fuller profiles (with sealed emergency
 * contacts and directory choices), dated status history, guests and
 * substitutes, recurring rehearsal series, RSVPs, absences, attendance and
 * secret calendar feeds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('members')
    .addColumn('preferred_name', 'text')
    .addColumn('pronouns', 'text')
    // 'member' plays all season; a guest or substitute plays for one event or until a date.
    .addColumn('kind', 'text', (col) =>
      col.notNull().defaultTo('member').check(sql`kind in ('member', 'guest', 'substitute')`),
    )
    .addColumn('engaged_event_id', 'uuid', (col) => col.references('events.id').onDelete('set null'))
    .addColumn('engaged_until', 'date')
    // AES-256-GCM with MEMBER_DATA_KEY (see docs/operations/member-data-key.md); null when none given.
    .addColumn('emergency_contacts_sealed', 'text')
    // What the member agreed to show in the portal directory.
    .addColumn('directory_listed', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('directory_show_email', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('directory_show_phone', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()

  // Each status a member has had, from the date it took effect; the latest is members.status.
  await db.schema
    .createTable('member_status_changes')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('member_id', 'uuid', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('active', 'inactive', 'on_leave', 'alumni')`),
    )
    .addColumn('effective_on', 'date', (col) => col.notNull())
    .addColumn('note', 'text')
    .addColumn('changed_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('member_status_changes_member_idx')
    .on('member_status_changes')
    .columns(['member_id', 'effective_on'])
    .execute()

  await db.schema.alterTable('venues').addColumn('map_url', 'text').execute()

  // "Every Tuesday 19:30–21:30 from September to June": wall-clock times in the
  // band's zone, so a daylight-saving change inside the series keeps 19:30.
  await db.schema
    .createTable('event_series')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('rehearsal', 'sectional', 'concert', 'other')`),
    )
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('weekday', 'integer', (col) => col.notNull().check(sql`weekday between 0 and 6`))
    .addColumn('start_time', 'text', (col) => col.notNull().check(sql`start_time ~ '^[0-2][0-9]:[0-5][0-9]$'`))
    .addColumn('end_time', 'text', (col) => col.notNull().check(sql`end_time ~ '^[0-2][0-9]:[0-5][0-9]$'`))
    .addColumn('call_minutes_before', 'integer', (col) => col.check(sql`call_minutes_before between 0 and 240`))
    .addColumn('starts_on', 'date', (col) => col.notNull())
    .addColumn('ends_on', 'date', (col) => col.notNull())
    .addColumn('venue_id', 'uuid', (col) => col.references('venues.id').onDelete('set null'))
    .addColumn('section_id', 'uuid', (col) => col.references('sections.id').onDelete('set null'))
    .addColumn('dress', 'text')
    .addColumn('description', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .addCheckConstraint('event_series_ends_after_start', sql`ends_on >= starts_on and ends_on <= starts_on + 400`)
    .execute()

  await db.schema
    .alterTable('events')
    .addColumn('rsvp_deadline', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('series_id', 'uuid', (col) => col.references('event_series.id').onDelete('set null'))
    // The series date this event stands for, in the band's zone (kept when a one-off change moves it).
    .addColumn('series_date', 'date')
    // True once someone changed this one date by hand: editing the series leaves it alone.
    .addColumn('series_detached', 'boolean', (col) => col.notNull().defaultTo(false))
    .execute()
  await db.schema
    .createIndex('events_series_date_key')
    .on('events')
    .unique()
    .columns(['series_id', 'series_date'])
    .where(sql.ref('series_id'), 'is not', null)
    .execute()

  // Dates a series skips (half term, the hall is booked).
  await db.schema
    .createTable('event_series_exceptions')
    .addColumn('series_id', 'uuid', (col) => col.notNull().references('event_series.id').onDelete('cascade'))
    .addColumn('on_date', 'date', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('event_series_exceptions_pkey', ['series_id', 'on_date'])
    .execute()

  // One answer per member and event: concurrent submissions upsert the same row.
  await db.schema
    .createTable('rsvps')
    .addColumn('event_id', 'uuid', (col) => col.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('answer', 'text', (col) => col.notNull().check(sql`answer in ('going', 'not_going', 'maybe')`))
    .addColumn('note', 'text', (col) => col.check(sql`char_length(note) <= 200`))
    .addColumn('answered_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // 'portal', 'link' (one-tap e-mail link), 'director' (answered on someone's behalf).
    .addColumn('answered_via', 'text', (col) => col.notNull().defaultTo('portal'))
    .addPrimaryKeyConstraint('rsvps_pkey', ['event_id', 'member_id'])
    .execute()
  await db.schema.createIndex('rsvps_member_idx').on('rsvps').column('member_id').execute()

  // Date ranges a member is away; they answer "not going" for events without an answer.
  await db.schema
    .createTable('absences')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('member_id', 'uuid', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('starts_on', 'date', (col) => col.notNull())
    .addColumn('ends_on', 'date', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.check(sql`char_length(reason) <= 200`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('absences_range', sql`ends_on >= starts_on and ends_on <= starts_on + 366`)
    .execute()
  await db.schema.createIndex('absences_member_idx').on('absences').columns(['member_id', 'starts_on']).execute()

  await db.schema
    .createTable('attendance')
    .addColumn('event_id', 'uuid', (col) => col.notNull().references('events.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (col) => col.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('present', 'late', 'excused', 'absent')`),
    )
    .addColumn('marked_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('marked_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('attendance_pkey', ['event_id', 'member_id'])
    .execute()
  await db.schema.createIndex('attendance_member_idx').on('attendance').column('member_id').execute()

  // A member's secret iCalendar address: looked up by hash, kept sealed so the
  // member can see it again; regenerating replaces it, revoking deletes it.
  await db.schema
    .createTable('calendar_feeds')
    .addColumn('member_id', 'uuid', (col) => col.primaryKey().references('members.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('token_sealed', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_fetched_at', 'timestamptz')
    .execute()

  // Librarians keep set lists with directors.
  await db.insertInto('permissions').values({ name: 'setlist.edit', description: 'Edit the set list of an event' }).execute()
  await db
    .insertInto('role_permissions')
    .values({ role_name: 'librarian', permission_name: 'setlist.edit' })
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('role_permissions').where('permission_name', '=', 'setlist.edit').execute()
  await db.deleteFrom('permissions').where('name', '=', 'setlist.edit').execute()
  await db.schema.dropTable('calendar_feeds').execute()
  await db.schema.dropTable('attendance').execute()
  await db.schema.dropTable('absences').execute()
  await db.schema.dropTable('rsvps').execute()
  await db.schema.dropTable('event_series_exceptions').execute()
  await db.schema.dropIndex('events_series_date_key').execute()
  await db.schema
    .alterTable('events')
    .dropColumn('series_detached')
    .dropColumn('series_date')
    .dropColumn('series_id')
    .dropColumn('cancel_reason')
    .dropColumn('rsvp_deadline')
    .execute()
  await db.schema.dropTable('event_series').execute()
  await db.schema.alterTable('venues').dropColumn('map_url').execute()
  await db.schema.dropTable('member_status_changes').execute()
  await db.schema
    .alterTable('members')
    .dropColumn('directory_show_phone')
    .dropColumn('directory_show_email')
    .dropColumn('directory_listed')
    .dropColumn('emergency_contacts_sealed')
    .dropColumn('engaged_until')
    .dropColumn('engaged_event_id')
    .dropColumn('kind')
    .dropColumn('pronouns')
    .dropColumn('preferred_name')
    .execute()
}

import { type Kysely, sql } from 'kysely'

/**
 * Accounts, credentials, sessions, invitations, password resets, and the
 * roles and permissions (as data, seeded here) that every route checks.
 * Secrets are stored hashed; password hashes and TOTP secrets live in their
 * own tables so a `select` on users can never return them by accident.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('active').check(sql`status in ('active', 'locked', 'disabled')`),
    )
    .addColumn('member_id', 'uuid', (col) => col.unique().references('members.id').onDelete('set null'))
    // Set by an admin ("force a password reset"): login is refused until a reset.
    .addColumn('must_reset_password', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('last_login_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('users_email_key').on('users').unique().expression(sql`lower(email)`).execute()

  await db.schema
    .createTable('password_credentials')
    .addColumn('user_id', 'uuid', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('hash', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  // The TOTP secret is encrypted with a key derived from SESSION_SECRET.
  await db.schema
    .createTable('totp_credentials')
    .addColumn('user_id', 'uuid', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret_encrypted', 'text', (col) => col.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    // The last accepted 30-second step: a code is never accepted twice.
    .addColumn('last_used_step', 'bigint')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('recovery_codes_user_idx').on('recovery_codes').column('user_id').execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // sha256 of the cookie's random token; the token itself is never stored.
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('idle_expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('absolute_expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute()
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute()

  for (const table of ['invitations', 'password_resets'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('token_hash', 'text', (col) => col.notNull().unique())
      .$call((builder) =>
        table === 'invitations'
          ? builder
              .addColumn('email', 'text', (col) => col.notNull())
              .addColumn('display_name', 'text', (col) => col.notNull())
              .addColumn('role_name', 'text', (col) => col.notNull())
              .addColumn('section_id', 'uuid', (col) => col.references('sections.id').onDelete('set null'))
              .addColumn('member_id', 'uuid', (col) => col.references('members.id').onDelete('set null'))
              .addColumn('invited_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
              .addColumn('accepted_user_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
          : builder.addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade')),
      )
      .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
      .addColumn('used_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .execute()
  }

  await db.schema
    .createTable('roles')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    // Higher ranks may manage lower ones; also the display order.
    .addColumn('rank', 'integer', (col) => col.notNull())
    .execute()

  // director ⊃ {section_leader, librarian}: a role holds the permissions of the roles it includes.
  await db.schema
    .createTable('role_inclusions')
    .addColumn('role_name', 'text', (col) => col.notNull().references('roles.name').onDelete('cascade'))
    .addColumn('included_role_name', 'text', (col) => col.notNull().references('roles.name').onDelete('cascade'))
    .addPrimaryKeyConstraint('role_inclusions_pkey', ['role_name', 'included_role_name'])
    .execute()

  await db.schema
    .createTable('permissions')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('description', 'text', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('role_permissions')
    .addColumn('role_name', 'text', (col) => col.notNull().references('roles.name').onDelete('cascade'))
    .addColumn('permission_name', 'text', (col) => col.notNull().references('permissions.name').onDelete('cascade'))
    .addPrimaryKeyConstraint('role_permissions_pkey', ['role_name', 'permission_name'])
    .execute()

  // section_id set: the grant holds for that section only (a section leader's).
  await db.schema
    .createTable('user_roles')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_name', 'text', (col) => col.notNull().references('roles.name').onDelete('restrict'))
    .addColumn('section_id', 'uuid', (col) => col.references('sections.id').onDelete('cascade'))
    .addColumn('granted_by', 'uuid', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('user_roles_grant_key', ['user_id', 'role_name', 'section_id'], (constraint) =>
      constraint.nullsNotDistinct(),
    )
    .execute()

  await db.insertInto('roles').values(roles).execute()
  await db.insertInto('role_inclusions').values(inclusions).execute()
  await db.insertInto('permissions').values(permissions.map(([name, description]) => ({ name, description }))).execute()
  await db
    .insertInto('role_permissions')
    .values(Object.entries(grants).flatMap(([role_name, names]) => names.map((permission_name) => ({ role_name, permission_name }))))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'user_roles',
    'role_permissions',
    'permissions',
    'role_inclusions',
    'roles',
    'password_resets',
    'invitations',
    'sessions',
    'recovery_codes',
    'totp_credentials',
    'password_credentials',
    'users',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}

// The data below is copied into the migration on purpose: a migration must
// keep meaning what it meant when it landed. Later changes come as new migrations.
const roles = [
  { name: 'super_admin', label: 'Super admin', rank: 60, description: 'Everything, including granting admin roles and signing everyone out.' },
  { name: 'admin', label: 'Admin', rank: 50, description: 'Members, accounts, roles, website, settings, audit log.' },
  { name: 'director', label: 'Director', rank: 40, description: 'Schedule, set lists, attendance, all members and all music.' },
  { name: 'section_leader', label: 'Section leader', rank: 20, description: 'Attendance and members of their own section.' },
  { name: 'librarian', label: 'Librarian', rank: 20, description: 'The music library: catalogue, parts, uploads.' },
  { name: 'musician', label: 'Musician', rank: 10, description: 'Own schedule, RSVPs, availability and parts.' },
]

const inclusions = [
  { role_name: 'super_admin', included_role_name: 'admin' },
  { role_name: 'admin', included_role_name: 'director' },
  { role_name: 'director', included_role_name: 'section_leader' },
  { role_name: 'director', included_role_name: 'librarian' },
  { role_name: 'section_leader', included_role_name: 'musician' },
  { role_name: 'librarian', included_role_name: 'musician' },
]

const permissions: [string, string][] = [
  ['music.view.assigned', 'See the parts of pieces on my upcoming events for my instruments, and parts assigned to me'],
  ['music.view.all', 'See the whole music library'],
  ['music.upload', 'Upload scores and parts'],
  ['music.edit', 'Edit the catalogue'],
  ['music.delete', 'Delete pieces and files (to the trash)'],
  ['event.view', 'See the schedule'],
  ['event.create', 'Schedule rehearsals and concerts'],
  ['event.edit', 'Change events and set lists'],
  ['rsvp.respond', 'Answer RSVPs for myself'],
  ['availability.edit.own', 'Enter my own dates away'],
  ['profile.edit.own', 'Edit my own profile'],
  ['directory.view', 'See the member directory'],
  ['attendance.mark', 'Mark attendance for everyone'],
  ['attendance.mark.section', 'Mark attendance for my section'],
  ['member.view.section', 'See the members of my section'],
  ['member.view.all', 'See all members'],
  ['member.edit', 'Edit member records'],
  ['announcement.create', 'Send announcements'],
  ['reports.view', 'See reports'],
  ['user.invite', 'Invite people to create an account'],
  ['user.manage', 'Lock, disable, sign out and force password resets'],
  ['role.assign', 'Give and take roles up to director'],
  ['role.assign.admin', 'Give and take admin and super admin roles'],
  ['session.revoke.all', 'Sign out everyone'],
  ['cms.edit', 'Edit website pages and news'],
  ['cms.publish', 'Publish website pages and news'],
  ['audit.view', 'Read the audit log'],
  ['settings.edit', 'Change band settings'],
  ['outbox.view', 'Read the email outbox'],
  ['health.view', 'See system health'],
  ['trash.manage', 'Restore or purge deleted items'],
]

// Each role's own permissions; it also holds those of the roles it includes.
const grants: Record<string, string[]> = {
  musician: ['music.view.assigned', 'event.view', 'rsvp.respond', 'availability.edit.own', 'profile.edit.own', 'directory.view'],
  section_leader: ['attendance.mark.section', 'member.view.section'],
  librarian: ['music.view.all', 'music.upload', 'music.edit', 'music.delete'],
  director: ['event.create', 'event.edit', 'attendance.mark', 'member.view.all', 'announcement.create', 'reports.view', 'user.invite'],
  admin: [
    'member.edit',
    'user.manage',
    'role.assign',
    'cms.edit',
    'cms.publish',
    'audit.view',
    'settings.edit',
    'outbox.view',
    'health.view',
    'trash.manage',
  ],
  super_admin: ['role.assign.admin', 'session.revoke.all'],
}

import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { sql } from 'kysely'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { Db, MemberKind, MemberStatus } from '#db/types.ts'

/**
 * One member's record (/admin/members/:memberId): profile, dated status
 * history, instruments with chairs, and their account. Every change is one
 * transaction with its audit row.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function getMemberRecord(db: Db, id: string) {
  if (!UUID.test(id)) return undefined
  const member = await db
    .selectFrom('members')
    .leftJoin('events', 'events.id', 'members.engaged_event_id')
    .select((eb) => [
      'members.id',
      'members.first_name as firstName',
      'members.last_name as lastName',
      'members.preferred_name as preferredName',
      'members.pronouns',
      'members.email',
      'members.phone',
      'members.status',
      'members.kind',
      'members.joined_on as joinedOn',
      'members.notes',
      'members.engaged_event_id as engagedEventId',
      'members.engaged_until as engagedUntil',
      'events.title as engagedEventTitle',
      'events.starts_at as engagedEventStartsAt',
      jsonArrayFrom(
        eb
          .selectFrom('member_instruments')
          .innerJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
          .leftJoin('sections', 'sections.id', 'instruments.section_id')
          .select([
            'instruments.id',
            'instruments.name',
            'sections.id as sectionId',
            'sections.name as section',
            'member_instruments.is_primary as primary',
            'member_instruments.chair',
          ])
          .whereRef('member_instruments.member_id', '=', 'members.id')
          .orderBy('member_instruments.is_primary', 'desc')
          .orderBy('instruments.sort_order'),
      ).as('instruments'),
      jsonArrayFrom(
        eb
          .selectFrom('member_status_changes')
          .leftJoin('users as changer', 'changer.id', 'member_status_changes.changed_by')
          .select([
            'member_status_changes.id',
            'member_status_changes.status',
            'member_status_changes.effective_on as effectiveOn',
            'member_status_changes.note',
            'changer.display_name as changedBy',
          ])
          .whereRef('member_status_changes.member_id', '=', 'members.id')
          .orderBy('member_status_changes.effective_on', 'desc')
          .orderBy('member_status_changes.created_at', 'desc'),
      ).as('statusHistory'),
    ])
    .where('members.id', '=', id)
    .where('members.deleted_at', 'is', null)
    .executeTakeFirst()
  if (!member) return undefined
  const account = await db
    .selectFrom('users')
    .select((eb) => [
      'users.id',
      'users.email',
      'users.display_name as displayName',
      'users.status',
      'users.last_login_at as lastLoginAt',
      jsonArrayFrom(
        eb
          .selectFrom('user_roles')
          .leftJoin('sections', 'sections.id', 'user_roles.section_id')
          .select(['user_roles.role_name as role', 'sections.name as section'])
          .whereRef('user_roles.user_id', '=', 'users.id'),
      ).as('roles'),
    ])
    .where('users.member_id', '=', id)
    .executeTakeFirst()
  const invitation = account
    ? undefined
    : await db
        .selectFrom('invitations')
        .select(['id', 'email', 'role_name as role', 'expires_at as expiresAt', 'created_at as sentAt'])
        .where('member_id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', new Date())
        .orderBy('created_at', 'desc')
        .executeTakeFirst()
  return { ...member, account: account ?? null, invitation: invitation ?? null }
}

export type MemberRecord = NonNullable<Awaited<ReturnType<typeof getMemberRecord>>>

/** The sections a member plays in: a section leader may see them if they lead one of these. */
export function sectionsOf(record: Pick<MemberRecord, 'instruments'>): string[] {
  return [...new Set(record.instruments.map((instrument) => instrument.sectionId).filter((id): id is string => id !== null))]
}

export type ProfileInput = {
  firstName: string
  lastName: string
  preferredName?: string
  pronouns?: string
  email?: string
  phone?: string
  joinedOn?: string
  notes?: string
  kind: MemberKind
  engagedEventId?: string
  engagedUntil?: string
}

function profileColumns(input: ProfileInput) {
  const guest = input.kind !== 'member'
  return {
    first_name: input.firstName,
    last_name: input.lastName,
    preferred_name: input.preferredName ?? null,
    pronouns: input.pronouns ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    joined_on: input.joinedOn ?? null,
    notes: input.notes ?? null,
    kind: input.kind,
    // A member plays all season: an engagement only means something for guests and substitutes.
    engaged_event_id: guest ? (input.engagedEventId ?? null) : null,
    engaged_until: guest ? (input.engagedUntil ?? null) : null,
  }
}

export type FieldRefusal = { ok: false; field: string; message: string }
export type Outcome<T = undefined> = { ok: true; value: T } | FieldRefusal

async function profileProblem(db: Db, input: ProfileInput, memberId: string | null): Promise<FieldRefusal | null> {
  if (input.email) {
    let query = db.selectFrom('members').select('id').where(sql<string>`lower(email)`, '=', input.email.toLowerCase()).where('deleted_at', 'is', null)
    if (memberId) query = query.where('id', '!=', memberId)
    if (await query.executeTakeFirst()) return { ok: false, field: 'email', message: 'Another member has this email address' }
  }
  if (input.kind !== 'member' && input.engagedEventId) {
    const event = await db.selectFrom('events').select('id').where('id', '=', input.engagedEventId).where('deleted_at', 'is', null).executeTakeFirst()
    if (!event) return { ok: false, field: 'engagedEventId', message: 'Choose an event from the list' }
  }
  return null
}

/** Two admins saving the same e-mail at once: the unique index answers, the form says why. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code?: unknown }).code === '23505'
}

export async function createMember(
  db: Db,
  input: ProfileInput & { status: MemberStatus; instrumentId?: string; chair?: number; today: string; changedBy: string },
  audit: AuditContext,
): Promise<Outcome<string>> {
  const problem = await profileProblem(db, input, null)
  if (problem) return problem
  if (input.instrumentId) {
    const instrument = await db.selectFrom('instruments').select('id').where('id', '=', input.instrumentId).executeTakeFirst()
    if (!instrument) return { ok: false, field: 'instrumentId', message: 'Choose an instrument from the list' }
  }
  try {
    const id = await db.transaction().execute(async (trx) => {
      const columns = { ...profileColumns(input), status: input.status }
      const row = await trx.insertInto('members').values(columns).returning('id').executeTakeFirstOrThrow()
      await trx
        .insertInto('member_status_changes')
        .values({ member_id: row.id, status: input.status, effective_on: input.joinedOn ?? input.today, note: 'Added to the roster', changed_by: input.changedBy })
        .execute()
      if (input.instrumentId) {
        await trx.insertInto('member_instruments').values({ member_id: row.id, instrument_id: input.instrumentId, is_primary: true, chair: input.chair ?? null }).execute()
      }
      await recordAudit(trx, audit, {
        action: 'member.create',
        entity: ['member', row.id],
        after: { ...columns, instrument_id: input.instrumentId ?? null, chair: input.chair ?? null },
      })
      return row.id
    })
    return { ok: true, value: id }
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, field: 'email', message: 'Another member has this email address' }
    throw error
  }
}

export async function updateProfile(db: Db, memberId: string, input: ProfileInput, audit: AuditContext): Promise<Outcome> {
  const problem = await profileProblem(db, input, memberId)
  if (problem) return problem
  try {
    await db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('members')
        .select(['first_name', 'last_name', 'preferred_name', 'pronouns', 'email', 'phone', 'joined_on', 'notes', 'kind', 'engaged_event_id', 'engaged_until'])
        .where('id', '=', memberId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      const after = profileColumns(input)
      await trx.updateTable('members').set({ ...after, updated_at: new Date() }).where('id', '=', memberId).execute()
      await recordAudit(trx, audit, { action: 'member.update', entity: ['member', memberId], before, after })
    })
    return { ok: true, value: undefined }
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, field: 'email', message: 'Another member has this email address' }
    throw error
  }
}

/**
 * A status change from a date, with a note: a history row, and members.status
 * follows the latest change that has taken effect (a future-dated one waits).
 */
export async function changeStatus(
  db: Db,
  memberId: string,
  input: { status: MemberStatus; effectiveOn: string; note?: string; today: string; changedBy: string },
  audit: AuditContext,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('members').select('status').where('id', '=', memberId).forUpdate().executeTakeFirstOrThrow()
    await trx
      .insertInto('member_status_changes')
      .values({ member_id: memberId, status: input.status, effective_on: input.effectiveOn, note: input.note ?? null, changed_by: input.changedBy })
      .execute()
    const current = await trx
      .selectFrom('member_status_changes')
      .select('status')
      .where('member_id', '=', memberId)
      .where('effective_on', '<=', input.today)
      .orderBy('effective_on', 'desc')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    const status = current?.status ?? before.status
    await trx.updateTable('members').set({ status, updated_at: new Date() }).where('id', '=', memberId).execute()
    await recordAudit(trx, audit, {
      action: 'member.status',
      entity: ['member', memberId],
      before: { status: before.status },
      after: { status },
      details: { recorded: input.status, effectiveOn: input.effectiveOn, note: input.note ?? null },
    })
  })
}

type InstrumentChange =
  | { kind: 'add' | 'update'; instrumentId: string; chair?: number; primary: boolean }
  | { kind: 'remove'; instrumentId: string }

/** Adds, changes (chair, primary) or removes one instrument; one primary at most, kept by the database too. */
export async function changeInstrument(db: Db, memberId: string, change: InstrumentChange, audit: AuditContext): Promise<Outcome> {
  const instrument = await db.selectFrom('instruments').select(['id', 'name']).where('id', '=', change.instrumentId).executeTakeFirst()
  if (!instrument) return { ok: false, field: 'instrumentId', message: 'Choose an instrument from the list' }
  return db.transaction().execute(async (trx): Promise<Outcome> => {
    // Serialises changes to one member's instruments, so two "make primary" at once cannot both win.
    await trx.selectFrom('members').select('id').where('id', '=', memberId).forUpdate().executeTakeFirstOrThrow()
    const existing = await trx
      .selectFrom('member_instruments')
      .select(['is_primary', 'chair'])
      .where('member_id', '=', memberId)
      .where('instrument_id', '=', instrument.id)
      .executeTakeFirst()
    if (change.kind === 'add' && existing) return { ok: false, field: 'instrumentId', message: `They already play ${instrument.name}` }
    if (change.kind !== 'add' && !existing) return { ok: false, field: 'instrumentId', message: `They do not play ${instrument.name}` }
    if (change.kind === 'remove') {
      await trx.deleteFrom('member_instruments').where('member_id', '=', memberId).where('instrument_id', '=', instrument.id).execute()
    } else {
      if (change.primary) {
        await trx.updateTable('member_instruments').set({ is_primary: false }).where('member_id', '=', memberId).where('instrument_id', '!=', instrument.id).execute()
      }
      const values = { is_primary: change.primary, chair: change.chair ?? null }
      if (existing) {
        await trx.updateTable('member_instruments').set(values).where('member_id', '=', memberId).where('instrument_id', '=', instrument.id).execute()
      } else {
        await trx.insertInto('member_instruments').values({ member_id: memberId, instrument_id: instrument.id, ...values }).execute()
      }
    }
    await recordAudit(trx, audit, {
      action: 'member.instruments',
      entity: ['member', memberId],
      before: existing ? { instrument: instrument.name, primary: existing.is_primary, chair: existing.chair } : null,
      after: change.kind === 'remove' ? null : { instrument: instrument.name, primary: change.primary, chair: change.chair ?? null },
      details: { change: change.kind },
    })
    return { ok: true, value: undefined }
  })
}

/** Pickers of the member pages. */
export function listInstruments(db: Db) {
  return db
    .selectFrom('instruments')
    .leftJoin('sections', 'sections.id', 'instruments.section_id')
    .select(['instruments.id', 'instruments.name', 'sections.name as section', 'instruments.section_id as sectionId'])
    .orderBy('instruments.sort_order')
    .execute()
}

/** Events a guest or substitute may be engaged for: from a month ago on, and the one they have now. */
export function listEngageableEvents(db: Db, now: Date, current: string | null) {
  const since = new Date(now.getTime() - 31 * 24 * 60 * 60 * 1000)
  return db
    .selectFrom('events')
    .select(['id', 'title', 'starts_at as startsAt'])
    .where('deleted_at', 'is', null)
    .where((eb) => (current ? eb.or([eb('starts_at', '>=', since), eb('id', '=', current)]) : eb('starts_at', '>=', since)))
    .orderBy('starts_at')
    .limit(200)
    .execute()
}

/** Today's date in the band's zone, as 'YYYY-MM-DD'. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

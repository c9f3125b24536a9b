import { type Expression, sql } from 'kysely'
import type { Db, MemberKind, MemberStatus } from '#db/types.ts'
import type { RosterSort } from './schema.ts'

/**
 * The band's roster (/admin/members): every member, with or without an
 * account, filtered, sorted and paged by keyset. A member belongs to the
 * sections of every instrument they play; the row shows their primary one.
 */

export type RosterFilters = {
  q?: string
  section?: string
  instrument?: string
  status?: MemberStatus
  kind?: MemberKind
  /** The sections the viewer may see ('all', or a section leader's own). */
  visible: 'all' | string[]
}

export type AccountState = 'none' | 'invited' | 'active' | 'disabled' | 'locked'

type Key = { expr: string; cast: 'text' | 'int' | 'date' | 'uuid' }

// Each sort is a tuple of keys ending in the id, so it is total and a cursor is exact.
const SORT_KEYS: Record<RosterSort, Key[]> = {
  name: [
    { expr: 'lower(members.last_name)', cast: 'text' },
    { expr: 'lower(members.first_name)', cast: 'text' },
    { expr: 'members.id', cast: 'uuid' },
  ],
  section: [
    { expr: 'coalesce(sections.sort_order, 9999)', cast: 'int' },
    { expr: 'coalesce(instruments.sort_order, 9999)', cast: 'int' },
    { expr: 'coalesce(member_instruments.chair, 99)', cast: 'int' },
    { expr: 'lower(members.last_name)', cast: 'text' },
    { expr: 'members.id', cast: 'uuid' },
  ],
  joined: [
    { expr: "coalesce(members.joined_on, date '9999-12-31')", cast: 'date' },
    { expr: 'lower(members.last_name)', cast: 'text' },
    { expr: 'lower(members.first_name)', cast: 'text' },
    { expr: 'members.id', cast: 'uuid' },
  ],
}

export type RosterCursor = (string | number)[]

const CHECKS: Record<Key['cast'], (value: unknown) => boolean> = {
  text: (value) => typeof value === 'string',
  int: (value) => Number.isInteger(value),
  date: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
  uuid: (value) => typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
}

export function encodeCursor(values: RosterCursor): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** A cursor from the address bar, or undefined when it does not fit the sort (a tampered or stale link: first page). */
export function decodeCursor(sort: RosterSort, text: string | undefined): RosterCursor | undefined {
  if (!text) return undefined
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  const keys = SORT_KEYS[sort]
  if (!Array.isArray(values) || values.length !== keys.length) return undefined
  return keys.every((key, index) => CHECKS[key.cast](values[index])) ? (values as RosterCursor) : undefined
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`)
}

/** Members (not deleted) with their primary instrument, section and account, narrowed by the filters. */
function rosterBase(db: Db, filters: RosterFilters) {
  let query = db
    .selectFrom('members')
    .leftJoin('member_instruments', (join) =>
      join.onRef('member_instruments.member_id', '=', 'members.id').on('member_instruments.is_primary', '=', true),
    )
    .leftJoin('instruments', 'instruments.id', 'member_instruments.instrument_id')
    .leftJoin('sections', 'sections.id', 'instruments.section_id')
    .leftJoin('users', 'users.member_id', 'members.id')
    .where('members.deleted_at', 'is', null)
  const { q, section, instrument, status, kind, visible } = filters
  if (q) {
    const pattern = `%${escapeLike(q)}%`
    query = query.where((eb) =>
      eb.or([
        eb('members.first_name', 'ilike', pattern),
        eb('members.last_name', 'ilike', pattern),
        eb('members.preferred_name', 'ilike', pattern),
        eb(sql<string>`members.first_name || ' ' || members.last_name`, 'ilike', pattern),
        eb(sql<string>`coalesce(members.preferred_name, '') || ' ' || members.last_name`, 'ilike', pattern),
      ]),
    )
  }
  if (status) query = query.where('members.status', '=', status)
  if (kind) query = query.where('members.kind', '=', kind)
  if (instrument) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('member_instruments as plays')
          .select(sql`1`.as('one'))
          .whereRef('plays.member_id', '=', 'members.id')
          .where('plays.instrument_id', '=', instrument),
      ),
    )
  }
  const sectionFilter = (ids: string[]) =>
    query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('member_instruments as plays')
          .innerJoin('instruments as played', 'played.id', 'plays.instrument_id')
          .select(sql`1`.as('one'))
          .whereRef('plays.member_id', '=', 'members.id')
          .where('played.section_id', 'in', ids),
      ),
    )
  if (section) query = sectionFilter([section])
  if (visible !== 'all') query = visible.length ? sectionFilter(visible) : query.where(sql<boolean>`false`)
  return query
}

const accountState = sql<AccountState>`case
  when users.id is not null then (case users.status when 'active' then 'active' when 'locked' then 'locked' else 'disabled' end)
  when exists (select 1 from invitations where invitations.member_id = members.id and invitations.used_at is null and invitations.expires_at > now()) then 'invited'
  else 'none' end`

type Base = ReturnType<typeof rosterBase>

function withRowColumns(query: Base) {
  return query.select([
    'members.id',
    'members.first_name as firstName',
    'members.last_name as lastName',
    'members.preferred_name as preferredName',
    'members.email',
    'members.phone',
    'members.status',
    'members.kind',
    'members.joined_on as joinedOn',
    'member_instruments.chair',
    'instruments.name as instrument',
    'sections.name as section',
    accountState.as('account'),
  ])
}

function tuple(keys: Key[]): Expression<unknown> {
  return sql`(${sql.join(keys.map((key) => sql.raw(key.expr)))})`
}

function cursorTuple(keys: Key[], values: RosterCursor): Expression<unknown> {
  return sql`(${sql.join(keys.map((key, index) => sql`${values[index]}::${sql.raw(key.cast === 'int' ? 'integer' : key.cast)}`))})`
}

/** One page of the roster. `after` pages forward from a row, `before` back from one. */
export async function listRoster(
  db: Db,
  filters: RosterFilters,
  options: { sort: RosterSort; after?: RosterCursor; before?: RosterCursor; limit: number },
) {
  const keys = SORT_KEYS[options.sort]
  const backwards = !options.after && Boolean(options.before)
  const cursor = options.after ?? options.before
  let query = withRowColumns(rosterBase(db, filters)).select(sql<RosterCursor>`json_build_array(${sql.join(keys.map((key) => sql.raw(key.expr)))})`.as('sortKey'))
  if (cursor) query = query.where(sql<boolean>`${tuple(keys)} ${sql.raw(backwards ? '<' : '>')} ${cursorTuple(keys, cursor)}`)
  for (const key of keys) query = query.orderBy(sql.raw(key.expr), backwards ? 'desc' : 'asc')
  const fetched = await query.limit(options.limit + 1).execute()
  const more = fetched.length > options.limit
  const rows = fetched.slice(0, options.limit)
  if (backwards) rows.reverse()
  const first = rows[0]
  const last = rows.at(-1)
  return {
    rows: rows.map(({ sortKey: _key, ...row }) => row),
    next: last && (backwards || more) ? encodeCursor(last.sortKey) : null,
    previous: first && (backwards ? more : Boolean(cursor)) ? encodeCursor(first.sortKey) : null,
  }
}

/** How many members match, by status (the status filter itself left out, so the counts say where the others are). */
export async function countRoster(db: Db, filters: RosterFilters): Promise<Record<MemberStatus, number>> {
  const rows = await rosterBase(db, { ...filters, status: undefined })
    .select(['members.status', sql<number>`count(distinct members.id)::int`.as('count')])
    .groupBy('members.status')
    .execute()
  const counts: Record<MemberStatus, number> = { active: 0, on_leave: 0, inactive: 0, alumni: 0 }
  for (const row of rows) counts[row.status] = row.count
  return counts
}

/** Every matching member, in the chosen order, for the CSV export. */
export async function rosterForExport(db: Db, filters: RosterFilters, sort: RosterSort) {
  let query = withRowColumns(rosterBase(db, filters))
  for (const key of SORT_KEYS[sort]) query = query.orderBy(sql.raw(key.expr))
  return query.execute()
}

export type RosterRow = Awaited<ReturnType<typeof rosterForExport>>[number]

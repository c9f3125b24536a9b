import { sql } from 'kysely'
import { recordAudit, type AuditContext } from '#app/modules/audit/audit.server.ts'
import type { Db } from '#db/types.ts'
import { checkImport, type ImportCheck, type ImportLookups, type ImportRow } from './csv-import.ts'

/** The band as the importer needs it: sections, instruments with their aliases, members by e-mail. */
export async function importLookups(db: Db): Promise<ImportLookups> {
  const [sections, instruments, aliases, members] = await Promise.all([
    db.selectFrom('sections').select(['id', 'name', 'slug']).orderBy('sort_order').execute(),
    db.selectFrom('instruments').select(['id', 'name', 'section_id as sectionId']).orderBy('sort_order').execute(),
    db.selectFrom('instrument_aliases').select(['instrument_id', 'alias']).execute(),
    db
      .selectFrom('members')
      .select(['id', 'status', sql<string>`lower(email)`.as('email'), sql<string>`first_name || ' ' || last_name`.as('name')])
      .where('deleted_at', 'is', null)
      .where('email', 'is not', null)
      .execute(),
  ])
  return {
    sections,
    instruments: instruments.map((instrument) => ({
      ...instrument,
      aliases: aliases.filter((alias) => alias.instrument_id === instrument.id).map((alias) => alias.alias),
    })),
    members: new Map(members.map((member) => [member.email, { id: member.id, status: member.status, name: member.name }])),
  }
}

export async function previewImport(db: Db, text: string): Promise<ImportCheck> {
  return checkImport(text, await importLookups(db))
}

export type CommitOutcome =
  | { ok: true; created: number; updated: number }
  /** Nothing was saved: the file has errors now, or the roster changed since the preview. */
  | { ok: false; check: ImportCheck; message: string }

const BATCH = 500

function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = []
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size))
  return out
}

/**
 * Saves every row or none: the file is checked again inside the transaction
 * (the preview's answer may be stale, and the form's copy of the file is
 * whatever the browser sent), and any failure rolls the whole import back.
 */
export async function commitImport(
  db: Db,
  input: { text: string; expected: number; fileName: string | null; today: string; changedBy: string },
  audit: AuditContext,
): Promise<CommitOutcome> {
  return db.transaction().execute(async (trx): Promise<CommitOutcome> => {
    // One import at a time: two at once could both create the same e-mail.
    await sql`select pg_advisory_xact_lock(${7_172_853_914_777}::bigint)`.execute(trx)
    const check = checkImport(input.text, await importLookups(trx))
    if (check.fileErrors.length || check.rowErrors.length) return { ok: false, check, message: 'The file has errors: nothing was imported. Fix them and upload it again.' }
    if (check.rows.length !== input.expected) {
      return { ok: false, check, message: 'The roster changed since the preview: nothing was imported. Check the preview again and import.' }
    }
    const creates = check.rows.filter((row) => row.action === 'create')
    const updates = check.rows.filter((row) => row.action === 'update')
    await createMembers(trx, creates, input)
    for (const row of updates) await updateMember(trx, row, input)
    await recordAudit(trx, audit, {
      action: 'member.import',
      entity: ['member', null],
      details: { file: input.fileName, rows: check.rows.length, created: creates.length, updated: updates.length },
    })
    return { ok: true, created: creates.length, updated: updates.length }
  })
}

type Context = { today: string; changedBy: string }

async function createMembers(trx: Db, rows: ImportRow[], context: Context) {
  for (const batch of chunks(rows)) {
    const inserted = await trx
      .insertInto('members')
      .values(
        batch.map((row) => ({
          first_name: row.firstName,
          last_name: row.lastName,
          email: row.email,
          phone: row.phone ?? null,
          status: row.status ?? 'active',
          joined_on: row.joinedOn ?? null,
        })),
      )
      .returning(['id', sql<string>`lower(email)`.as('email')])
      .execute()
    const idOf = new Map(inserted.map((member) => [member.email, member.id]))
    const withId = batch.map((row) => ({ row, id: idOf.get(row.email.toLowerCase()) ?? '' }))
    await trx
      .insertInto('member_status_changes')
      .values(withId.map(({ row, id }) => ({ member_id: id, status: row.status ?? 'active', effective_on: row.joinedOn ?? context.today, note: 'Imported from CSV', changed_by: context.changedBy })))
      .execute()
    const plays = withId.filter(({ row }) => row.instrumentId)
    if (plays.length) {
      await trx
        .insertInto('member_instruments')
        .values(plays.map(({ row, id }) => ({ member_id: id, instrument_id: row.instrumentId ?? '', is_primary: true, chair: row.chair ?? null })))
        .execute()
    }
  }
}

/** An existing member: what the row gives replaces what they have; empty cells leave it. */
async function updateMember(trx: Db, row: ImportRow, context: Context) {
  const id = row.memberId ?? ''
  await trx
    .updateTable('members')
    .set({
      first_name: row.firstName,
      last_name: row.lastName,
      ...(row.phone ? { phone: row.phone } : {}),
      ...(row.joinedOn ? { joined_on: row.joinedOn } : {}),
      ...(row.status ? { status: row.status } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute()
  if (row.status && row.status !== row.currentStatus) {
    await trx
      .insertInto('member_status_changes')
      .values({ member_id: id, status: row.status, effective_on: context.today, note: 'Imported from CSV', changed_by: context.changedBy })
      .execute()
  }
  if (row.instrumentId) {
    // The row's instrument becomes the primary one; what they played before stays, as a second instrument.
    await trx.updateTable('member_instruments').set({ is_primary: false }).where('member_id', '=', id).where('instrument_id', '!=', row.instrumentId).execute()
    await trx
      .insertInto('member_instruments')
      .values({ member_id: id, instrument_id: row.instrumentId, is_primary: true, chair: row.chair ?? null })
      .onConflict((conflict) =>
        conflict.columns(['member_id', 'instrument_id']).doUpdateSet(row.chair === undefined ? { is_primary: true } : { is_primary: true, chair: row.chair }),
      )
      .execute()
  }
}

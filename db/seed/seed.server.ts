import { type Insertable, type Kysely, sql, type Transaction } from 'kysely'
import type { Database } from '#db/types.ts'
import { recordAudit, systemContext } from '#app/modules/audit/audit.server.ts'
import { sealEmergencyContacts } from '#app/modules/members/emergency-contacts.server.ts'
import { enqueueJob } from '#app/platform/jobs.server.ts'
import type { DataKeyRing } from '#app/platform/secret-box.server.ts'
import type { Storage } from '#app/platform/storage.server.ts'
import { addDemoAccounts } from './demo-accounts.server.ts'
import { buildDemoBand, DEMO_BAND_TABLES, type DemoBand } from './demo-band.ts'
import { DEMO_FILES_JOB, writeDemoPartFiles } from './demo-files.server.ts'
import { buildEmergencyContacts } from './responses.ts'

/** Rows written, table by table. */
export type SeedSummary = { [Table in (typeof DEMO_BAND_TABLES)[number]]: number } & { demo_accounts: number; part_files: number }

// Postgres allows 65,535 parameters per statement; 500 rows of the widest
// table (pieces, 14 columns) stay far below that.
const ROWS_PER_STATEMENT = 500

/** True when the band has no sections, no members and no pieces yet. */
export async function isDatabaseEmpty(db: Kysely<Database> | Transaction<Database>): Promise<boolean> {
  const { rows } = await sql<{ has_data: boolean }>`
    select exists (select 1 from sections)
        or exists (select 1 from members)
        or exists (select 1 from pieces) as has_data
  `.execute(db)
  return rows[0]?.has_data === false
}

export class DemoSeedRefusedError extends Error {
  override name = 'DemoSeedRefusedError'
}

/**
 * Adds the Riverside demo band in one transaction: all of it or none of it.
 * Refuses a database that already holds sections, members or pieces, so it
 * can never mix demo rows into a real band's data. With `storage`, the parts
 * of pieces on upcoming set lists get their PDF at once; the job queued here
 * writes the rest (db/seed/demo-files.server.ts).
 */
export async function seedDemoBand(
  db: Kysely<Database>,
  /** With `memberDataKeys`, most players get emergency contacts sealed with them. */
  options: { today?: Date; demoPassword?: string; chainKey: string; memberDataKeys?: DataKeyRing; storage?: Storage },
): Promise<SeedSummary> {
  const today = options.today ?? new Date()
  const band = buildDemoBand({ today })
  const summary = await db.transaction().execute(async (trx) => {
    if (!(await isDatabaseEmpty(trx))) {
      throw new DemoSeedRefusedError(
        'The database already holds band data (sections, members or pieces); the demo band is only added to an empty database.',
      )
    }
    const summary = {} as SeedSummary
    for (const table of DEMO_BAND_TABLES) {
      summary[table] = await insertInBatches(trx, table, band[table])
    }
    const { memberDataKeys } = options
    if (memberDataKeys) {
      for (const { memberId, contacts } of buildEmergencyContacts(band.members)) {
        await trx
          .updateTable('members')
          .set({ emergency_contacts_sealed: sealEmergencyContacts(contacts, memberDataKeys, memberId) })
          .where('id', '=', memberId)
          .execute()
      }
    }
    summary.demo_accounts = await addDemoAccounts(trx, options.demoPassword ?? 'band-demo-2026')
    summary.part_files = options.storage
      ? (await writeDemoPartFiles(trx, options.storage, { partIds: partsOnUpcomingSetLists(band, today) })).written
      : 0
    await enqueueJob(trx, { name: DEMO_FILES_JOB })
    await recordAudit(trx, systemContext('Demo seed', options.chainKey), {
      action: 'system.demo_band_added',
      entity: ['band', null],
      details: { ...summary },
    })
    return summary
  })
  // Statistics for the rows just added: until autovacuum gets to them (never, on PGlite) the planner takes the
  // tables for empty, and the event page's parts query walked every part of the library (15 ms instead of 2).
  await sql`analyze`.execute(db)
  return summary
}

/** The parts players open first: those of pieces on the set lists of events still to come. */
function partsOnUpcomingSetLists(band: DemoBand, today: Date): string[] {
  const upcoming = new Set(
    band.events.filter((event) => event.status !== 'cancelled' && new Date(event.ends_at) >= today).map((event) => event.id),
  )
  const pieces = new Set(band.set_list_items.filter((item) => upcoming.has(item.event_id)).map((item) => item.piece_id))
  return band.parts.filter((part) => pieces.has(part.piece_id) && part.id).map((part) => part.id as string)
}

async function insertInBatches<Table extends keyof Database>(
  trx: Transaction<Database>,
  table: Table,
  rows: Insertable<Database[Table]>[],
): Promise<number> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await trx
      .insertInto(table)
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
      .execute()
  }
  return rows.length
}

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.server.ts'
import type { Database } from '#db/types.ts'
import { CommandError, runCommand } from '#server/cli.ts'
import { createTestDatabase } from '#tests/setup/database.ts'
import { recordAudit, systemContext } from '#app/modules/audit/audit.server.ts'

/**
 * `npm run audit:verify` end to end: the command opens the database the way
 * the others do (DATABASE_URL, or PGlite in DATA_DIR/pg) and exits 1 through
 * a CommandError when the chain is broken.
 */

type Target = {
  env: NodeJS.ProcessEnv
  /** Runs `work` on the command's database while the command is not running. */
  withDb<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>
  cleanUp(): Promise<void>
}

// The command reads the key from AUDIT_KEY, as a deployment would.
const AUDIT_KEY = 'audit-verify-command-test-key-0123456789ab'

async function prepareTarget(): Promise<Target> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'band-audit-verify-'))
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase()
    return {
      env: { DATABASE_URL: database.url, PUBLIC_URL: 'https://band.example.org', SESSION_SECRET: 'audit-verify-test-secret-0123456789abcdef', DATA_DIR: dataDir, AUDIT_KEY },
      withDb: (work) => work(database.db),
      async cleanUp() {
        await database.drop()
        await rm(dataDir, { recursive: true, force: true })
      },
    }
  }
  // The embedded database allows one process at a time, so it is opened only
  // between runs of the command.
  const directory = path.join(dataDir, 'pg')
  const withDb = async <T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> => {
    const handle: DatabaseHandle = await openDatabase({ kind: 'pglite', directory })
    try {
      return await work(handle.db)
    } finally {
      await handle.close()
    }
  }
  await withDb((db) => migrateToLatest(db))
  return {
    env: { DATA_DIR: dataDir, AUDIT_KEY },
    withDb,
    cleanUp: () => rm(dataDir, { recursive: true, force: true }),
  }
}

let target: Target
beforeAll(async () => {
  target = await prepareTarget()
})
afterAll(() => target.cleanUp())

describe(`audit:verify on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('says the chain is intact and counts the rows', async () => {
    expect(await runCommand(['audit:verify'], target.env)).toBe('Audit chain intact: 0 rows')

    await target.withDb(async (db) => {
      for (let index = 0; index < 5; index++) {
        await recordAudit(db, systemContext('System', AUDIT_KEY), { action: 'test.command', entity: ['test', String(index)], after: { index } })
      }
    })
    expect(await runCommand(['audit:verify'], target.env)).toBe('Audit chain intact: 5 rows')
  })

  it('fails with the first broken row when a row was edited', async () => {
    const brokenId = await target.withDb(async (db) => {
      const row = await db
        .selectFrom('audit_log')
        .select('id')
        .orderBy('id')
        .offset(2)
        .limit(1)
        .executeTakeFirstOrThrow()
      await db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_no_update_or_delete`.execute(trx)
        await sql`update audit_log set actor_name = 'Somebody else' where id = ${row.id}`.execute(trx)
        await sql`alter table audit_log enable trigger audit_log_no_update_or_delete`.execute(trx)
      })
      return row.id
    })

    const run = runCommand(['audit:verify'], target.env)
    await expect(run).rejects.toBeInstanceOf(CommandError)
    await expect(run).rejects.toThrow(
      `Audit chain broken at row ${brokenId}: content does not match its hash (changed after it was written, or another audit key)`,
    )
  })

  it('is listed when the command is unknown', async () => {
    await expect(runCommand(['audit:check'], target.env)).rejects.toThrow(/audit:verify/)
  })
})

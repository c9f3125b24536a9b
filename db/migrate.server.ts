import type { Kysely } from 'kysely'
import type { Database } from './types.ts'
import { Migrator, NO_MIGRATIONS } from 'kysely/migration'
import { migrations } from './migrations/index.ts'

export type MigrationOutcome = { applied: string[]; pending: string[] }

function migrator(db: Kysely<Database>) {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

/**
 * Brings the schema to the newest migration. Kysely takes a lock in the
 * database, so two app instances starting at once do not both migrate.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  const { error, results = [] } = await migrator(db).migrateToLatest()
  if (error) throw new MigrationError(results.find((r) => r.status === 'Error')?.migrationName, error)
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName), pending: [] }
}

/** Reverts the newest migration, or every migration with `to: 'nothing'`. */
export async function migrateDown(db: Kysely<Database>, to: 'previous' | 'nothing' = 'previous'): Promise<string[]> {
  const runner = migrator(db)
  const { error, results = [] } = to === 'nothing' ? await runner.migrateTo(NO_MIGRATIONS) : await runner.migrateDown()
  if (error) throw new MigrationError(results.find((r) => r.status === 'Error')?.migrationName, error)
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

export async function migrationStatus(db: Kysely<Database>): Promise<MigrationOutcome> {
  const all = await migrator(db).getMigrations()
  return {
    applied: all.filter((m) => m.executedAt).map((m) => m.name),
    pending: all.filter((m) => !m.executedAt).map((m) => m.name),
  }
}

export class MigrationError extends Error {
  constructor(migrationName: string | undefined, cause: unknown) {
    super(`Migration ${migrationName ?? '(unknown)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    })
    this.name = 'MigrationError'
  }
}

import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type DatabaseHandle, openDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.server.ts'

/**
 * A fresh, migrated database for one test file: a new PostgreSQL database
 * when DATABASE_URL is set (dropped again by `drop()`), an in-memory PGlite
 * otherwise. Test files never share one, so they can run in parallel.
 *
 *   const database = await createTestDatabase()
 *   afterAll(() => database.drop())
 */
export type TestDatabase = DatabaseHandle & { url: string | undefined; drop(): Promise<void> }

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL
  let handle: DatabaseHandle
  let url: string | undefined
  let dropDatabase = async () => {}

  if (adminUrl) {
    const name = `band_test_${process.pid}_${randomBytes(4).toString('hex')}`
    await withAdminClient(adminUrl, (client) => client.query(`create database ${name}`))
    const target = new URL(adminUrl)
    target.pathname = `/${name}`
    url = target.toString()
    handle = await openDatabase({ kind: 'postgres', url, poolMax: 4 })
    dropDatabase = async () => {
      await withAdminClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`))
    }
  } else {
    handle = await openDatabase({ kind: 'pglite', directory: undefined })
  }

  if (options.migrate !== false) await migrateToLatest(handle.db)

  return {
    ...handle,
    url,
    async drop() {
      await handle.close()
      await dropDatabase()
    },
  }
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

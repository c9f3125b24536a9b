import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureAuditPartitions, recordAudit, systemContext, verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { loadConfig } from '#app/platform/config.server.ts'
import { createLogger } from '#app/platform/logger.server.ts'
import { createRuntime, type Runtime } from '#app/platform/runtime.server.ts'

// Finding 8: on PostgreSQL the app's runtime role may only append to and read
// the audit log; the owner role runs the migrations. PostgreSQL only: PGlite
// is one user in one process (docs/security/asvs-level-2.md says what the
// embedded default cannot promise).

const adminUrl = process.env.DATABASE_URL
const suffix = randomBytes(4).toString('hex')
const owner = `band_owner_${suffix}`
const app = `band_app_${suffix}`
const databaseName = `band_roles_${suffix}`
const dataDir = mkdtempSync(path.join(tmpdir(), 'band-roles-'))
let runtime: Runtime | undefined

async function asAdmin(statements: string[]) {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

function urlFor(role: string, password: string) {
  const url = new URL(adminUrl ?? 'postgres://localhost/postgres')
  url.username = role
  url.password = password
  url.pathname = `/${databaseName}`
  return url.toString()
}

describe.skipIf(!adminUrl)('the audit log against the app’s own database role', () => {
  beforeAll(async () => {
    // The owner may create roles, as the compose file's does; the app's role does not exist yet.
    await asAdmin([`create role ${owner} login createrole password 'owner-pass'`, `create database ${databaseName} owner ${owner}`])
    await asAdmin([`revoke all on database ${databaseName} from public`])
    const config = loadConfig({
      DATABASE_URL: urlFor(app, 'app-pass'),
      MIGRATION_DATABASE_URL: urlFor(owner, 'owner-pass'),
      SESSION_SECRET: 'roles-test-secret-0123456789abcdef012345',
      PUBLIC_URL: 'https://band.example.org',
      DATA_DIR: dataDir,
    })
    runtime = await createRuntime(config, 'command', { logger: createLogger({ logLevel: 'silent' }) })
  }, 60_000)
  afterAll(async () => {
    await runtime?.close()
    await asAdmin([`drop database if exists ${databaseName} with (force)`, `drop role if exists ${app}`, `drop role if exists ${owner}`])
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('connects as the app’s role, created by the owner', async () => {
    const { rows } = await sql<{ me: string }>`select current_user as me`.execute(runtime!.db)
    expect(rows[0]?.me).toBe(app)
  })

  it('lets it append to and read the log, and make next month’s partitions', async () => {
    const db = runtime!.db
    await recordAudit(db, systemContext('Test', runtime!.auditKey), { action: 'test.appended', entity: ['test', null] })
    expect(await ensureAuditPartitions(db, new Date(), 6)).toEqual({ skipped: [] })
    expect(await verifyAuditChain(db, { chainKey: runtime!.auditKey })).toMatchObject({ ok: true })
  })

  it.each([
    ['update a row', 'update audit_log set actor_name = \'Forger\''],
    ['delete rows', 'delete from audit_log'],
    ['truncate a partition', 'truncate audit_log_default'],
    ['switch the append-only trigger off', 'alter table audit_log disable trigger audit_log_no_update_or_delete'],
    ['detach a partition', 'alter table audit_log detach partition audit_log_default'],
    ['drop a partition', 'drop table audit_log_default'],
    ['drop the log', 'drop table audit_log'],
    ['fake a migration', "insert into kysely_migration (name, timestamp) values ('9999_fake', 'now')"],
  ])('refuses to %s', async (_what, statement) => {
    await expect(sql.raw(statement).execute(runtime!.db)).rejects.toThrow(/permission denied|must be (the )?owner/)
  })
})

import { parseArgs } from 'node:util'
import { systemContext, verifyAuditChain } from '#app/modules/audit/audit.server.ts'
import { createFirstAdmin } from '#app/modules/identity/first-admin.server.ts'
import { createResetLinkForOperator } from '#app/modules/identity/password-reset.server.ts'
import { RekeyError, rekeyEmergencyContacts } from '#app/modules/members/emergency-contacts.server.ts'
import { type Config, loadConfig } from '#app/platform/config.server.ts'
import { createRuntime, type Runtime } from '#app/platform/runtime.server.ts'
import { migrateDown, migrateToLatest, migrationStatus } from '#db/migrate.server.ts'
import { isDatabaseEmpty, seedDemoBand } from '#db/seed/seed.server.ts'

/**
 * Maintenance commands: `migrate` (with --down / --status), `seed`, `admin:reset`,
 * `audit:verify`, `admin:create` and `members:rekey`.
 * Run from source with `npm run db:migrate` / `npm run db:seed`, or in the
 * container with `node server/index.ts migrate`. On the embedded database they
 * take the same lock as the server, so they refuse while it runs.
 */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const [command, ...rest] = argv
  const config = loadConfig(env)
  switch (command) {
    case 'migrate': {
      const { values } = parseArgs({ args: rest, options: { down: { type: 'boolean' }, status: { type: 'boolean' } } })
      return withRuntime(config, { migrate: false }, async ({ db }) => {
        if (values.status) {
          const { applied, pending } = await migrationStatus(db)
          return `Applied: ${applied.join(', ') || 'none'}\nPending: ${pending.join(', ') || 'none'}`
        }
        if (values.down) {
          const reverted = await migrateDown(db)
          return reverted.length ? `Reverted ${reverted.join(', ')}` : 'Nothing to revert'
        }
        const { applied } = await migrateToLatest(db)
        return applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date'
      })
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { force: { type: 'boolean' } } })
      // The demo band must never land in a real band's database by accident.
      if (config.database.kind === 'postgres' && !values.force) {
        throw new CommandError(
          'Refusing to add the demo band to the database at DATABASE_URL. ' +
            'If this database is meant for demo or test data, run the command again with --force.',
        )
      }
      return withRuntime(config, {}, async ({ db, auditKey, memberDataKeys, storage }) => {
        if (!(await isDatabaseEmpty(db))) {
          throw new CommandError('The database already holds band data; the demo band is only added to an empty database.')
        }
        const summary = await seedDemoBand(db, { demoPassword: config.demoPassword, chainKey: auditKey, memberDataKeys, storage })
        return `Demo band added: ${Object.entries(summary).map(([table, count]) => `${count} ${table}`).join(', ')}`
      })
    }
    case 'audit:verify': {
      const report = await withRuntime(config, {}, ({ db, auditKey }) => verifyAuditChain(db, { chainKey: auditKey }))
      if (!report.ok) throw new CommandError(`Audit chain broken at row ${report.brokenAtId}: ${report.reason}`)
      return `Audit chain intact: ${report.rows} rows`
    }
    case 'admin:create': {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' } } })
      const email = values.email?.trim()
      if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        throw new CommandError('Usage: admin:create --email you@example.org [--name "Your Name"]')
      }
      const siteOrigin = config.siteUrl
      return withRuntime(config, {}, async ({ db, auditKey }) => {
        const result = await createFirstAdmin(db, { email, displayName: values.name?.trim() || email.split('@')[0] || email, siteOrigin, chainKey: auditKey })
        if (!result.ok) throw new CommandError(result.message)
        return `Super admin ${email} created. Open this link within 24 hours to choose the password (it works once):\n${result.link}`
      })
    }
    case 'admin:reset': {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } } })
      const email = values.email?.trim()
      if (!email) throw new CommandError('Usage: admin:reset --email member@example.org')
      return withRuntime(config, {}, async ({ db, auditKey }) => {
        const result = await createResetLinkForOperator(db, { email, siteOrigin: config.siteUrl, audit: systemContext('Command line', auditKey) })
        if (!result.ok) throw new CommandError(result.message)
        return `Give ${email} this link to choose a new password within an hour (it works once):\n${result.link}`
      })
    }
    case 'members:rekey': {
      // After a rotation (docs/operations/member-data-key.md): every row moves to MEMBER_DATA_KEY, or none does.
      return withRuntime(config, {}, async ({ db, auditKey, memberDataKeys }) => {
        try {
          const { resealed, alreadyCurrent } = await rekeyEmergencyContacts(db, memberDataKeys, systemContext('Command line', auditKey))
          return `Re-sealed the emergency contacts of ${resealed} members with ${memberDataKeys.current.label} (key ${memberDataKeys.current.id}); ${alreadyCurrent} of them were already under it.`
        } catch (error) {
          if (error instanceof RekeyError) throw new CommandError(error.message)
          throw error
        }
      })
    }
    default:
      throw new CommandError(
        `Unknown command "${command ?? ''}". Commands: migrate [--down | --status], seed [--force], audit:verify, admin:create --email …, admin:reset --email …, members:rekey.`,
      )
  }
}

export class CommandError extends Error {
  override name = 'CommandError'
}

/**
 * A command's runtime: the same `createRuntime` as the web server (so the same
 * DATA_DIR lock refuses it while the server runs), quiet unless something is
 * wrong, closed when the command ends.
 */
async function withRuntime<T>(config: Config, options: { migrate?: boolean }, work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime({ ...config, logLevel: config.logLevel === 'silent' ? 'silent' : 'warn' }, 'command', options)
  try {
    return await work(runtime)
  } finally {
    await runtime.close()
  }
}

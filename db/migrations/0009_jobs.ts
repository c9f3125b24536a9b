import { type Kysely, sql } from 'kysely'

/**
 * A small job queue (app/platform/jobs.server.ts) in the same database, so a
 * job is enqueued in the transaction of the change that asks for it.
 *
 * - A worker claims due rows with `for update skip locked` and holds them for
 *   a lease (`locked_until`); a worker killed mid-job leaves the row to be
 *   claimed again once the lease has passed.
 * - `idempotency_key` is unique where set: enqueueing the same key twice
 *   gives one job (schedules use it so each slot runs once).
 * - Done rows are pruned; failed rows stay for the admins.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('queued').check(sql`status in ('queued', 'running', 'done', 'failed')`),
    )
    // Counts claims, so a job that keeps killing its worker still runs out of attempts.
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0).check(sql`attempts >= 0`))
    .addColumn('max_attempts', 'integer', (col) => col.notNull().defaultTo(5).check(sql`max_attempts >= 1`))
    .addColumn('run_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    // A running job without a lease could never be claimed again.
    .addCheckConstraint('jobs_running_has_lease', sql`status <> 'running' or (locked_until is not null and locked_by is not null)`)
    .execute()
  await db.schema
    .createIndex('jobs_idempotency_key_key')
    .on('jobs')
    .unique()
    .column('idempotency_key')
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute()
  // The claim query: queued rows by run_at, and running rows whose lease has passed.
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['status', 'run_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute()
}

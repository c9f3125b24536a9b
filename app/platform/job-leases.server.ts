import type { Kysely } from 'kysely'
import type { Database } from '#db/types.ts'
import type { JobId } from './jobs.server.ts'

/**
 * The worker's hold on a job (jobs.server.ts): claiming due jobs under a
 * lease, renewing it while the handler runs, and finishing the job with its
 * outcome. Each update names the worker and the attempt, so a job whose lease
 * ran out and went to another worker is not touched by the first.
 */

export type ClaimedJob = { id: JobId; name: string; payload: unknown; attempts: number; maxAttempts: number }

export type Outcome =
  | { kind: 'done' }
  | { kind: 'retry'; error: string; at: Date }
  | { kind: 'failed'; error: string }
  // Interrupted by shutdown: back in the queue at once, the attempt not counted.
  | { kind: 'released'; error: string }

export async function claimJobs(
  db: Kysely<Database>,
  { workerId, limit, leaseMs, now }: { workerId: string; limit: number; leaseMs: number; now: Date },
): Promise<ClaimedJob[]> {
  // The app's clock, not the database's, so tests can move time; clocks of
  // several hosts only need to agree to well within a lease.
  const due = db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .orderBy('run_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      locked_until: new Date(now.getTime() + leaseMs),
      locked_by: workerId,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
      // Tells the admin why a job ran twice: its last worker stopped holding it.
      last_error: eb
        .case()
        .when('status', '=', 'running')
        .then('lease expired: the previous worker stopped or hung')
        .else(eb.ref('last_error'))
        .end(),
    }))
    .where('id', 'in', due)
    .returning(['id', 'name', 'payload', 'attempts', 'max_attempts'])
    .execute()
  return rows
    .map((row) => ({ id: row.id, name: row.name, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts }))
    .sort((a, b) => a.id - b.id)
}

// Every write after the claim names the claim it belongs to (worker and
// attempt), so a worker whose lease was taken over cannot overwrite the
// newer run; the attempt also tells apart two claims by the same worker.
function whereClaimed(job: ClaimedJob, workerId: string) {
  return { id: job.id, locked_by: workerId, attempts: job.attempts }
}

export async function renewLease(db: Kysely<Database>, job: ClaimedJob, workerId: string, until: Date): Promise<boolean> {
  const claim = whereClaimed(job, workerId)
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: until })
    .where('id', '=', claim.id)
    .where('locked_by', '=', claim.locked_by)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'running')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function finishJob(db: Kysely<Database>, job: ClaimedJob, workerId: string, outcome: Outcome, now: Date): Promise<boolean> {
  const claim = whereClaimed(job, workerId)
  const unlocked = { locked_until: null, locked_by: null, updated_at: now }
  const query = db
    .updateTable('jobs')
    .where('id', '=', claim.id)
    .where('locked_by', '=', claim.locked_by)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'running')
  const update =
    outcome.kind === 'done'
      ? query.set({ ...unlocked, status: 'done', finished_at: now })
      : outcome.kind === 'retry'
        ? query.set({ ...unlocked, status: 'queued', run_at: outcome.at, last_error: outcome.error })
        : outcome.kind === 'failed'
          ? query.set({ ...unlocked, status: 'failed', last_error: outcome.error, finished_at: now })
          : query.set((eb) => ({ ...unlocked, status: 'queued', run_at: now, last_error: outcome.error, attempts: eb('attempts', '-', 1) }))
  const result = await update.executeTakeFirst()
  return result.numUpdatedRows > 0n
}

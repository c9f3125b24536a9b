import type { Db, JobStatus } from '#db/types.ts'

/** Reads and clean-up of the job table for admin pages and the daily prune; the queue itself is jobs.server.ts. */

export async function pruneJobs(db: Db, { olderThan }: { olderThan: Date }): Promise<number> {
  const result = await db.deleteFrom('jobs').where('status', '=', 'done').where('finished_at', '<', olderThan).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function countJobsByStatus(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute()
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 }
  for (const row of rows) counts[row.status] = Number(row.count)
  return counts
}

export type FailedJob = {
  id: number
  name: string
  payload: unknown
  attempts: number
  maxAttempts: number
  lastError: string | null
  createdAt: Date
  finishedAt: Date | null
}

/** Most recently failed first. */
export async function listFailedJobs(db: Db, { limit }: { limit: number }): Promise<FailedJob[]> {
  return db
    .selectFrom('jobs')
    .select([
      'id',
      'name',
      'payload',
      'attempts',
      'max_attempts as maxAttempts',
      'last_error as lastError',
      'created_at as createdAt',
      'finished_at as finishedAt',
    ])
    .where('status', '=', 'failed')
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

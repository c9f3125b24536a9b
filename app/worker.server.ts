import { ensureAuditPartitions } from '#app/modules/audit/audit.server.ts'
import { canDeliverLinks, operatorTerminal, SEND_MAIL_JOB, sendMailJob } from '#app/modules/email/outbox.server.ts'
import { STAGING_SWEEP_JOB, sweepStaging } from '#app/modules/library/upload-cleanup.server.ts'
import { PASSWORD_RESET_JOB, passwordResetJob } from '#app/modules/identity/password-reset.server.ts'
import { getBandProfile } from '#app/modules/settings/band-profile.server.ts'
import { DEMO_FILES_JOB, demoFilesJob } from '#db/seed/demo-files.server.ts'
import { type JobHandler, pruneJobs, type Schedule, startWorker, type Worker } from '#app/platform/jobs.server.ts'
import type { Runtime } from '#app/platform/runtime.server.ts'

/**
 * Every kind of background work the app knows, and when the scheduled ones
 * run. `npm run worker` runs this in its own process; by default the web
 * process runs it too (RUN_WORKER=false turns that off for bands that run
 * several web instances and one worker).
 */
export const AUDIT_PARTITIONS_JOB = 'audit.partitions'
export const PRUNE_JOBS_JOB = 'jobs.prune'

// Finished jobs are kept a while for the admin pages, then removed.
const KEEP_DONE_JOBS_MS = 14 * 24 * 60 * 60 * 1000

export function jobHandlers(runtime: Runtime): Record<string, JobHandler> {
  return {
    [SEND_MAIL_JOB]: sendMailJob({ ...runtime, showOperator: operatorTerminal(runtime) }),
    [PASSWORD_RESET_JOB]: passwordResetJob({ ...runtime, canDeliverLinks: canDeliverLinks(runtime) }),
    // The next months' audit partitions must exist before their first row arrives.
    [AUDIT_PARTITIONS_JOB]: async () => {
      const { skipped } = await ensureAuditPartitions(runtime.db)
      if (skipped.length) runtime.logger.warn({ skipped }, 'audit rows of these months sit in the default partition')
    },
    // Queued by the demo seed: the demo parts' PDFs, a batch per run.
    [DEMO_FILES_JOB]: demoFilesJob(runtime),
    // Abandoned uploads lose their staged files (also those of no batch); a confirm cut short by a crash is settled.
    [STAGING_SWEEP_JOB]: async () => {
      const swept = await sweepStaging({ db: runtime.db, storage: runtime.storage, logger: runtime.logger, chainKey: runtime.auditKey })
      if (swept.removed || swept.recovered || swept.orphaned) runtime.logger.info(swept, 'staged uploads swept')
    },
    [PRUNE_JOBS_JOB]: async () => {
      const removed = await pruneJobs(runtime.db, { olderThan: new Date(Date.now() - KEEP_DONE_JOBS_MS) })
      if (removed) runtime.logger.info({ removed }, 'old finished jobs removed')
    },
  }
}

export async function jobSchedules(runtime: Runtime): Promise<Schedule[]> {
  const { timeZone } = await getBandProfile(runtime.db)
  return [
    { name: AUDIT_PARTITIONS_JOB, every: { dailyAt: '03:15', timeZone } },
    { name: PRUNE_JOBS_JOB, every: { dailyAt: '04:30', timeZone } },
    { name: STAGING_SWEEP_JOB, every: { minutes: 60 } },
  ]
}

export async function startBackgroundWorker(runtime: Runtime, options: { poll?: boolean } = {}): Promise<Worker> {
  return startWorker({
    db: runtime.db,
    handlers: jobHandlers(runtime),
    schedules: await jobSchedules(runtime),
    logger: runtime.logger.child({ component: 'worker' }),
    poll: options.poll,
    shutdownTimeoutMs: runtime.config.shutdownTimeoutMs,
  })
}

import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Kysely } from 'kysely'
import type { Database, Db } from '#db/types.ts'
import { type ClaimedJob, claimJobs, finishJob, type Outcome, renewLease } from './job-leases.server.ts'
import { nextScheduleSlot, type ScheduleEvery } from './job-schedules.ts'

export { nextScheduleSlot } from './job-schedules.ts'
export { countJobsByStatus, type FailedJob, listFailedJobs, pruneJobs } from './job-queries.server.ts'

/**
 * A small job queue in our own database (table `jobs`, migration 0009). Not
 * pg-boss or graphile-worker: they need their own pg connection, and PGlite
 * has only the one behind our Kysely handle.
 *
 * Delivery is at least once: a worker that dies after a handler succeeded
 * but before the row says so runs the job again after its lease, so
 * handlers must be safe to repeat.
 */

export type JobId = number

export type JobHandler = (
  payload: unknown, // validate with zod inside the handler: rows outlive the code that wrote them
  job: { id: JobId; name: string; attempt: number; signal: AbortSignal },
) => Promise<void>

export type Schedule = {
  /** The job name; one schedule per job name (it is part of the slot's idempotency key). */
  name: string
  every: ScheduleEvery
  payload?: unknown
}

/** What the worker logs through; pino's `Logger` fits. */
export type JobLogger = {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export type WorkerOptions = {
  db: Kysely<Database>
  handlers: Record<string, JobHandler>
  schedules?: Schedule[]
  logger: JobLogger
  workerId?: string
  /** false: no background loop, call runOnce() yourself (tests, the CLI). Default true. */
  poll?: boolean
  pollIntervalMs?: number
  /** How long a claim holds; renewed while the handler runs, so only a dead or stuck process lets it lapse. */
  leaseMs?: number
  concurrency?: number
  /** Delay before retry number `attempt + 1`, in ms. */
  backoff?: (attempt: number) => number
  /** How long stop() waits for running jobs before aborting their signal (and again after). */
  shutdownTimeoutMs?: number
  now?: () => Date
}

export type Worker = {
  readonly workerId: string
  /** Stops polling, waits for jobs in flight, aborts their signal after the shutdown timeout. */
  stop(): Promise<void>
  /** Enqueues due schedule slots, then claims and runs jobs until none is due; returns how many ran. */
  runOnce(): Promise<number>
}

const errorLimit = 2_000

// Wakes polling workers in this process after a committed enqueue, so a job
// enqueued by the same process starts without waiting for the next poll. Only
// a hint: other processes find the job by polling.
const localWakers = new Set<() => void>()

/**
 * Tells this process' polling workers to look now. The HTTP edge calls it
 * after each form post, so mail a request queued inside its transaction goes
 * out at once instead of at the next poll.
 */
export function wakeLocalWorkers(): void {
  for (const wake of localWakers) wake()
}

/**
 * Inserts a job in the caller's transaction, so a rolled-back change enqueues
 * nothing. Returns the job id, or the existing job's id when `idempotencyKey`
 * was used before (the key stays taken until the job is pruned).
 */
export async function enqueueJob(
  db: Db,
  job: { name: string; payload?: unknown; runAt?: Date; maxAttempts?: number; idempotencyKey?: string },
): Promise<JobId> {
  const values = {
    name: job.name,
    payload: job.payload === undefined ? undefined : JSON.stringify(job.payload),
    // The app's clock, at the millisecond precision workers compare with: the
    // database's now() has microseconds and would be "later" for a moment.
    run_at: job.runAt ?? new Date(),
    max_attempts: job.maxAttempts,
    idempotency_key: job.idempotencyKey ?? null,
  }
  const key = job.idempotencyKey
  let id: JobId
  if (key === undefined) {
    id = (await db.insertInto('jobs').values(values).returning('id').executeTakeFirstOrThrow()).id
  } else {
    const inserted = await db
      .insertInto('jobs')
      .values(values)
      .onConflict((oc) => oc.column('idempotency_key').where('idempotency_key', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst()
    if (inserted) {
      id = inserted.id
    } else {
      const existing = await db.selectFrom('jobs').select('id').where('idempotency_key', '=', key).executeTakeFirst()
      // Only under repeatable read, or when the other job was pruned in between.
      if (!existing) throw new Error(`job with idempotency key ${key} exists but cannot be read`)
      return existing.id
    }
  }
  // Inside a transaction the row is not visible yet; the poll will find it.
  if (!db.isTransaction) wakeLocalWorkers()
  return id
}

/** Exponential (10 s, 20 s, 40 s … capped at an hour) with jitter, so jobs that failed together do not retry together. */
export function defaultBackoff(attempt: number): number {
  const delay = Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 60 * 60_000)
  return Math.round(delay / 2 + (Math.random() * delay) / 2)
}

export function startWorker(options: WorkerOptions): Worker {
  const { db, handlers, logger } = options
  const schedules = options.schedules ?? []
  for (const schedule of schedules) validateSchedule(schedule, handlers)
  if (new Set(schedules.map((schedule) => schedule.name)).size !== schedules.length) {
    throw new Error('two schedules share a job name; their slots would share idempotency keys')
  }
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  const pollIntervalMs = options.pollIntervalMs ?? 1_000
  const leaseMs = options.leaseMs ?? 5 * 60_000
  // The lease is renewed every third of it; shorter would mostly renew.
  if (leaseMs < 1_000) throw new Error('leaseMs must be at least 1000')
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
  const backoff = options.backoff ?? defaultBackoff
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000
  const now = options.now ?? (() => new Date())

  type Running = { job: ClaimedJob; controller: AbortController; shuttingDown: boolean; done: Promise<void> }
  const running = new Set<Running>()
  // Slot already enqueued by this process, per schedule: one insert per slot, not one per poll.
  const enqueuedSlots = new Map<string, number>()
  let stopping = false
  let stopped: Promise<void> | undefined

  let woken = false
  let wakeSleeper: (() => void) | undefined
  function wake() {
    woken = true
    wakeSleeper?.()
  }
  function sleep(ms: number): Promise<void> {
    if (woken) {
      woken = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wakeSleeper = undefined
        woken = false
        resolve()
      }
      wakeSleeper = done
    })
  }

  async function enqueueDueSlots() {
    for (const schedule of schedules) {
      const slot = nextScheduleSlot(schedule, now())
      if (enqueuedSlots.get(schedule.name) === slot.getTime()) continue
      await enqueueJob(db, {
        name: schedule.name,
        payload: schedule.payload,
        runAt: slot,
        idempotencyKey: `schedule:${schedule.name}:${slot.toISOString()}`,
      })
      enqueuedSlots.set(schedule.name, slot.getTime())
    }
  }

  function claim(limit: number) {
    return claimJobs(db, { workerId, limit, leaseMs, now: now() })
  }

  function start(job: ClaimedJob): Running {
    const entry: Running = { job, controller: new AbortController(), shuttingDown: false, done: Promise.resolve() }
    running.add(entry)
    entry.done = execute(entry).finally(() => {
      running.delete(entry)
      wake()
    })
    return entry
  }

  async function execute(entry: Running) {
    const { job, controller } = entry
    const log = { workerId, jobId: job.id, job: job.name, attempt: job.attempts, maxAttempts: job.maxAttempts }
    let handlerDone = false
    const heartbeat = setInterval(() => {
      renewLease(db, job, workerId, new Date(now().getTime() + leaseMs)).then(
        (held) => {
          // After the handler, the row leaves 'running' on purpose.
          if (held || handlerDone) return
          logger.warn(log, 'job lease was taken over by another worker; aborting it here')
          controller.abort(new Error('lease lost'))
        },
        (error: unknown) => logger.warn({ ...log, error: errorMessage(error) }, 'could not renew a job lease'),
      )
    }, leaseMs / 3)
    try {
      const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined
      let outcome: Outcome
      if (job.attempts > job.maxAttempts) {
        // attempts counts claims: above the limit means the last attempt's worker died holding it.
        outcome = { kind: 'failed', error: 'lease expired during the last attempt (the worker stopped or hung)' }
      } else if (!handler) {
        outcome = { kind: 'failed', error: `no handler for job "${job.name}" in this worker` }
      } else {
        try {
          await handler(job.payload, { id: job.id, name: job.name, attempt: job.attempts, signal: controller.signal })
          outcome = { kind: 'done' }
        } catch (error) {
          const message = errorMessage(error)
          if (entry.shuttingDown) outcome = { kind: 'released', error: `interrupted by worker shutdown: ${message}` }
          else if (job.attempts < job.maxAttempts) outcome = { kind: 'retry', error: message, at: new Date(now().getTime() + backoff(job.attempts)) }
          else outcome = { kind: 'failed', error: message }
        }
      }
      handlerDone = true
      clearInterval(heartbeat)
      const recorded = await finishJob(db, job, workerId, outcome, now())
      if (!recorded) logger.warn(log, 'job was claimed again by another worker after its lease expired; outcome not recorded')
      else if (outcome.kind === 'done') logger.debug(log, 'job done')
      else if (outcome.kind === 'retry') logger.warn({ ...log, error: outcome.error, retryAt: outcome.at }, 'job failed; will retry')
      else if (outcome.kind === 'failed') logger.error({ ...log, error: outcome.error }, 'job failed for good')
      else logger.info({ ...log, error: outcome.error }, 'job released for another run')
    } catch (error) {
      // The bookkeeping failed (database gone): the lease brings the job back.
      logger.error({ ...log, error: errorMessage(error) }, 'could not record the outcome of a job')
    } finally {
      clearInterval(heartbeat)
    }
  }

  async function loop() {
    let failures = 0
    while (!stopping) {
      let delay = pollIntervalMs
      try {
        await enqueueDueSlots()
        const free = concurrency - running.size
        if (free > 0) for (const job of await claim(free)) start(job)
        failures = 0
      } catch (error) {
        failures += 1
        // Back off while the database is away instead of logging every poll.
        delay = Math.min(30_000, pollIntervalMs * 2 ** failures)
        logger.error({ workerId, error: errorMessage(error), retryInMs: delay }, 'job worker could not poll the database')
      }
      if (!stopping) await sleep(delay)
    }
  }

  const polling = options.poll !== false
  const loopDone = polling ? loop() : Promise.resolve()
  if (polling) localWakers.add(wake)

  return {
    workerId,
    async runOnce() {
      if (stopping) return 0
      await enqueueDueSlots()
      let count = 0
      // Checks stopping each round: a job released by stop() is due again at once.
      while (!stopping) {
        const jobs = await claim(concurrency)
        if (jobs.length === 0) return count
        await Promise.all(jobs.map((job) => start(job).done))
        count += jobs.length
      }
      return count
    },
    stop() {
      stopped ??= (async () => {
        stopping = true
        localWakers.delete(wake)
        wake()
        await loopDone
        if (await settlesWithin([...running].map((entry) => entry.done), shutdownTimeoutMs)) return
        logger.warn({ workerId, jobIds: [...running].map((entry) => entry.job.id) }, 'jobs still running at shutdown; aborting them')
        for (const entry of running) {
          entry.shuttingDown = true
          entry.controller.abort(new Error('worker shutting down'))
        }
        if (!(await settlesWithin([...running].map((entry) => entry.done), shutdownTimeoutMs))) {
          logger.warn({ workerId, jobIds: [...running].map((entry) => entry.job.id) }, 'jobs ignored the abort; their leases will bring them back')
        }
      })()
      return stopped
    },
  }
}

function validateSchedule(schedule: Schedule, handlers: Record<string, JobHandler>) {
  if (!Object.hasOwn(handlers, schedule.name)) throw new Error(`schedule "${schedule.name}" has no handler`)
  // Throws on a bad interval, time or time zone now rather than at the first tick.
  nextScheduleSlot(schedule, new Date())
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.length > errorLimit ? `${message.slice(0, errorLimit)}…` : message
}

async function settlesWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return true
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  const settled = Promise.allSettled(promises).then(() => true as const)
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer))
}

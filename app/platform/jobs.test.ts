import { pino } from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '#db/client.server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import {
  countJobsByStatus,
  defaultBackoff,
  enqueueJob,
  type JobHandler,
  type JobLogger,
  listFailedJobs,
  nextScheduleSlot,
  pruneJobs,
  type Schedule,
  startWorker,
  type WorkerOptions,
} from './jobs.server.ts'

const onPostgres = Boolean(process.env.DATABASE_URL)

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())
beforeEach(async () => {
  await database.db.deleteFrom('jobs').execute()
})

const silent = pino({ level: 'silent' })

/** A clock the test moves by hand; it starts a minute ahead so rows enqueued with the database's now() are due. */
function manualClock() {
  let time = Date.now() + 60_000
  return {
    now: () => new Date(time),
    advance(ms: number) {
      time += ms
    },
  }
}

function capturingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = []
  const at = (level: string) => (obj: object, msg: string) => {
    lines.push({ level, obj: { ...obj }, msg })
  }
  const logger: JobLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  return { logger, lines }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

// Workers here do not poll: the test drives them with runOnce().
function testWorker(options: Partial<WorkerOptions> & Pick<WorkerOptions, 'handlers'>) {
  return startWorker({ db: database.db, logger: silent, poll: false, ...options })
}

function jobRow(id: number) {
  return database.db
    .selectFrom('jobs')
    .select(['status', 'attempts', 'last_error', 'run_at', 'locked_by', 'locked_until', 'finished_at', 'idempotency_key'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

describe(`job queue on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('enqueues nothing when the transaction rolls back', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, { name: 'email.send', payload: { to: 'alex@example.org' } })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect((await countJobsByStatus(database.db)).queued).toBe(0)

    await database.db.transaction().execute((trx) => enqueueJob(trx, { name: 'email.send' }))
    expect((await countJobsByStatus(database.db)).queued).toBe(1)
  })

  it('gives one job for a repeated idempotency key', async () => {
    const first = await enqueueJob(database.db, { name: 'rota.remind', idempotencyKey: 'rota:2026-01-06' })
    const again = await database.db.transaction().execute((trx) => enqueueJob(trx, { name: 'rota.remind', idempotencyKey: 'rota:2026-01-06' }))
    const other = await enqueueJob(database.db, { name: 'rota.remind', idempotencyKey: 'rota:2026-01-13' })
    await enqueueJob(database.db, { name: 'rota.remind' })
    await enqueueJob(database.db, { name: 'rota.remind' })
    expect(again).toBe(first)
    expect(other).not.toBe(first)
    expect((await countJobsByStatus(database.db)).queued).toBe(4)
  })

  it('runs a job with its payload and marks it done', async () => {
    const clock = manualClock()
    const seen: { payload: unknown; job: Parameters<JobHandler>[1] }[] = []
    const worker = testWorker({
      now: clock.now,
      handlers: {
        'email.send': async (payload, job) => {
          seen.push({ payload, job })
        },
      },
    })
    const id = await enqueueJob(database.db, { name: 'email.send', payload: { to: 'alex@example.org', tags: ['invite'] } })

    expect(await worker.runOnce()).toBe(1)
    expect(seen).toEqual([{ payload: { to: 'alex@example.org', tags: ['invite'] }, job: expect.objectContaining({ id, name: 'email.send', attempt: 1 }) }])
    expect(seen[0]?.job.signal.aborted).toBe(false)
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 1, locked_by: null, locked_until: null, finished_at: clock.now() })
    expect(await worker.runOnce()).toBe(0)
    await worker.stop()
  })

  it('does not run a job before its run_at', async () => {
    const clock = manualClock()
    let runs = 0
    const worker = testWorker({ now: clock.now, handlers: { later: async () => void runs++ } })
    await enqueueJob(database.db, { name: 'later', runAt: new Date(clock.now().getTime() + 10 * 60_000) })
    expect(await worker.runOnce()).toBe(0)
    clock.advance(10 * 60_000)
    expect(await worker.runOnce()).toBe(1)
    expect(runs).toBe(1)
    await worker.stop()
  })

  it('retries a throwing job with back-off, then fails it with its reason', async () => {
    const clock = manualClock()
    const { logger, lines } = capturingLogger()
    const worker = testWorker({
      now: clock.now,
      logger,
      backoff: (attempt) => attempt * 60_000,
      handlers: {
        flaky: async (_payload, job) => {
          throw new Error(`SMTP refused (try ${job.attempt})`)
        },
      },
    })
    const id = await enqueueJob(database.db, { name: 'flaky', maxAttempts: 3 })

    expect(await worker.runOnce()).toBe(1)
    const afterFirst = await jobRow(id)
    expect(afterFirst).toMatchObject({ status: 'queued', attempts: 1, last_error: 'SMTP refused (try 1)', locked_by: null })
    expect(afterFirst.run_at).toEqual(new Date(clock.now().getTime() + 60_000))

    // Not due again until the back-off has passed.
    clock.advance(59_000)
    expect(await worker.runOnce()).toBe(0)
    clock.advance(1_000)
    expect(await worker.runOnce()).toBe(1)
    expect(await jobRow(id)).toMatchObject({ status: 'queued', attempts: 2, run_at: new Date(clock.now().getTime() + 120_000) })

    clock.advance(120_000)
    expect(await worker.runOnce()).toBe(1)
    const last = await jobRow(id)
    expect(last).toMatchObject({ status: 'failed', attempts: 3, last_error: 'SMTP refused (try 3)', finished_at: clock.now() })
    expect(last.last_error).not.toContain('\n')
    clock.advance(24 * 60 * 60_000)
    expect(await worker.runOnce()).toBe(0)

    // One line per failure, with what an admin needs to find the job.
    const failures = lines.filter((line) => line.level === 'warn' || line.level === 'error')
    expect(failures.map((line) => [line.level, line.obj.attempt, line.obj.error])).toEqual([
      ['warn', 1, 'SMTP refused (try 1)'],
      ['warn', 2, 'SMTP refused (try 2)'],
      ['error', 3, 'SMTP refused (try 3)'],
    ])
    for (const line of failures) expect(line.obj).toMatchObject({ jobId: id, job: 'flaky' })
    expect(await listFailedJobs(database.db, { limit: 10 })).toEqual([
      expect.objectContaining({ id, name: 'flaky', attempts: 3, maxAttempts: 3, lastError: 'SMTP refused (try 3)' }),
    ])
    await worker.stop()
  })

  it('fails a job nobody handles, with the reason, without retrying', async () => {
    const worker = testWorker({ now: manualClock().now, handlers: {} })
    const id = await enqueueJob(database.db, { name: 'no.such.job' })
    expect(await worker.runOnce()).toBe(1)
    expect(await jobRow(id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'no handler for job "no.such.job" in this worker' })
    await worker.stop()
  })

  it('claims a job again once the lease of a dead worker has passed, and ignores the late outcome', async () => {
    const clock = manualClock()
    const started = deferred()
    const release = deferred()
    const stuck = capturingLogger()
    // Worker A claims the job and then never finishes it (as if killed).
    const stuckWorker = testWorker({
      workerId: 'worker-a',
      now: clock.now,
      leaseMs: 60_000,
      logger: stuck.logger,
      handlers: {
        report: async () => {
          started.resolve()
          await release.promise
          throw new Error('woke up far too late')
        },
      },
    })
    let runsOnB = 0
    const healthyWorker = testWorker({ workerId: 'worker-b', now: clock.now, leaseMs: 60_000, handlers: { report: async () => void runsOnB++ } })
    const id = await enqueueJob(database.db, { name: 'report' })

    const stuckRun = stuckWorker.runOnce()
    await started.promise
    expect(await jobRow(id)).toMatchObject({ status: 'running', locked_by: 'worker-a', attempts: 1 })
    expect(await healthyWorker.runOnce()).toBe(0)

    clock.advance(60_001)
    expect(await healthyWorker.runOnce()).toBe(1)
    expect(runsOnB).toBe(1)
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2, locked_by: null, last_error: expect.stringContaining('lease expired') })

    // A's outcome arrives after B's: it must not turn the done job back into a retry.
    release.resolve()
    expect(await stuckRun).toBe(1)
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2 })
    expect(stuck.lines.map((line) => line.msg)).toContain('job was claimed again by another worker after its lease expired; outcome not recorded')
    await Promise.all([stuckWorker.stop(), healthyWorker.stop()])
  })

  it('fails a job whose worker died during its last attempt instead of running it again', async () => {
    const clock = manualClock()
    const started = deferred()
    const release = deferred()
    const stuckWorker = testWorker({
      now: clock.now,
      leaseMs: 60_000,
      handlers: {
        crashy: async () => {
          started.resolve()
          await release.promise
        },
      },
    })
    let runs = 0
    const other = testWorker({ now: clock.now, leaseMs: 60_000, handlers: { crashy: async () => void runs++ } })
    const id = await enqueueJob(database.db, { name: 'crashy', maxAttempts: 1 })
    const stuckRun = stuckWorker.runOnce()
    await started.promise
    clock.advance(60_001)
    expect(await other.runOnce()).toBe(1)
    expect(runs).toBe(0)
    expect(await jobRow(id)).toMatchObject({ status: 'failed', last_error: 'lease expired during the last attempt (the worker stopped or hung)' })
    release.resolve()
    await stuckRun
    expect((await jobRow(id)).status).toBe('failed')
    await Promise.all([stuckWorker.stop(), other.stop()])
  })

  it('renews the lease while a long job runs, so no other worker takes it', async () => {
    const clock = manualClock()
    let renewedUntil: Date | null = null
    const worker = testWorker({
      now: clock.now,
      leaseMs: 1_000,
      handlers: {
        long: async (_payload, job) => {
          clock.advance(500)
          const expected = clock.now().getTime() + 1_000
          // The heartbeat runs every third of the lease (~333 ms of real time).
          for (let tries = 0; tries < 40 && renewedUntil?.getTime() !== expected; tries++) {
            await new Promise((resolve) => setTimeout(resolve, 25))
            renewedUntil = (await jobRow(job.id)).locked_until
          }
        },
      },
    })
    const id = await enqueueJob(database.db, { name: 'long' })
    expect(await worker.runOnce()).toBe(1)
    expect(renewedUntil).toEqual(new Date(clock.now().getTime() + 1_000))
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 1 })
    await worker.stop()
  })

  it('stop() waits for a job in flight to finish', async () => {
    const started = deferred()
    const finish = deferred()
    const worker = testWorker({
      now: manualClock().now,
      handlers: {
        slow: async () => {
          started.resolve()
          await finish.promise
        },
      },
    })
    const id = await enqueueJob(database.db, { name: 'slow' })
    const run = worker.runOnce()
    await started.promise
    const stopping = worker.stop()
    finish.resolve()
    await stopping
    expect((await jobRow(id)).status).toBe('done')
    expect(await run).toBe(1)
    expect(await worker.runOnce()).toBe(0)
  })

  it('stop() aborts a job that outlasts the shutdown timeout and puts it back in the queue', async () => {
    const started = deferred()
    const worker = testWorker({
      now: manualClock().now,
      shutdownTimeoutMs: 20,
      handlers: {
        endless: (_payload, job) => {
          started.resolve()
          return new Promise((_resolve, reject) => job.signal.addEventListener('abort', () => reject(job.signal.reason)))
        },
      },
    })
    const id = await enqueueJob(database.db, { name: 'endless', maxAttempts: 1 })
    const run = worker.runOnce()
    await started.promise
    await worker.stop()
    await run
    // Not counted as an attempt: the job did nothing wrong.
    expect(await jobRow(id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      locked_by: null,
      last_error: 'interrupted by worker shutdown: worker shutting down',
    })
  })

  it('a polling worker runs jobs enqueued in this process without waiting for the next poll', async () => {
    const ran: number[] = []
    const allRan = deferred()
    const worker = startWorker({
      db: database.db,
      logger: silent,
      // Far longer than the test may take: only the in-process wake-up can start these jobs.
      pollIntervalMs: 10 * 60_000,
      concurrency: 2,
      handlers: {
        quick: async (_payload, job) => {
          ran.push(job.id)
          if (ran.length === 3) allRan.resolve()
        },
      },
    })
    const ids = [
      await enqueueJob(database.db, { name: 'quick' }),
      await enqueueJob(database.db, { name: 'quick' }),
      await enqueueJob(database.db, { name: 'quick' }),
    ]
    await allRan.promise
    await worker.stop()
    expect(ran.sort((a, b) => a - b)).toEqual(ids)
    expect((await countJobsByStatus(database.db)).done).toBe(3)
  })

  it('two workers ticking the same schedule slot enqueue it once', async () => {
    const clock = manualClock()
    let runs = 0
    const schedules: Schedule[] = [{ name: 'digest', every: { minutes: 15 }, payload: { kind: 'weekly' } }]
    const handlers = { digest: async () => void runs++ }
    const first = testWorker({ now: clock.now, schedules, handlers })
    const second = testWorker({ now: clock.now, schedules, handlers })

    // Concurrently where the database allows it (PGlite runs one query at a time).
    expect(await Promise.all([first.runOnce(), second.runOnce()])).toEqual([0, 0])
    const slot = nextScheduleSlot(schedules[0]!, clock.now())
    const queued = await database.db.selectFrom('jobs').select(['id', 'name', 'run_at', 'idempotency_key', 'payload']).execute()
    expect(queued).toEqual([
      { id: expect.any(Number), name: 'digest', run_at: slot, idempotency_key: `schedule:digest:${slot.toISOString()}`, payload: { kind: 'weekly' } },
    ])

    clock.advance(slot.getTime() - clock.now().getTime())
    const ranNow = await Promise.all([first.runOnce(), second.runOnce()])
    expect(ranNow[0]! + ranNow[1]!).toBe(1)
    expect(runs).toBe(1)
    // The next slot is enqueued once too.
    expect(await countJobsByStatus(database.db)).toEqual({ queued: 1, running: 0, done: 1, failed: 0 })
    await Promise.all([first.stop(), second.stop()])
  })

  it('refuses a schedule without a handler or with a bad time', () => {
    expect(() => testWorker({ handlers: {}, schedules: [{ name: 'digest', every: { minutes: 5 } }] })).toThrow('has no handler')
    const handlers = { digest: async () => {} }
    expect(() => testWorker({ handlers, schedules: [{ name: 'digest', every: { dailyAt: '24:00', timeZone: 'Europe/London' } }] })).toThrow('HH:MM')
    expect(() => testWorker({ handlers, schedules: [{ name: 'digest', every: { dailyAt: '09:00', timeZone: 'Europe/Nowhere' } }] })).toThrow(RangeError)
    expect(() => testWorker({ handlers, schedules: [{ name: 'digest', every: { minutes: 0 } }] })).toThrow('every.minutes')
  })

  it('prunes old done jobs and keeps failed ones', async () => {
    const clock = manualClock()
    const worker = testWorker({
      now: clock.now,
      handlers: {
        ok: async () => {},
        broken: async () => {
          throw new Error('broken for good')
        },
      },
    })
    await enqueueJob(database.db, { name: 'ok' })
    await enqueueJob(database.db, { name: 'broken', maxAttempts: 1 })
    await worker.runOnce()
    clock.advance(60_000)
    await enqueueJob(database.db, { name: 'ok', runAt: clock.now() })
    await enqueueJob(database.db, { name: 'ok', runAt: new Date(clock.now().getTime() + 60 * 60_000) })
    await worker.runOnce()
    expect(await countJobsByStatus(database.db)).toEqual({ queued: 1, running: 0, done: 2, failed: 1 })

    expect(await pruneJobs(database.db, { olderThan: new Date(clock.now().getTime() - 30_000) })).toBe(1)
    expect(await countJobsByStatus(database.db)).toEqual({ queued: 1, running: 0, done: 1, failed: 1 })
    expect(await listFailedJobs(database.db, { limit: 10 })).toEqual([expect.objectContaining({ name: 'broken', lastError: 'broken for good' })])
    await worker.stop()
  })
})

describe('schedule slots', () => {
  const slot = (every: Schedule['every'], after: string) => nextScheduleSlot({ every }, new Date(after)).toISOString()

  it('every N minutes is aligned to the clock', () => {
    expect(slot({ minutes: 15 }, '2026-01-06T10:07:30.000Z')).toBe('2026-01-06T10:15:00.000Z')
    // Strictly after: a worker ticking exactly at a slot enqueues the next one.
    expect(slot({ minutes: 15 }, '2026-01-06T10:15:00.000Z')).toBe('2026-01-06T10:30:00.000Z')
    expect(slot({ minutes: 60 }, '2026-01-06T23:59:59.999Z')).toBe('2026-01-07T00:00:00.000Z')
    expect(slot({ minutes: 1 }, '2026-01-06T10:07:30.000Z')).toBe('2026-01-06T10:08:00.000Z')
  })

  it('dailyAt is a wall-clock time in the zone, through summer time', () => {
    const london = (dailyAt: string) => ({ dailyAt, timeZone: 'Europe/London' })
    expect(slot(london('09:00'), '2026-01-06T08:00:00.000Z')).toBe('2026-01-06T09:00:00.000Z')
    expect(slot(london('09:00'), '2026-01-06T09:00:00.000Z')).toBe('2026-01-07T09:00:00.000Z')
    expect(slot(london('09:00'), '2026-07-06T07:00:00.000Z')).toBe('2026-07-06T08:00:00.000Z')
    expect(slot(london('00:30'), '2026-07-06T12:00:00.000Z')).toBe('2026-07-06T23:30:00.000Z')
    expect(slot({ dailyAt: '19:30', timeZone: 'Asia/Kolkata' }, '2026-01-06T00:00:00.000Z')).toBe('2026-01-06T14:00:00.000Z')
  })

  it('Europe/London: clocks go forward on 29 March 2026 and back on 25 October 2026', () => {
    const london = (dailyAt: string) => ({ dailyAt, timeZone: 'Europe/London' })
    // 09:00 GMT on the Saturday, 09:00 BST on the Sunday: 23 hours apart.
    expect(slot(london('09:00'), '2026-03-28T08:00:00.000Z')).toBe('2026-03-28T09:00:00.000Z')
    expect(slot(london('09:00'), '2026-03-28T09:00:00.000Z')).toBe('2026-03-29T08:00:00.000Z')
    // 01:30 does not exist that night (01:00 GMT → 02:00 BST): it runs at 02:30 BST.
    expect(slot(london('01:30'), '2026-03-28T12:00:00.000Z')).toBe('2026-03-29T01:30:00.000Z')
    expect(slot(london('01:30'), '2026-03-29T01:30:00.000Z')).toBe('2026-03-30T00:30:00.000Z')
    // 01:30 happens twice (02:00 BST → 01:00 GMT): the first, and only once.
    expect(slot(london('01:30'), '2026-10-24T12:00:00.000Z')).toBe('2026-10-25T00:30:00.000Z')
    expect(slot(london('01:30'), '2026-10-25T00:30:00.000Z')).toBe('2026-10-26T01:30:00.000Z')
    expect(slot(london('09:00'), '2026-10-25T00:00:00.000Z')).toBe('2026-10-25T09:00:00.000Z')
  })

  it('America/New_York: clocks go forward on 8 March 2026', () => {
    const newYork = (dailyAt: string) => ({ dailyAt, timeZone: 'America/New_York' })
    expect(slot(newYork('07:00'), '2026-03-07T13:00:00.000Z')).toBe('2026-03-08T11:00:00.000Z')
    expect(slot(newYork('02:30'), '2026-03-07T13:00:00.000Z')).toBe('2026-03-08T07:30:00.000Z')
    expect(slot(newYork('23:30'), '2026-03-08T12:00:00.000Z')).toBe('2026-03-09T03:30:00.000Z')
  })

  it('default back-off grows exponentially with jitter, up to an hour', () => {
    for (let run = 0; run < 50; run++) {
      expect(defaultBackoff(1)).toBeGreaterThanOrEqual(5_000)
      expect(defaultBackoff(1)).toBeLessThanOrEqual(10_000)
      expect(defaultBackoff(4)).toBeGreaterThanOrEqual(40_000)
      expect(defaultBackoff(4)).toBeLessThanOrEqual(80_000)
      expect(defaultBackoff(30)).toBeLessThanOrEqual(60 * 60_000)
      expect(defaultBackoff(30)).toBeGreaterThanOrEqual(30 * 60_000)
    }
  })
})

// PGlite is one connection in one process: there is no concurrency to test there.
describe.skipIf(!onPostgres)('two workers on PostgreSQL', () => {
  it('process 500 jobs with each run exactly once', async () => {
    const url = database.url!
    const handles = await Promise.all([
      openDatabase({ kind: 'postgres', url, poolMax: 6 }),
      openDatabase({ kind: 'postgres', url, poolMax: 6 }),
    ])
    const total = 500
    const executions = new Map<number, number>()
    const perWorker = [0, 0]
    const allRan = deferred()
    const handler =
      (worker: number): JobHandler =>
      async (_payload, job) => {
        executions.set(job.id, (executions.get(job.id) ?? 0) + 1)
        perWorker[worker]! += 1
        // Yield, so claims and completions of the two workers interleave.
        await new Promise((resolve) => setImmediate(resolve))
        if ([...executions.values()].reduce((sum, count) => sum + count, 0) === total) allRan.resolve()
      }
    const workers = handles.map((handle, index) =>
      startWorker({ db: handle.db, logger: silent, workerId: `worker-${index}`, concurrency: 4, pollIntervalMs: 50, handlers: { count: handler(index) } }),
    )
    try {
      const runAt = new Date(Date.now() - 1_000)
      for (let n = 0; n < total; n++) await enqueueJob(database.db, { name: 'count', payload: { n }, runAt })
      await allRan.promise
      await Promise.all(workers.map((worker) => worker.stop()))

      expect(executions.size).toBe(total)
      expect([...executions.values()].every((count) => count === 1)).toBe(true)
      expect(perWorker[0]! + perWorker[1]!).toBe(total)
      expect(await countJobsByStatus(database.db)).toEqual({ queued: 0, running: 0, done: total, failed: 0 })
      const attempts = await database.db.selectFrom('jobs').select('attempts').distinct().execute()
      expect(attempts).toEqual([{ attempts: 1 }])
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()))
      await Promise.all(handles.map((handle) => handle.close()))
    }
  })
})

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { resolveAuditKey } from '../app/platform/config.server.ts'
import { createStorage } from '../app/platform/storage.server.ts'
import { demoPartIds, writeDemoPartFiles } from '../db/seed/demo-files.server.ts'
import { seedDemoBand } from '../db/seed/seed.server.ts'

const BENCH_SESSION_SECRET = 'bench-session-secret-0123456789abcdef'
import { createTestDatabase } from '../tests/setup/database.ts'
import { freePort, startServerProcess } from '../tests/setup/server-process.ts'

export type BenchServer = { url: string; pid: number; mode: string; stop(): Promise<void> }

/**
 * The production build in its own process (so the load generator does not
 * share its CPU time), with the demo band: on a fresh PostgreSQL database
 * when DATABASE_URL is set (plus Redis when REDIS_URL is), or on the embedded
 * default when `embedded` is asked for or nothing is configured.
 */
export async function startBenchServer(options: { embedded?: boolean } = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'band-bench-'))
  const usePostgres = Boolean(process.env.DATABASE_URL) && !options.embedded
  const database = usePostgres ? await createTestDatabase() : undefined
  if (database) {
    await seedDemoBand(database.db, { chainKey: resolveAuditKey({ auditKey: undefined }, BENCH_SESSION_SECRET) })
    // The demo parts' PDFs here, not by the seed's background job in the measured server: a production
    // (PostgreSQL) server never runs that job, and writing ~9,500 files for its first ~20 s took CPU,
    // disk and ~100 MB of RSS from whatever the benchmark measured then.
    await writeDemoPartFiles(database.db, createStorage({ kind: 'local', directory: path.join(dataDir, 'files') }), { partIds: demoPartIds() })
    await database.close()
  }
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    // The benchmark measures rendering, not the limiter's refusals.
    RATE_LIMIT_POINTS: '1000000',
  }
  if (database?.url) {
    // A server with DATABASE_URL must know its address (PUBLIC_URL).
    env.PORT = String(await freePort())
    env.PUBLIC_URL = `http://127.0.0.1:${env.PORT}`
    env.DATABASE_URL = database.url
    env.SESSION_SECRET = BENCH_SESSION_SECRET
    if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL
  }
  const server = await startServerProcess(env)
  const { url } = server
  return {
    url,
    pid: server.child.pid ?? 0,
    mode: database ? `PostgreSQL${env.REDIS_URL ? ' + Redis' : ''}` : 'embedded PGlite, memory cache',
    async stop() {
      server.child.kill('SIGTERM')
      await server.exited
      await database?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A demo account's session cookie, signed in through the real form. */
export async function signIn(base: string, email: string): Promise<string> {
  const form = await fetch(`${base}/login`)
  const first = form.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ')
  const answer = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: first, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: process.env.DEMO_PASSWORD ?? 'band-demo-2026' }),
  })
  if (answer.status !== 302) throw new Error(`signing in as ${email} answered ${answer.status}`)
  return answer.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ')
}

/** Resident memory of a process, in MiB (Linux /proc). */
export function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kib / 1024)
}

export type LoadFigures = { requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number }

/** autocannon against one URL: a short warm-up, then the measured run. */
export async function measure(url: string, options: { connections: number; seconds: number }): Promise<LoadFigures> {
  await autocannon({ url, connections: options.connections, duration: 2 })
  const result = await autocannon({ url, connections: options.connections, duration: options.seconds })
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }
}

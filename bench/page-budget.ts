import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { gunzipSync } from 'node:zlib'
import type { Benchmark } from './benchmarks.ts'
import { signIn, startBenchServer } from './bench-server.ts'

/**
 * Pages for basic phones (members-and-events issue): for /portal,
 * /portal/events/<next rehearsal> and /portal/availability, signed in as
 * musician@example.org — the HTML raw and gzip, the whole first load as
 * served (HTML and every stylesheet, script, font and image it pulls in,
 * compressed), the number of requests, and response times at 20 members
 * asking at once. Budget: HTML ≤ 14 KB gzip, first load ≤ 40 KB, p95 < 30 ms.
 */

const SESSIONS = 20
const MAX_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000)
const MAX_SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
// 20 members, each asking for a page every 200 ms: 100 requests a second, 2,000 in 20 s.
const EVERY_MS = Number(process.env.BENCH_EVERY_MS ?? 200)
const BUDGET = { htmlGzip: 14 * 1024, firstLoad: 40 * 1024, p95Ms: 30 }
const EMAIL = 'musician@example.org'

const agent = new Agent({ keepAlive: true, maxSockets: SESSIONS })

type Answer = { status: number; wireBytes: number; body: Buffer; headers: Record<string, string | string[] | undefined> }

/** One GET over a kept-alive connection, counting the bytes as they came over the wire. */
function get(url: string, cookie = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'accept-encoding': 'gzip', ...(cookie ? { cookie } : {}) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const wire = Buffer.concat(chunks)
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire
        resolve({ status: res.statusCode ?? 0, wireBytes: wire.length, body, headers: res.headers })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Everything a first visit downloads besides the HTML: stylesheets, scripts, preloads, images, and what the CSS pulls in. */
function referencedAssets(html: string): string[] {
  const found = new Set<string>()
  for (const match of html.matchAll(/<(?:link|script|img|source)\b[^>]*?\s(?:href|src)="([^"]+)"/g)) {
    const tag = match[0]
    if (tag.startsWith('<link') && !/rel="(?:stylesheet|modulepreload|icon|preload)"/.test(tag)) continue
    found.add(match[1] ?? '')
  }
  return [...found].filter((url) => url.startsWith('/') && !url.startsWith('//'))
}

function cssReferences(css: string): string[] {
  return [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((match) => match[1] ?? '').filter((url) => url.startsWith('/'))
}

type FirstLoad = { status: number; htmlRaw: number; htmlGzip: number; total: number; requests: number }

async function firstLoad(base: string, path: string, cookie: string): Promise<FirstLoad> {
  const page = await get(`${base}${path}`, cookie)
  let total = page.wireBytes
  let requests = 1
  const seen = new Set<string>()
  const queue = referencedAssets(page.body.toString('utf8'))
  while (queue.length > 0) {
    const asset = queue.shift() ?? ''
    if (seen.has(asset)) continue
    seen.add(asset)
    const answer = await get(`${base}${asset}`)
    total += answer.wireBytes
    requests += 1
    if (String(answer.headers['content-type']).startsWith('text/css')) queue.push(...cssReferences(answer.body.toString('utf8')))
  }
  return { status: page.status, htmlRaw: page.body.length, htmlGzip: page.wireBytes, total, requests }
}

type Timing = { requests: number; seconds: number; p50: number; p95: number; p99: number; failures: number }

type Bound = { requests: number; seconds: number; /** Each member starts a request this often; 0: back to back. */ everyMs: number }

/**
 * Members, each on their own session, asking for the page until the request
 * or time bound. Paced (`everyMs` > 0), each member starts a request every
 * `everyMs` (at once if the last took longer), their starts spread evenly.
 */
async function timePage(base: string, path: string, cookies: string[], bound: Bound): Promise<Timing> {
  const durations: number[] = []
  let failures = 0
  let sent = 0
  const started = performance.now()
  const deadline = started + bound.seconds * 1000
  await Promise.all(
    cookies.map(async (cookie, index) => {
      if (bound.everyMs > 0) await sleep((bound.everyMs * index) / cookies.length)
      while (sent < bound.requests && performance.now() < deadline) {
        sent += 1
        const begin = performance.now()
        const answer = await get(`${base}${path}`, cookie)
        const took = performance.now() - begin
        durations.push(took)
        if (answer.status !== 200) failures += 1
        if (bound.everyMs > took) await sleep(bound.everyMs - took)
      }
    }),
  )
  durations.sort((a, b) => a - b)
  const at = (share: number) => Math.round((durations[Math.min(durations.length - 1, Math.floor(share * durations.length))] ?? 0) * 10) / 10
  return { requests: durations.length, seconds: Math.round((performance.now() - started) / 100) / 10, p50: at(0.5), p95: at(0.95), p99: at(0.99), failures }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')

export const pageBudget: Benchmark = {
  name: 'page-budget',
  description: `phone pages: sizes of the first load, and response times at ${SESSIONS} signed-in members each asking every ${EVERY_MS} ms (≤ ${MAX_REQUESTS} requests or ${MAX_SECONDS} s per page), then flat out`,
  async run() {
    if (!process.env.DATABASE_URL) console.log('DATABASE_URL is not set: running on the embedded database; the budget is set for PostgreSQL.')
    const server = await startBenchServer()
    try {
      const base = server.url
      const cookies: string[] = []
      for (let i = 0; i < SESSIONS; i += 1) cookies.push(await signIn(base, EMAIL))
      const [cookie = ''] = cookies
      const schedule = (await get(`${base}/portal/events?kind=rehearsal`, cookie)).body.toString('utf8')
      const rehearsal = /href="(\/portal\/events\/[0-9a-f-]{36})"/.exec(schedule)?.[1]
      const pages = ['/portal', rehearsal ?? '/portal/events/(no upcoming rehearsal)', '/portal/availability']

      console.log(`server: ${server.mode}, signed in as ${EMAIL} (${SESSIONS} sessions), 127.0.0.1`)
      const rows: Record<string, Record<string, string | number>> = {}
      const verdicts: string[] = []
      for (const path of pages) {
        const load = await firstLoad(base, path, cookie)
        if (load.status === 404) {
          rows[path] = { status: 'missing (404)' }
          verdicts.push(`${path}: missing`)
          continue
        }
        if (load.status !== 200) throw new Error(`${path} answered ${load.status}`)
        // One member alone first (also the warm-up): what a request costs without queueing behind others.
        const alone = await timePage(base, path, cookies.slice(0, 1), { requests: 200, seconds: 5, everyMs: 0 })
        const timing = await timePage(base, path, cookies, { requests: MAX_REQUESTS, seconds: MAX_SECONDS, everyMs: EVERY_MS })
        // Then as fast as 20 sessions can go, back to back: the most this server serves, for information.
        const flat = await timePage(base, path, cookies, { requests: MAX_REQUESTS, seconds: MAX_SECONDS / 2, everyMs: 0 })
        const ok = { html: load.htmlGzip <= BUDGET.htmlGzip, load: load.total <= BUDGET.firstLoad, p95: timing.p95 < BUDGET.p95Ms && timing.failures === 0 }
        rows[path] = {
          'HTML raw': kb(load.htmlRaw),
          'HTML gzip': kb(load.htmlGzip),
          'first load gzip': kb(load.total),
          requests: load.requests,
          'p50 ms, 1 member': alone.p50,
          'timed requests': timing.requests,
          'req/s': Math.round(timing.requests / timing.seconds),
          'p50 ms': timing.p50,
          'p95 ms': timing.p95,
          'p99 ms': timing.p99,
          failures: timing.failures,
          'flat out req/s': Math.round(flat.requests / flat.seconds),
          'flat out p95 ms': flat.p95,
        }
        verdicts.push(
          `${path}: HTML ${kb(load.htmlGzip)} ${verdict(ok.html)} (≤ ${kb(BUDGET.htmlGzip)}), first load ${kb(load.total)} ${verdict(ok.load)} (≤ ${kb(BUDGET.firstLoad)}), p95 ${timing.p95} ms ${verdict(ok.p95)} (< ${BUDGET.p95Ms} ms)`,
        )
      }
      // For comparison, a page that still hydrates (ADR 010): what every page cost before.
      const hydrated = await firstLoad(base, '/login', '')
      rows['/login (hydrated, for comparison)'] = { 'HTML raw': kb(hydrated.htmlRaw), 'HTML gzip': kb(hydrated.htmlGzip), 'first load gzip': kb(hydrated.total), requests: hydrated.requests }
      console.table(rows)
      for (const line of verdicts) console.log(line)
    } finally {
      agent.destroy()
      await server.stop()
    }
  },
}

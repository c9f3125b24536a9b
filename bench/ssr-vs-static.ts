import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import type { Benchmark } from './benchmarks.ts'
import { measure, residentMiB, startBenchServer } from './bench-server.ts'

const connections = 10
const seconds = Number(process.env.BENCH_SECONDS ?? 10)

/**
 * The server-rendered home page against a static file of about the same size
 * served by the same Express server. Targets (foundation issue): SSR at least
 * 15% of the static requests/s, SSR p99 under 50 ms at 10 connections.
 */
export const ssrVersusStatic: Benchmark = {
  name: 'ssr-vs-static',
  description: `SSR home page vs a static asset of similar size (${connections} connections, ${seconds} s each)`,
  async run() {
    const embeddedRss = await embeddedDefaultMemory()
    const server = await startBenchServer()
    try {
      const rssAtStart = residentMiB(server.pid)
      const home = await fetch(`${server.url}/`)
      const homeBytes = (await home.arrayBuffer()).byteLength
      if (home.status !== 200) throw new Error(`home page answered ${home.status}`)
      const asset = closestAsset(homeBytes)

      const ssr = await measure(`${server.url}/`, { connections, seconds })
      const staticFile = await measure(`${server.url}/assets/${asset.name}`, { connections, seconds })
      const rssAfter = residentMiB(server.pid)
      const ratio = ssr.requestsPerSecond / staticFile.requestsPerSecond

      console.log(`server: ${server.mode}`)
      console.table({
        'SSR home page': { bytes: homeBytes, 'req/s': ssr.requestsPerSecond, 'p50 ms': ssr.p50, 'p99 ms': ssr.p99, errors: ssr.errors + ssr.non2xx },
        [`static ${asset.name}`]: {
          bytes: asset.bytes,
          'req/s': staticFile.requestsPerSecond,
          'p50 ms': staticFile.p50,
          'p99 ms': staticFile.p99,
          errors: staticFile.errors + staticFile.non2xx,
        },
      })
      console.log(`SSR / static requests per second: ${(ratio * 100).toFixed(1)}% (target ≥ 15%) ${ratio >= 0.15 ? 'met' : 'NOT met'}`)
      console.log(`SSR p99 at ${connections} connections: ${ssr.p99} ms (target < 50 ms) ${ssr.p99 < 50 ? 'met' : 'NOT met'}`)
      console.log(`server RSS (${server.mode}): ${rssAtStart} MiB after start, ${rssAfter} MiB after the load`)
      console.log(`server RSS (embedded default, PGlite) after start: ${embeddedRss} MiB`)
    } finally {
      await server.stop()
    }
  },
}

async function embeddedDefaultMemory(): Promise<number> {
  const server = await startBenchServer({ embedded: true })
  try {
    await (await fetch(`${server.url}/`)).arrayBuffer()
    return residentMiB(server.pid)
  } finally {
    await server.stop()
  }
}

function closestAsset(bytes: number) {
  const directory = path.resolve('build/client/assets')
  const assets = readdirSync(directory).map((name) => ({ name, bytes: statSync(path.join(directory, name)).size }))
  const closest = assets.sort((a, b) => Math.abs(a.bytes - bytes) - Math.abs(b.bytes - bytes))[0]
  if (!closest) throw new Error('No assets in build/client/assets: run npm run build')
  return closest
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, runServerCommand, spawnServer } from '#tests/setup/server-process.ts'

// Finding 3: the demo band and its published password stay on the operator's
// own machine unless a public demo is asked for. These start the embedded
// default itself (the only place the demo seeds itself), so they run the same
// whether or not the suite has PostgreSQL.

const dirs: string[] = []
const newDataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'band-demo-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Starts the production server with exactly this HOST (0.0.0.0: every interface) and waits until it serves. */
async function withServer<T>(env: Record<string, string>, work: (site: string) => Promise<T>): Promise<T> {
  const port = await freePort()
  const site = `http://localhost:${port}`
  const server = spawnServer([], { LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env, ...(env.HOST === '0.0.0.0' ? { PUBLIC_URL: site } : {}) })
  try {
    const deadline = Date.now() + 60_000
    let ready = false
    while (!ready) {
      if (Date.now() > deadline) throw new Error(`no answer within 60 s:\n${server.output()}`)
      if (server.child.exitCode !== null) throw new Error(`exited with ${server.child.exitCode}:\n${server.output()}`)
      ready = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false)
      if (!ready) await sleep(100)
    }
    return await work(site)
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
  }
}

describe('the demo band', () => {
  it('is not seeded on a server others can reach, and the demo accounts do not exist there', async () => {
    const dataDir = newDataDir()
    await withServer({ DATA_DIR: dataDir, HOST: '0.0.0.0' }, async (site) => {
      const home = await (await fetch(site)).text()
      expect(home).not.toContain('Riverside Community Band')
      const login = await new BrowserSession(site).login('superadmin@example.org')
      expect(login.status).toBe(400)
    })
  }, 90_000)

  it('refuses to serve others while accounts keep the published password, saying what to do', async () => {
    const dataDir = newDataDir()
    // First on loopback, where the demo band seeds itself…
    await withServer({ DATA_DIR: dataDir }, async (site) => {
      expect(await (await fetch(site)).text()).toContain('Riverside Community Band')
    })
    // …then on every interface: refused before it serves anything.
    const port = await freePort()
    const refused = await runServerCommand([], { DATA_DIR: dataDir, HOST: '0.0.0.0', PORT: String(port), PUBLIC_URL: `http://localhost:${port}`, LOG_LEVEL: 'warn' })
    expect(refused.code).toBe(1)
    expect(refused.output).toContain('These accounts still have the published demo password: superadmin@example.org')
    expect(refused.output).toContain('DEMO_MODE=true')
  }, 120_000)

  it('seeds itself and says so on every page when a public demo is asked for', async () => {
    await withServer({ DATA_DIR: newDataDir(), HOST: '0.0.0.0', DEMO_MODE: 'true' }, async (site) => {
      const home = await (await fetch(site)).text()
      expect(home).toContain('Riverside Community Band')
      expect(home).toContain('This is a public demo with made-up data')
      expect((await new BrowserSession(site).login('musician@example.org')).location).toBe('/portal')
    })
  }, 90_000)
})

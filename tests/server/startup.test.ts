import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, runServerCommand, startServerProcess } from '#tests/setup/server-process.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'band-startup-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A POST whose body arrives in two halves, so it is in flight for as long as we like. */
function startSlowPost(url: string) {
  const body = 'note=' + 'x'.repeat(95)
  const req = httpRequest(`${url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), origin: url },
  })
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    req.on('error', reject)
  })
  req.write(body.slice(0, 50))
  return {
    headersSent: new Promise<void>((resolve) => setTimeout(resolve, 200)),
    status,
    finish: () => req.end(body.slice(50)),
  }
}

describe('starting the production server', () => {
  it('refuses a bad configuration with one message naming each variable', async () => {
    const { code, output } = await runServerCommand([], { PORT: 'eighty', LOG_LEVEL: 'chatty', DATA_DIR: scratch })
    expect(code).toBe(1)
    expect(output).toContain('cannot start because of its configuration')
    expect(output).toContain('PORT')
    expect(output).toContain('LOG_LEVEL')
    expect(output).not.toMatch(/\n\s+at /)
  })

  it('exits with a clear message when the database is down at start', async () => {
    const port = await freePort()
    const { code, output } = await runServerCommand([], {
      DATABASE_URL: `postgres://band@127.0.0.1:${port}/band`,
      SESSION_SECRET: 'x'.repeat(40),
      DATA_DIR: scratch,
      PORT: '0',
    })
    expect(code).toBe(1)
    expect(output).toContain(`Cannot reach the database (PostgreSQL at 127.0.0.1:${port}/band)`)
    expect(output).not.toMatch(/\n\s+at /)
  })

  it('refuses a second process on the embedded DATA_DIR while the server holds it', async () => {
    const dataDir = path.join(scratch, 'embedded')
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' }
    const server = await startServerProcess(env)
    const { url } = server
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200)

      for (const command of [['migrate'], ['seed'], []]) {
        const second = await runServerCommand(command, env)
        expect(second.code).toBe(1)
        expect(second.output).toContain(`The data directory ${dataDir} is in use by the band web server`)
      }
      // The server is unharmed.
      expect((await fetch(`${url}/`)).status).toBe(200)

      // Graceful shutdown: a request in flight when SIGTERM arrives still gets its answer.
      const inFlight = startSlowPost(url)
      await inFlight.headersSent
      server.child.kill('SIGTERM')
      await sleep(300)
      inFlight.finish()
      expect(await inFlight.status).toBe(405)
    } finally {
      if (!server.child.killed) server.child.kill('SIGTERM')
    }
    // The stopped server released the lock: the same command now runs.
    expect(await server.exited).toBe(0)
    const after = await runServerCommand(['migrate'], env)
    expect(after.output).toContain('The database is up to date')
    expect(after.code).toBe(0)
  }, 120_000)
})

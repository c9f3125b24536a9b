import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, runServerCommand, startServerProcess } from '#tests/setup/server-process.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'band-startup-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

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
    } finally {
      server.child.kill('SIGTERM')
    }
    // Graceful shutdown releases the lock: the same command now runs.
    expect(await server.exited).toBe(0)
    const after = await runServerCommand(['migrate'], env)
    expect(after.output).toContain('The database is up to date')
    expect(after.code).toBe(0)
  }, 120_000)
})

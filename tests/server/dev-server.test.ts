import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '#tests/setup/server-process.ts'

// `npm run dev` runs the sources through Vite: a different module graph from
// the production build, with its own ways to break (two copies of a package).
const scratch = mkdtempSync(path.join(tmpdir(), 'band-dev-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the development server', () => {
  it('serves pages from source through Vite', async () => {
    const port = await freePort()
    const child = spawn(path.resolve('node_modules/.bin/tsx'), ['server/dev.ts'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: scratch, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      const url = `http://127.0.0.1:${port}`
      let up = false
      for (let i = 0; i < 600 && !up && child.exitCode === null; i++) {
        up = await fetch(`${url}/healthz`).then((response) => response.ok, () => false)
        if (!up) await sleep(100)
      }
      expect(up, output).toBe(true)
      const home = await fetch(`${url}/`)
      expect(home.status, output).toBe(200)
      expect(await home.text()).toContain('Riverside Community Band')
      expect((await fetch(`${url}/login`)).status, output).toBe(200)
    } finally {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }, 120_000)
})

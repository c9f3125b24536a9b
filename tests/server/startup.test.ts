import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, killIfRunning, runServerCommand, startServerProcess, stopServerProcess } from '#tests/setup/server-process.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'band-startup-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A V8 stack frame ("at handler (file:///…/index.js:12:7)"), escaped or not. */
const stackFrame = /\bat\s[^\n"]*?\.(?:js|ts|tsx|mjs):\d+:\d+/

/** Rejects with `message` unless `promise` settles within `ms`. */
async function within<T>(ms: number, message: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (waited ${ms} ms)`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * A POST whose body arrives in two halves, so it is in flight for as long as
 * we like. It asks for `100 Continue`: Node's server sends that once it has
 * parsed the headers and handed the request to the app, so `received` means
 * the server really holds the request (no guessing with a timer).
 */
function startSlowPost(url: string) {
  const body = 'note=' + 'x'.repeat(95)
  const req = httpRequest(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(body.length),
      origin: url,
      expect: '100-continue',
    },
  })
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    req.on('error', reject)
  })
  const received = new Promise<void>((resolve, reject) => {
    req.once('continue', () => {
      req.write(body.slice(0, 50))
      resolve()
    })
    req.once('error', reject)
  })
  // Awaited later; until then a failure must not count as an unhandled rejection.
  status.catch(() => {})
  req.flushHeaders()
  return {
    received: within(10_000, 'the server never took the request (no 100 Continue)', received),
    status,
    finish: () => req.end(body.slice(50)),
  }
}

/** Resolves once the server at `url` refuses new connections (it has closed its port), within `timeoutMs`. */
async function untilRefusingConnections(url: string, timeoutMs = 10_000) {
  const { hostname, port } = new URL(url)
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname)
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (!accepted) return
    await sleep(25)
  }
  throw new Error(`${url} still accepts connections ${timeoutMs} ms after SIGTERM`)
}

/** The sources of one CSP directive ("script-src 'self' 'nonce-…'" → ["'self'", "'nonce-…'"]). */
function cspSources(header: string | null, directive: string): string[] {
  const found = (header ?? '').split(';').map((part) => part.trim().split(/\s+/)).find(([name]) => name === directive)
  return found?.slice(1) ?? []
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
      PUBLIC_URL: 'https://band.example.org',
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

      // Graceful shutdown: a request in flight when SIGTERM arrives still gets
      // its answer, while new connections are refused.
      const inFlight = startSlowPost(url)
      await inFlight.received
      server.child.kill('SIGTERM')
      await untilRefusingConnections(url)
      inFlight.finish()
      expect(await inFlight.status).toBe(405)
      expect(await stopServerProcess(server)).toBe(0)
    } finally {
      killIfRunning(server)
    }
    // The stopped server released the lock: the same command now runs.
    const after = await runServerCommand(['migrate'], env)
    expect(after.output).toContain('The database is up to date')
    expect(after.code).toBe(0)
  }, 120_000)

  it('the production entry serves production mode even without NODE_ENV', async () => {
    // spawnServer passes exactly this environment: no NODE_ENV at all.
    const server = await startServerProcess({ DATA_DIR: path.join(scratch, 'no-node-env'), LOG_LEVEL: 'warn' })
    try {
      const home = await fetch(`${server.url}/`)
      expect(home.status).toBe(200)
      const scriptSrc = cspSources(home.headers.get('content-security-policy'), 'script-src')
      const nonces = scriptSrc.filter((source) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(source))
      expect(nonces, `script-src ${scriptSrc.join(' ')}`).toHaveLength(1)
      expect(scriptSrc).not.toContain("'unsafe-inline'")
      // The page's own scripts carry that nonce, so the browser runs them.
      const nonce = nonces[0]?.slice("'nonce-".length, -1) ?? ''
      expect(await home.text()).toContain(`nonce="${nonce}"`)

      const missing = await fetch(`${server.url}/no-such-page-${Date.now()}`)
      expect(missing.status).toBe(404)
      const page = await missing.text()
      expect(page).toContain('Page not found')
      // The pattern does find a stack, raw or JSON-escaped in hydration data…
      expect(JSON.stringify({ stack: new Error('probe').stack })).toMatch(stackFrame)
      // …and the page has none.
      expect(page).not.toMatch(stackFrame)
      expect(await stopServerProcess(server)).toBe(0)
    } finally {
      killIfRunning(server)
    }
  }, 120_000)

  it('a port already in use gives one clear line before anything is migrated or seeded', async () => {
    const occupant = createNetServer()
    await new Promise<void>((resolve, reject) => {
      occupant.once('error', reject)
      occupant.listen(0, '127.0.0.1', resolve)
    })
    const { port } = occupant.address() as AddressInfo
    const dataDir = path.join(scratch, 'port-in-use')
    try {
      const { code, output } = await runServerCommand([], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir }, 20_000)
      expect(code).toBe(1)
      expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`)
      expect(output.trim().split('\n'), output).toHaveLength(1)
      expect(output).not.toMatch(stackFrame)
      // Nothing was opened, migrated or seeded: the embedded database would live in DATA_DIR/pg.
      const made = existsSync(dataDir) ? readdirSync(dataDir) : []
      expect(made, `DATA_DIR holds ${made.join(', ')}`).not.toContain('pg')
    } finally {
      await new Promise<void>((resolve) => occupant.close(() => resolve()))
    }
  })
})

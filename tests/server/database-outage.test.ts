import { createServer, type Server, type Socket, connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { DatabaseUnavailableError, openDatabase } from '#db/client.server.ts'
import { readyzDetails, startTestServer, type TestServer } from '#tests/setup/test-server.ts'

/**
 * PostgreSQL going away while the app runs. A TCP relay sits between the app
 * and the real PostgreSQL; closing it cuts the database off without touching
 * the server other test files share. PGlite lives inside the process and
 * cannot go away, so this runs on PostgreSQL only.
 */
class Relay {
  #server: Server | undefined
  readonly #sockets = new Set<Socket>()
  readonly #target: { host: string; port: number }
  port = 0

  constructor(target: { host: string; port: number }) {
    this.#target = target
  }

  async open(port = 0) {
    this.#server = createServer((client) => {
      const upstream = connect(this.#target.port, this.#target.host)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => socket.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => this.#server?.listen(port, '127.0.0.1', resolve))
    const address = this.#server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
  }

  async cut() {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()))
  }
}

const databaseUrl = process.env.DATABASE_URL

describe.runIf(databaseUrl)('when PostgreSQL goes away and comes back', () => {
  let server: TestServer
  let relay: Relay

  beforeAll(async () => {
    const target = new URL(databaseUrl ?? '')
    relay = new Relay({ host: target.hostname, port: Number(target.port || 5432) })
    await relay.open()
    server = await startTestServer({
      databaseUrlForApp: (url) => {
        const viaRelay = new URL(url)
        viaRelay.hostname = '127.0.0.1'
        viaRelay.port = String(relay.port)
        return viaRelay.toString()
      },
    })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await relay?.cut().catch(() => {})
  })

  it('serves normally while the database is there', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
    expect((await fetch(`${server.url}/`)).status).toBe(200)
  })

  it('answers 503 on /readyz and pages while it is away, then recovers by itself', async () => {
    await relay.cut()

    const ready = await fetch(`${server.url}/readyz`, { headers: readyzDetails })
    expect(ready.status).toBe(503)
    expect((await ready.json()).checks.database.status).toBe('fail')

    // A page that reads the database (the home page may still come from the
    // brief public cache, which is fine: it needs nothing from the database).
    const page = await fetch(`${server.url}/about`)
    expect(page.status).toBe(503)
    const html = await page.text()
    expect(html).toContain('Temporarily unavailable')
    expect(html).not.toMatch(/\n\s+at /)

    // Liveness is not readiness: the process itself is fine.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)

    await relay.open(relay.port)
    await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 15_000 }).toBe(200)
    expect((await fetch(`${server.url}/about`)).status).toBe(200)
  })
})

describe.runIf(databaseUrl)('when PostgreSQL goes away in the middle of a transaction', () => {
  // A checked-out connection has no pool listener; an 'error' between two
  // queries used to be an uncaught exception that took the process down.
  it('fails the transaction as "unavailable" and nothing is left uncaught', async () => {
    const target = new URL(databaseUrl ?? '')
    const relay = new Relay({ host: target.hostname, port: Number(target.port || 5432) })
    await relay.open()
    const viaRelay = new URL(databaseUrl ?? '')
    viaRelay.hostname = '127.0.0.1'
    viaRelay.port = String(relay.port)
    const lost: Error[] = []
    const database = await openDatabase({ kind: 'postgres', url: viaRelay.toString() }, { onPoolError: (error) => lost.push(error) })
    try {
      const outcome = database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx)
        await relay.cut()
        await expect.poll(() => lost.length).toBeGreaterThan(0)
        await sql`select 2`.execute(trx)
      })
      await expect(outcome).rejects.toBeInstanceOf(DatabaseUnavailableError)
      expect(lost[0]?.message).toMatch(/terminated/i)
    } finally {
      await database.close().catch(() => {})
      await relay.cut().catch(() => {})
    }
  })
})

import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as ServerEntry from '#server/main.ts'
import { resolveAuditKey, resolveMemberDataKeys } from '#app/platform/config.server.ts'
import { decodeDataKey } from '#app/platform/secret-box.server.ts'
import { createStorage } from '#app/platform/storage.server.ts'
import { seedDemoBand } from '#db/seed/seed.server.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'
import { freePort } from './server-process.ts'

/**
 * Starts the production build in this test process, on a free port, with its
 * own data directory and database:
 * - with DATABASE_URL (PostgreSQL): a fresh database, the demo band added first;
 * - without: the embedded default in a temporary DATA_DIR, which seeds itself.
 * `stop()` shuts the server down gracefully and removes what it made.
 */
export type TestServer = {
  url: string
  dataDir: string
  databaseUrl: string | undefined
  /** The environment the server was started with. */
  env: NodeJS.ProcessEnv
  /** The server's own runtime (its database handle, its config), for checks behind the app's back. */
  runtime: Awaited<ReturnType<typeof ServerEntry.startServer>>['runtime']
  stop(): Promise<void>
}

export const serverBundle = path.resolve('build/server/index.js')

const TEST_SESSION_SECRET = 'test-session-secret-0123456789abcdef'

/** Monitoring's token for the details of /readyz: `headers: readyzDetails`. */
export const TEST_HEALTH_TOKEN = 'test-health-token-0123456789'
export const readyzDetails = { authorization: `Bearer ${TEST_HEALTH_TOKEN}` }

type TestServerOptions = {
  env?: Record<string, string>
  useRedis?: boolean
  /** Lets a test put something (a TCP relay) between the app and PostgreSQL. */
  databaseUrlForApp?: (url: string) => string
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  if (!existsSync(serverBundle)) throw new Error('No production build: run `npm run build` before the server tests.')
  const dataDir = mkdtempSync(path.join(tmpdir(), 'band-server-'))
  let database: TestDatabase | undefined
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase()
    // Seeded with the audit key the server will derive from its secret, so the chain stays whole.
    const secret = options.env?.SESSION_SECRET ?? TEST_SESSION_SECRET
    // The server's own file storage (its DATA_DIR), so the demo parts seeded here are there for it.
    const storage = options.env?.S3_BUCKET ? undefined : createStorage({ kind: 'local', directory: path.join(dataDir, 'files') })
    await seedDemoBand(database.db, {
      storage,
      chainKey: resolveAuditKey({ auditKey: options.env?.AUDIT_KEY }, secret),
      // The key the server will use, so the seeded emergency contacts open there.
      memberDataKeys: resolveMemberDataKeys(
        {
          memberDataKey: options.env?.MEMBER_DATA_KEY ? decodeDataKey(options.env.MEMBER_DATA_KEY) : undefined,
          memberDataKeyPrevious: options.env?.MEMBER_DATA_KEY_PREVIOUS ? decodeDataKey(options.env.MEMBER_DATA_KEY_PREVIOUS) : undefined,
        },
        secret,
      ),
    })
    await storage?.close()
    await database.close()
  }
  // A deployment with DATABASE_URL must name its address (PUBLIC_URL): pick the port first.
  const port = options.env?.PORT ?? (database ? String(await freePort()) : '0')
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: port,
    ...(database ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    HEALTH_TOKEN: TEST_HEALTH_TOKEN,
    ...(database?.url ? { DATABASE_URL: options.databaseUrlForApp?.(database.url) ?? database.url, SESSION_SECRET: TEST_SESSION_SECRET } : {}),
    // Test files run in parallel against one Redis: each server counts in its own keys.
    ...(options.useRedis !== false && process.env.REDIS_URL
      ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `band-test:${randomBytes(6).toString('hex')}:` }
      : {}),
    ...options.env,
  }
  const entry = (await import(pathToFileURL(serverBundle).href)) as typeof ServerEntry
  const server = await entry.startServer({ env })
  return {
    url: server.url,
    dataDir,
    databaseUrl: database?.url,
    env,
    runtime: server.runtime,
    async stop() {
      await server.stop()
      await database?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

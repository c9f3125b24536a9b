import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import lockfile from 'proper-lockfile'

/**
 * PGlite does not stop a second process from opening its directory, and two
 * openers corrupt it (STACK-NOTES.md). Every process that opens DATA_DIR/pg
 * takes this lock first; a second one is refused with DataDirLockedError.
 *
 * proper-lockfile keeps the lock fresh while we run and treats a lock older
 * than `staleMs` as left by a crashed process, so a kill -9 does not lock the
 * band out of its own data.
 */

export type DataDirLock = { release(): Promise<void> }

type Owner = { pid: number; purpose: string; since: string }

export class DataDirLockedError extends Error {
  constructor(dataDir: string, owner: Owner | undefined) {
    const who = owner ? `${owner.purpose} (process ${owner.pid}, since ${owner.since})` : 'another process'
    super(
      `The data directory ${dataDir} is in use by ${who}.\n` +
        'The embedded database can be opened by one process at a time. Stop the running server first ' +
        '(or run this command while it is stopped), or set DATABASE_URL to use PostgreSQL.',
    )
    this.name = 'DataDirLockedError'
  }
}

const staleMs = 30_000

export async function lockDataDir(
  dataDir: string,
  purpose: string,
  onCompromised: (error: Error) => void = (error) => {
    throw error
  },
): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true })
  const ownerFile = path.join(dataDir, 'lock-owner.json')
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, 'data.lock'),
      stale: staleMs,
      update: staleMs / 3,
      realpath: false,
      onCompromised,
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirLockedError(dataDir, readOwner(ownerFile))
    throw error
  }
  const owner: Owner = { pid: process.pid, purpose, since: new Date().toISOString() }
  writeFileSync(ownerFile, JSON.stringify(owner))
  return {
    async release() {
      rmSync(ownerFile, { force: true })
      await release()
    },
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owner
  } catch {
    return undefined
  }
}

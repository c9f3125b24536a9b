import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, stat as statFile, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { assertKey, assertMaxBytes, assertPrefix, assertRange, createMeter, errorCode, errorDetail, type ObjectInfo, type Storage, StorageNotFoundError, StorageRangeError, TEMP_PREFIX } from './storage-contract.server.ts'

/** Files in a folder on disk: written under .tmp/, synced, then renamed into place. */
export function createLocalStorage(directory: string): Storage {
  const root = path.resolve(directory)
  const tempDirectory = path.join(root, TEMP_PREFIX)

  const fileFor = (key: string) => {
    assertKey(key)
    const file = path.resolve(root, ...key.split('/'))
    // Belt and braces: assertKey already rules out climbing, but this is the line that must hold.
    if (!file.startsWith(root + path.sep)) throw new TypeError(`Invalid storage key ${JSON.stringify(key)}: outside storage`)
    return file
  }
  const isMissing = (error: unknown) => errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR'

  const stat = async (key: string): Promise<ObjectInfo | null> => {
    const file = fileFor(key)
    try {
      const info = await statFile(file)
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : null
    } catch (error) {
      if (isMissing(error)) return null
      throw error
    }
  }

  return {
    kind: 'local',

    async put(key, body, options = {}) {
      const file = fileFor(key)
      assertMaxBytes(options.maxBytes)
      options.signal?.throwIfAborted()
      await mkdir(tempDirectory, { recursive: true })
      // Same filesystem as the target, so the rename below is atomic.
      const temp = path.join(tempDirectory, randomUUID())
      const meter = createMeter(options.maxBytes)
      try {
        // flush: fsync before close, so the rename never publishes bytes that are only in the page cache.
        // A 1 MiB buffer lets the writer run ahead of the disk: chunks that arrive during a write go out together
        // in one writev (batch upload, three runs each: 0.44–0.53× the plain handler's speed against 0.37–0.44× with the default).
        const sink = createWriteStream(temp, { flags: 'wx', flush: true, highWaterMark: 1024 * 1024 })
        await pipeline(body, meter.stream, sink, { signal: options.signal })
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      try {
        await mkdir(path.dirname(file), { recursive: true })
        await rename(temp, file)
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      await syncDirectory(path.dirname(file))
      return meter.result(key)
    },

    async get(key, options = {}) {
      const file = fileFor(key)
      if (options.range) assertRange(options.range)
      // Open first and read through the handle: a rename between a stat and an open cannot mix two versions.
      const handle = await open(file, 'r').catch((error: unknown) => {
        throw isMissing(error) ? new StorageNotFoundError(key, { cause: error }) : error
      })
      try {
        const info = await handle.stat()
        if (!info.isFile()) throw new StorageNotFoundError(key)
        const range = options.range
        if (!range) return createReadStream(file, { fd: handle })
        if (range.start >= info.size) throw new StorageRangeError(`Range starts at ${range.start} but ${key} has ${info.size} bytes`)
        const end = Math.min(range.end ?? info.size - 1, info.size - 1)
        return createReadStream(file, { fd: handle, start: range.start, end })
      } catch (error) {
        await handle.close()
        throw error
      }
    },

    stat,

    async exists(key) {
      return (await stat(key)) !== null
    },

    async delete(key) {
      const file = fileFor(key)
      // A folder under the key (from keys below it) is not an object: nothing to delete.
      if ((await stat(key)) === null) return
      // Empty parent folders stay: removing them could race a put that just created one.
      await unlink(file).catch((error: unknown) => {
        if (!isMissing(error)) throw error
      })
    },

    async move(from, to) {
      const source = fileFor(from)
      const target = fileFor(to)
      // A folder made by deeper keys is not an object (as for get and stat).
      if ((await stat(from)) === null) throw new StorageNotFoundError(from)
      if (source === target) return
      await mkdir(path.dirname(target), { recursive: true })
      // Same filesystem (one storage folder), so rename is atomic and replaces the target.
      await rename(source, target).catch((error: unknown) => {
        throw isMissing(error) ? new StorageNotFoundError(from, { cause: error }) : error
      })
      await syncDirectory(path.dirname(target))
      if (path.dirname(source) !== path.dirname(target)) await syncDirectory(path.dirname(source))
    },

    async *list(prefix) {
      assertPrefix(prefix)
      const folder = fileFor(prefix.slice(0, -1))
      const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
        if (isMissing(error)) return []
        throw error
      })
      for (const entry of entries) {
        if (!entry.isFile()) continue
        const file = path.join(entry.parentPath, entry.name)
        // Gone since the folder was read (deleted or moved meanwhile): not an object any more.
        const info = await statFile(file).catch(() => null)
        if (info?.isFile()) yield { key: path.relative(root, file).split(path.sep).join('/'), size: info.size, lastModified: info.mtime }
      }
    },

    async check() {
      const probe = path.join(tempDirectory, `check-${randomUUID()}`)
      try {
        await mkdir(tempDirectory, { recursive: true })
        const token = randomUUID()
        await writeFile(probe, token, { flag: 'wx' })
        if ((await readFile(probe, 'utf8')) !== token) throw new Error('read back different bytes')
        return { status: 'ok', kind: 'local' }
      } catch (error) {
        return { status: 'fail', kind: 'local', detail: errorDetail(error) }
      } finally {
        await rm(probe, { force: true }).catch(() => undefined)
      }
    },

    async close() {},
  }
}

/** Makes a rename durable. Best effort: the file is already in place, and some filesystems refuse fsync on a folder. */
async function syncDirectory(directory: string) {
  const handle = await open(directory, 'r').catch(() => undefined)
  if (!handle) return
  await handle.sync().catch(() => undefined)
  await handle.close()
}

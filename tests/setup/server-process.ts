import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { SERVER_NODE_FLAGS } from '#server/node-flags.ts'

/**
 * Runs `node server/index.ts …` (the production entry, with its V8 flags) as a separate process,
 * the way an operator would, with exactly the environment given.
 */
export type ServerProcess = {
  child: ChildProcess
  /** The last 64 KB the process printed (stdout and stderr). */
  output: () => string
  exited: Promise<number | null>
}

export function spawnServer(args: string[], env: Record<string, string>): ServerProcess {
  // With the production V8 flags, so tests and benchmarks measure the server as it is run.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'server/index.ts', ...args], {
    cwd: path.resolve('.'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  return { child, output: () => output, exited }
}

/**
 * Starts the web server on a free port and resolves with its URL once
 * /healthz answers 200; rejects with what it printed if it exits first.
 * The server binds its port before it opens the database and answers every
 * request with 503 "starting" until it is ready, so a 503 (like a refused
 * connection) means "not yet", never "up".
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 90_000) {
  const port = env.PORT && env.PORT !== '0' ? Number(env.PORT) : await freePort()
  const server = spawnServer([], { ...env, PORT: String(port), HOST: '127.0.0.1' })
  const url = `http://127.0.0.1:${port}`
  let exitCode: number | null | undefined
  server.exited.then((code) => (exitCode = code))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode} before it was ready:\n${server.output()}`)
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false)
    if (healthy) return { ...server, url }
    await sleep(100)
  }
  server.child.kill('SIGKILL')
  throw new Error(`server did not answer within ${timeoutMs} ms:\n${server.output()}`)
}

/**
 * Stops a server the graceful way (SIGTERM, unless one was sent already) and
 * resolves with its exit code; after `timeoutMs` it is killed and this rejects.
 */
export async function stopServerProcess(server: ServerProcess, timeoutMs = 30_000): Promise<number | null> {
  // A second SIGTERM would find no handler left and kill the process outright.
  if (!server.child.killed) server.child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs)
  })
  const result = await Promise.race([server.exited, timedOut])
  clearTimeout(timer)
  if (result !== 'timed out') return result
  server.child.kill('SIGKILL')
  await server.exited
  throw new Error(`server did not stop within ${timeoutMs} ms of SIGTERM:\n${server.output()}`)
}

/** For `finally`: a process a failed test left running is killed, so no test leaves one behind. */
export function killIfRunning(server: ServerProcess): void {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
}

/**
 * Runs a command to completion: exit code and everything it printed. One that
 * is still running after `timeoutMs` (a server that should have refused to
 * start) is killed, and this rejects with its output.
 */
export async function runServerCommand(args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const run = spawnServer(args, env)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs)
  })
  const code = await Promise.race([run.exited, timedOut])
  clearTimeout(timer)
  if (code === 'timed out') {
    run.child.kill('SIGKILL')
    await run.exited
    throw new Error(`\`node server/index.ts ${args.join(' ')}\` still ran after ${timeoutMs} ms:\n${run.output()}`)
  }
  return { code, output: run.output() }
}

/** A local port with nothing listening on it (yet). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || !address) throw new Error('could not find a free port')
  return address.port
}

import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Runs `node server/index.ts …` (the production entry) as a separate process,
 * the way an operator would, with exactly the environment given.
 */
export type ServerProcess = {
  child: ChildProcess
  /** The last 64 KB the process printed (stdout and stderr). */
  output: () => string
  exited: Promise<number | null>
}

export function spawnServer(args: string[], env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['server/index.ts', ...args], {
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
 * /healthz answers; rejects with what it printed if it exits first.
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 90_000) {
  const port = env.PORT && env.PORT !== '0' ? Number(env.PORT) : await freePort()
  const server = spawnServer([], { ...env, PORT: String(port), HOST: '127.0.0.1' })
  const url = `http://127.0.0.1:${port}`
  let exitCode: number | null | undefined
  server.exited.then((code) => (exitCode = code))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode} before listening:\n${server.output()}`)
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false)
    if (healthy) return { ...server, url }
    await sleep(100)
  }
  server.child.kill('SIGKILL')
  throw new Error(`server did not answer within ${timeoutMs} ms:\n${server.output()}`)
}

/** Runs a command to completion: exit code and everything it printed. */
export async function runServerCommand(args: string[], env: Record<string, string>) {
  const run = spawnServer(args, env)
  const code = await run.exited
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

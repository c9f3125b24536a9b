import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'

/**
 * Runs `node server/index.ts …` (the production entry) as a separate process,
 * the way an operator would, with exactly the environment given.
 */
export type ServerProcess = {
  child: ChildProcess
  output: () => string
  /** Resolves with the URL once the server logs that it listens. */
  listening: Promise<string>
  exited: Promise<number | null>
}

export function spawnServer(args: string[], env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['server/index.ts', ...args], {
    cwd: path.resolve('.'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /"url":"(http:\/\/[^"]+)".*band platform is listening/.exec(output)
      if (match?.[1]) resolve(match[1])
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)))
  })
  listening.catch(() => {})
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  return { child, output: () => output, listening, exited }
}

/** Runs a command to completion: exit code and everything it printed. */
export async function runServerCommand(args: string[], env: Record<string, string>) {
  const run = spawnServer(args, env)
  const code = await run.exited
  return { code, output: run.output() }
}

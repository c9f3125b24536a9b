import type * as ServerEntry from './main.ts'

/**
 * The shared tail of server/index.ts (production build) and server/dev.ts
 * (sources through Vite): run a command, or serve until SIGTERM. Known
 * start-up problems print one readable message, without a stack trace.
 */
export async function runProcess(
  entry: Pick<typeof ServerEntry, 'startServer' | 'runCommand' | 'runWorkerProcess'>,
  argv: string[],
  dev?: Parameters<typeof ServerEntry.startServer>[0],
) {
  const [command = 'serve', ...args] = argv
  try {
    if (command !== 'serve' && command !== 'worker') {
      console.log(await entry.runCommand([command, ...args]))
      return
    }
    const server = command === 'worker' ? await entry.runWorkerProcess() : await entry.startServer(dev)
    const stop = () => {
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error)
          process.exit(1)
        },
      )
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  } catch (error) {
    const known = ['ConfigError', 'DataDirLockedError', 'StartupError', 'CommandError', 'MigrationError', 'PortInUseError']
    if (error instanceof Error && known.includes(error.name)) {
      const cause = error.cause instanceof Error ? `\n(${error.cause.message})` : ''
      console.error(`${error.message}${cause}`)
    } else {
      console.error(error)
    }
    process.exit(1)
  }
}

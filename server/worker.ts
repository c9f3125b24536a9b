import { loadConfig } from '#app/platform/config.server.ts'
import { createRuntime } from '#app/platform/runtime.server.ts'
import { startBackgroundWorker } from '#app/worker.server.ts'

/**
 * `npm run worker`: the background worker in its own process, on the same
 * runtime as the web server. With PostgreSQL any number may run beside the
 * web instances (jobs are claimed with SKIP LOCKED); on the embedded default
 * the web process runs the worker itself and holds the only lock on DATA_DIR.
 */
export async function runWorkerProcess(env: NodeJS.ProcessEnv = process.env): Promise<{ stop(): Promise<void> }> {
  const config = loadConfig(env)
  const runtime = await createRuntime(config, 'worker')
  const worker = await startBackgroundWorker(runtime)
  runtime.logger.info({ workerId: worker.workerId, database: runtime.database.description, mail: runtime.mail.mode }, 'band worker is running')
  let stopping: Promise<void> | undefined
  return {
    stop() {
      stopping ??= (async () => {
        await worker.stop()
        await runtime.close()
        runtime.logger.info('worker stopped')
      })()
      return stopping
    },
  }
}

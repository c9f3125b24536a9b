// Playwright's web server: the production build on E2E_PORT with a fresh demo
// band (a new PostgreSQL database when DATABASE_URL is set, a temporary
// embedded one otherwise), removed again when Playwright stops it.
import { startTestServer } from '../setup/test-server.ts'

const server = await startTestServer({
  env: { PORT: process.env.E2E_PORT ?? '3210', LOG_LEVEL: 'warn', RATE_LIMIT_POINTS: '100000' },
})
console.log(`e2e server ready at ${server.url}`)

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

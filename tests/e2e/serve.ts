// Playwright's web server: the production build on E2E_PORT with a fresh demo
// band (a new PostgreSQL database when DATABASE_URL is set, a temporary
// embedded one otherwise), removed again when Playwright stops it.
//
// Mail goes over SMTP to a real server in this process, as in production. The
// tests run in other processes, so they read it over HTTP on E2E_MAIL_PORT:
// GET /messages?to=<address> → the messages to that address, oldest first.
//
// playwright.config.ts picks both ports (free ones) and passes them in. Run
// by hand without them, it takes any free ports and prints where it is.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startTestSmtpServer } from '../setup/smtp-server.ts'
import { startTestServer } from '../setup/test-server.ts'

const appPort = process.env.E2E_PORT || '0'
const requestedMailPort = Number(process.env.E2E_MAIL_PORT || 0)

const smtp = await startTestSmtpServer()

const mailbox = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const to = url.searchParams.get('to')?.toLowerCase()
  if (request.method !== 'GET' || url.pathname !== '/messages' || !to) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('GET /messages?to=<address>')
    return
  }
  const messages = smtp.messages.filter((mail) => mail.recipients.includes(to))
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(messages))
})
await new Promise<void>((resolve, reject) => {
  mailbox.once('error', reject)
  mailbox.listen(requestedMailPort, '127.0.0.1', () => resolve())
})
const mailPort = (mailbox.address() as AddressInfo).port

const server = await startTestServer({
  env: { PORT: appPort, LOG_LEVEL: 'warn', RATE_LIMIT_POINTS: '100000', SMTP_URL: smtp.url },
})
console.log(`e2e server ready at ${server.url}; mail at http://127.0.0.1:${mailPort}/messages`)

const stop = () => {
  // The app first: a request in flight may still be sending mail.
  server
    .stop()
    .then(() => Promise.all([smtp.stop(), new Promise<void>((resolve) => mailbox.close(() => resolve()))]))
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)

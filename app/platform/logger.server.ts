import { pino, type Logger } from 'pino'
import type { Config } from './config.server.ts'

export type { Logger }

/** Structured JSON logs on stdout; secrets are redacted before they are written. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'band-platform' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'password', '*.password', 'sessionSecret'],
      censor: '[redacted]',
    },
  })
}

import { hkdfSync, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { type DataKeyRing, dataKey, decodeDataKey, deriveDataKey } from './secret-box.server.ts'
import type { StorageConfig } from './storage.server.ts'

/**
 * Every setting the platform reads from the environment, in one place.
 * `loadConfig()` refuses to start with one message that names each bad variable.
 */

/**
 * Connections per pool (ADR 013): about twice the database machine's cores,
 * plus one. More callers wait in the app for a free connection, which costs
 * less than more PostgreSQL backends taking turns on the same cores.
 */
export const DEFAULT_DATABASE_POOL_MAX = 5

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value

const optionalString = z.preprocess(blankToUndefined, z.string().optional())

function urlWithProtocols(protocols: string[], example: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol)
          } catch {
            return false
          }
        },
        { message: `must be a URL such as ${example}` },
      )
      .optional(),
  )
}

// 32 random bytes, e.g. `openssl rand -hex 32`; decoded here so a bad key stops the start.
const dataKeyVariable = z.preprocess(
  blankToUndefined,
  z
    .string()
    .transform((value, context) => {
      const key = decodeDataKey(value)
      if (!key) {
        context.addIssue({ code: 'custom', message: 'must be 32 random bytes written as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)' })
        return z.NEVER
      }
      return key
    })
    .optional(),
)

const booleanFlag = z.preprocess((value) => {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const normalised = value.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(normalised)) return true
  if (['0', 'false', 'no', 'off'].includes(normalised)) return false
  return value
}, z.boolean({ error: 'must be true or false' }).optional())

function integer(min: number, max: number, fallback: number) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` })
      .default(fallback),
  )
}

const EnvironmentSchema = z
  .object({
    NODE_ENV: z.preprocess(
      blankToUndefined,
      z
        .enum(['development', 'production', 'test'], {
          error: 'must be development, production or test',
        })
        .default('development'),
    ),
    PORT: integer(0, 65535, 3000),
    HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
    PUBLIC_URL: urlWithProtocols(['http:', 'https:'], 'https://band.example.org'),
    DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/band'),
    DATABASE_POOL_MAX: integer(1, 100, DEFAULT_DATABASE_POOL_MAX),
    MIGRATION_DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://owner:pass@host:5432/band'),
    REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    REDIS_KEY_PREFIX: z.preprocess(
      blankToUndefined,
      z.string().regex(/^[\w:.-]{1,64}$/, { error: 'may hold letters, digits, ":", ".", "-" and "_" only' }).default('band:'),
    ),
    DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
    SESSION_SECRET: z.preprocess(
      blankToUndefined,
      z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
    ),
    S3_BUCKET: optionalString,
    S3_REGION: optionalString,
    S3_ENDPOINT: urlWithProtocols(['http:', 'https:'], 'https://s3.eu-west-1.amazonaws.com'),
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    S3_FORCE_PATH_STYLE: booleanFlag,
    SMTP_URL: urlWithProtocols(['smtp:', 'smtps:'], 'smtps://user:pass@smtp.example.org:465'),
    MAIL_FROM: z.preprocess(
      blankToUndefined,
      z.string().default('Community Band <no-reply@localhost>'),
    ),
    LOG_LEVEL: z.preprocess(
      blankToUndefined,
      z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
          error: 'must be one of fatal, error, warn, info, debug, trace, silent',
        })
        .default('info'),
    ),
    TRUST_PROXY: integer(0, 10, 0),
    RATE_LIMIT_POINTS: integer(1, 1_000_000, 300),
    RATE_LIMIT_WINDOW_SECONDS: integer(1, 86_400, 60),
    MAX_BODY_BYTES: integer(1024, 1024 ** 3, 1024 * 1024),
    SHUTDOWN_TIMEOUT_MS: integer(0, 120_000, 10_000),
    DEMO_PASSWORD: z.preprocess(blankToUndefined, z.string().min(8).default('band-demo-2026')),
    RUN_WORKER: booleanFlag,
    AUDIT_KEY: z.preprocess(blankToUndefined, z.string().min(32, { error: 'must be at least 32 characters' }).optional()),
    DEMO_MODE: booleanFlag,
    HEALTH_TOKEN: z.preprocess(blankToUndefined, z.string().min(16, { error: 'must be at least 16 characters' }).optional()),
    MEMBER_DATA_KEY: dataKeyVariable,
    MEMBER_DATA_KEY_PREVIOUS: dataKeyVariable,
  })

type Environment = z.infer<typeof EnvironmentSchema>

export type Config = {
  env: Environment['NODE_ENV']
  isProduction: boolean
  port: number
  host: string
  publicUrl: string | undefined
  /**
   * The site's address for every absolute link and the CSRF origin: PUBLIC_URL,
   * or on a loopback embedded default `http://localhost:PORT`. Never the
   * request's Host header.
   */
  siteUrl: string
  /** True when HOST is a loopback address (only this machine can reach the server). */
  loopback: boolean
  database: { kind: 'postgres'; url: string; poolMax: number } | { kind: 'pglite'; directory: string }
  /** The owner role's connection, for migrations and grants (PostgreSQL); the app's own role serves. */
  migrationDatabaseUrl: string | undefined
  redisUrl: string | undefined
  /** Every Redis key starts with this, so several bands (or test runs) can share one Redis. */
  redisKeyPrefix: string
  dataDir: string
  sessionSecret: string | undefined
  storage: StorageConfig
  smtpUrl: string | undefined
  mailFrom: string
  logLevel: Environment['LOG_LEVEL']
  trustProxy: number
  rateLimit: { points: number; windowSeconds: number }
  maxBodyBytes: number
  shutdownTimeoutMs: number
  demoPassword: string
  /** The audit chain's HMAC key (AUDIT_KEY); derived from the session secret when unset. */
  auditKey: string | undefined
  /** The web process runs the background worker too (RUN_WORKER, default true). */
  runWorkerInWeb: boolean
  /**
   * A public demo (DEMO_MODE): the demo band and its published password on a
   * server others can reach, with a banner saying so. Off by default: the demo
   * band then seeds itself only on a loopback embedded default.
   */
  demoMode: boolean
  /** Monitoring's bearer token for the details of /readyz (HEALTH_TOKEN); without it /readyz says only ok or not. */
  healthToken: string | undefined
  /**
   * Seals members' emergency contacts (MEMBER_DATA_KEY, 32 bytes); derived
   * from the session secret when unset (see docs/operations/member-data-key.md).
   */
  memberDataKey: Buffer | undefined
  /** The key before the last rotation (MEMBER_DATA_KEY_PREVIOUS): still opens, never seals. */
  memberDataKeyPrevious: Buffer | undefined
}

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(
      `The band platform cannot start because of its configuration:\n${problems
        .map((problem) => `  - ${problem}`)
        .join('\n')}\nSee "Configuration" in README.md.`,
    )
    this.name = 'ConfigError'
    this.problems = problems
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvironmentSchema.safeParse(source)
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`)
  problems.push(...crossFieldProblems(source))
  if (parsed.success && parsed.data.MEMBER_DATA_KEY && parsed.data.MEMBER_DATA_KEY_PREVIOUS?.equals(parsed.data.MEMBER_DATA_KEY)) {
    problems.push('MEMBER_DATA_KEY_PREVIOUS is the same key as MEMBER_DATA_KEY: set it to the key you are replacing')
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems)
  const env = parsed.data
  const dataDir = path.resolve(env.DATA_DIR)
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    siteUrl: env.PUBLIC_URL?.replace(/\/+$/, '') ?? `http://localhost:${env.PORT}`,
    loopback: isLoopbackHost(env.HOST),
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX }
      : { kind: 'pglite', directory: path.join(dataDir, 'pg') },
    migrationDatabaseUrl: env.DATABASE_URL ? env.MIGRATION_DATABASE_URL : undefined,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    dataDir,
    sessionSecret: env.SESSION_SECRET,
    storage:
      env.S3_BUCKET && env.S3_REGION && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? {
            kind: 's3',
            bucket: env.S3_BUCKET,
            region: env.S3_REGION,
            endpoint: env.S3_ENDPOINT,
            accessKeyId: env.S3_ACCESS_KEY_ID,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY,
            forcePathStyle: env.S3_FORCE_PATH_STYLE ?? Boolean(env.S3_ENDPOINT),
          }
        : { kind: 'local', directory: path.join(dataDir, 'files') },
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    rateLimit: { points: env.RATE_LIMIT_POINTS, windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS },
    maxBodyBytes: env.MAX_BODY_BYTES,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    demoPassword: env.DEMO_PASSWORD,
    runWorkerInWeb: env.RUN_WORKER ?? true,
    auditKey: env.AUDIT_KEY,
    demoMode: env.DEMO_MODE ?? false,
    healthToken: env.HEALTH_TOKEN,
    memberDataKey: env.MEMBER_DATA_KEY,
    memberDataKeyPrevious: env.MEMBER_DATA_KEY_PREVIOUS,
  }
}

/** Rules between variables, checked even when single values are bad, so one run lists everything. */
function crossFieldProblems(source: NodeJS.ProcessEnv): string[] {
  const present = (name: string) => Boolean(source[name]?.trim())
  const problems: string[] = []
  // "Production" means a deployment with its own database (DESIGN.md), so the
  // secret that signs its cookies must be one the operator chose and kept.
  if (present('DATABASE_URL') && !present('SESSION_SECRET')) {
    problems.push('SESSION_SECRET is required when DATABASE_URL is set (at least 32 random characters)')
  }
  // Links in mail and the CSRF check come from configuration, never from the
  // request's Host header: a deployment must say where it lives.
  if (!present('PUBLIC_URL') && (present('DATABASE_URL') || !isLoopbackHost(source.HOST?.trim() || '127.0.0.1'))) {
    problems.push('PUBLIC_URL is required when DATABASE_URL is set or HOST is not a loopback address (e.g. https://band.example.org): every link the site mails and its check against cross-site forms come from it')
  }
  if (present('S3_BUCKET')) {
    for (const name of ['S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
      if (!present(name)) problems.push(`${name} is required when S3_BUCKET is set`)
    }
  }
  return problems
}

/** 127.0.0.0/8, ::1 and "localhost": addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * The embedded default has no operator to set SESSION_SECRET, so one is made on
 * first start and kept beside the data it protects (mode 0600).
 */
export function resolveSessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret
  const file = path.join(config.dataDir, 'session-secret')
  try {
    const stored = readFileSync(file, 'utf8').trim()
    if (stored.length >= 32) return stored
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

/**
 * The audit chain's HMAC key (finding 8): AUDIT_KEY, or one derived from the
 * session secret (never stored in the database either; on the embedded
 * default it lives in DATA_DIR beside the database it protects).
 */
export function resolveAuditKey(config: Pick<Config, 'auditKey'>, sessionSecret: string): string {
  if (config.auditKey) return config.auditKey
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'band-platform audit chain', 'audit chain key v1', 32)).toString('hex')
}

/** The label of the key made from SESSION_SECRET, in messages and docs. */
export const DERIVED_MEMBER_DATA_KEY = 'the key derived from SESSION_SECRET'

/**
 * The keys that seal members' emergency contacts: MEMBER_DATA_KEY seals (or,
 * unset, a key derived from the session secret by HKDF, like the audit key);
 * MEMBER_DATA_KEY_PREVIOUS and the derived key still open what they sealed, so
 * moving to a configured key or to a new one is "set it, run members:rekey".
 */
export function resolveMemberDataKeys(config: Pick<Config, 'memberDataKey' | 'memberDataKeyPrevious'>, sessionSecret: string): DataKeyRing {
  const derived = deriveDataKey(sessionSecret, 'member data key v1', DERIVED_MEMBER_DATA_KEY)
  const current = config.memberDataKey ? dataKey(config.memberDataKey, 'MEMBER_DATA_KEY') : derived
  const previous = config.memberDataKeyPrevious ? [dataKey(config.memberDataKeyPrevious, 'MEMBER_DATA_KEY_PREVIOUS')] : []
  if (current !== derived) previous.push(derived)
  return { current, previous: previous.filter((key) => key.id !== current.id) }
}

/**
 * The start-up warning of a production server without MEMBER_DATA_KEY: its
 * emergency contacts then hang on SESSION_SECRET. Commands stay quiet.
 */
export function memberDataKeyWarning(config: Pick<Config, 'isProduction' | 'memberDataKey'>, role: 'web' | 'worker' | 'command'): string | undefined {
  if (!config.isProduction || config.memberDataKey || role === 'command') return undefined
  return 'MEMBER_DATA_KEY is not set: members’ emergency contacts are sealed with a key derived from SESSION_SECRET, so changing that secret makes them unreadable; see docs/operations/member-data-key.md'
}

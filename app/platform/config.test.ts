import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, resolveSessionSecret } from './config.server.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'band-config-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('loadConfig', () => {
  it('starts on the embedded defaults with an empty environment', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.host).toBe('127.0.0.1')
    expect(config.database).toEqual({ kind: 'pglite', directory: path.resolve('data/pg') })
    expect(config.storage).toEqual({ kind: 'local', directory: path.resolve('data/files') })
    expect(config.redisUrl).toBeUndefined()
    expect(config.isProduction).toBe(false)
  })

  it('uses PostgreSQL, Redis and S3 when they are configured', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://band:secret@db:5432/band',
      REDIS_URL: 'redis://cache:6379',
      SESSION_SECRET: 'x'.repeat(40),
      S3_BUCKET: 'band-files',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      PORT: '8080',
      PUBLIC_URL: 'https://band.example.org/',
    })
    expect(config.siteUrl).toBe('https://band.example.org')
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://band:secret@db:5432/band', poolMax: 5 })
    expect(config.redisUrl).toBe('redis://cache:6379')
    expect(config.storage).toMatchObject({ kind: 's3', bucket: 'band-files', forcePathStyle: false })
    expect(config.port).toBe(8080)
    expect(config.isProduction).toBe(true)
  })

  it('takes every absolute link from configuration: PUBLIC_URL, or localhost on a loopback embedded default (finding 2)', () => {
    expect(loadConfig({ PORT: '4321' })).toMatchObject({ siteUrl: 'http://localhost:4321', loopback: true, publicUrl: undefined })
    expect(loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://band.example.org' })).toMatchObject({ siteUrl: 'https://band.example.org', loopback: false })
    const required = (env: NodeJS.ProcessEnv) => {
      try {
        loadConfig(env)
        return ''
      } catch (error) {
        return error instanceof ConfigError ? error.message : String(error)
      }
    }
    // Off loopback, or with its own database, a server must say where it lives.
    expect(required({ HOST: '0.0.0.0' })).toContain('PUBLIC_URL is required')
    expect(required({ HOST: '192.0.2.10' })).toContain('PUBLIC_URL is required')
    expect(required({ DATABASE_URL: 'postgres://db/band', SESSION_SECRET: 'x'.repeat(40) })).toContain('PUBLIC_URL is required')
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(required({ HOST: host })).toBe('')
  })

  it('names every bad variable in one message', () => {
    let caught: unknown
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://db/band', LOG_LEVEL: 'loud', S3_BUCKET: 'files' })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConfigError)
    const message = (caught as ConfigError).message
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
      expect(message).toContain(name)
    }
    expect(message).toContain('postgres://')
    expect(message).not.toMatch(/\n\s+at /) // no stack trace in the text
  })

  it('requires SESSION_SECRET in production (with DATABASE_URL)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/band' })).toThrow(/SESSION_SECRET is required/)
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/band', SESSION_SECRET: 'short' })).toThrow(
      /SESSION_SECRET must be at least 32 characters/,
    )
  })

  it('treats blank values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '  ', PORT: '' }).database.kind).toBe('pglite')
  })
})

describe('resolveSessionSecret', () => {
  it('generates a secret once on the embedded default and keeps it in DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: path.join(scratch, 'data') })
    const first = resolveSessionSecret(config)
    expect(first).toMatch(/^[0-9a-f]{64}$/)
    expect(resolveSessionSecret(config)).toBe(first)
    const file = path.join(scratch, 'data', 'session-secret')
    expect(readFileSync(file, 'utf8').trim()).toBe(first)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('uses the configured secret when there is one', () => {
    const secret = 's'.repeat(48)
    expect(resolveSessionSecret(loadConfig({ SESSION_SECRET: secret, DATA_DIR: path.join(scratch, 'other') }))).toBe(secret)
  })
})

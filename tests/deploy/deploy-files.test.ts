import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseToml } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'

/**
 * The deployment files cannot be exercised here (no Docker engine, no Fly
 * account), so these tests read them with real parsers and check what each
 * promises: the image, the compose stack and its Fly.io translation.
 * Fly's compose mode shapes compose.yaml (docs/deploying.md): one buildable
 * service, `environment:` as a map, healthchecks in ["CMD", ...] form.
 */

const root = fileURLToPath(new URL('../../', import.meta.url))
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')

type Healthcheck = { test?: string | string[] }
type DependsOn = string[] | Record<string, { condition?: string }>
type Service = {
  image?: string
  build?: unknown
  command?: string | string[]
  environment?: Record<string, unknown> | string[]
  volumes?: (string | { source?: string; target?: string })[]
  depends_on?: DependsOn
  healthcheck?: Healthcheck
  restart?: string
}
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> }
type FlyConfig = {
  build?: { compose?: { file?: string } }
  deploy?: { release_command?: string }
  env?: Record<string, string>
  http_service?: {
    internal_port?: number
    force_https?: boolean
    checks?: { path?: string; method?: string }[]
  }
  mounts?: { source?: string; destination?: string }[]
}

const compose = parseYaml(read('compose.yaml')) as Compose
const fly = parseToml(read('fly.toml')) as FlyConfig
const flyText = read('fly.toml')

function service(name: string): Service {
  const found = compose.services[name]
  if (!found) throw new Error(`compose.yaml has no service "${name}"`)
  return found
}

function environment(name: string): Record<string, string> {
  const env = service(name).environment
  // Fly's compose parser reads `environment:` as a map of strings; the list
  // form (`- KEY=value`) makes the whole deploy fail.
  expect(Array.isArray(env), `${name}.environment must be a map`).toBe(false)
  return Object.fromEntries(Object.entries(env ?? {}).map(([key, value]) => [key, String(value)]))
}

function mounts(name: string): { source: string; target: string }[] {
  return (service(name).volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = ''] = volume.split(':')
      return { source, target }
    }
    return { source: volume.source ?? '', target: volume.target ?? '' }
  })
}

function commandLine(name: string): string {
  const command = service(name).command
  return Array.isArray(command) ? command.join(' ') : (command ?? '')
}

/** Whether a command line runs `migrate` to completion before it starts the server. */
function migratesBeforeServing(line: string): boolean {
  const migrate = line.indexOf('server/index.ts migrate')
  const serve = line.search(/server\/index\.ts(?!\s+migrate)/)
  return migrate !== -1 && serve > migrate && line.slice(migrate, serve).includes('&&')
}

type Instruction = { keyword: string; args: string }

/** Dockerfile instructions, continuation lines joined, comments dropped, split into stages. */
function dockerfileStages(text: string): Instruction[][] {
  const logical: string[] = []
  let current = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (current === '' && (line === '' || line.startsWith('#'))) continue
    if (line.startsWith('#')) continue
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `
      continue
    }
    logical.push(current + line)
    current = ''
  }
  if (current.trim() !== '') logical.push(current)
  const stages: Instruction[][] = []
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line)
    if (!match) continue
    const instruction = { keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '' }
    if (instruction.keyword === 'FROM') stages.push([])
    stages.at(-1)?.push(instruction)
  }
  return stages
}

describe('compose.yaml', () => {
  it('runs the app with PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['app', 'postgres', 'redis']))
    expect(service('postgres').image).toMatch(/^postgres:\d+(\.\d+)*-alpine$/)
    expect(service('redis').image).toMatch(/^redis:\d+(\.\d+)*-alpine$/)
    for (const name of Object.keys(compose.services)) {
      expect(service(name).restart, name).toBe('unless-stopped')
    }
  })

  it('builds exactly one service, the app (Fly allows one; the others are images)', () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build !== undefined)
    expect(built.map(([name]) => name)).toEqual(['app'])
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build === undefined) expect(s.image, `${name} needs an image`).toBeTruthy()
    }
  })

  it('keeps data in named volumes declared at the bottom', () => {
    const declared = Object.keys(compose.volumes ?? {})
    const appData = mounts('app').find((m) => m.target === '/data')
    const pgData = mounts('postgres').find((m) => m.target === '/var/lib/postgresql/data')
    expect(appData?.source).toBeTruthy()
    expect(pgData?.source).toBeTruthy()
    expect(declared).toContain(appData?.source)
    expect(declared).toContain(pgData?.source)
    // PGDATA in a subdirectory of the mount: a fresh volume's lost+found must not be in it.
    expect(environment('postgres').PGDATA).toMatch(/^\/var\/lib\/postgresql\/data\/.+/)
  })

  it('has healthchecks in exec form on app, postgres and redis', () => {
    for (const name of ['app', 'postgres', 'redis']) {
      const test = service(name).healthcheck?.test
      // Fly drops the first word and runs the rest without a shell.
      expect(Array.isArray(test), `${name} healthcheck`).toBe(true)
      expect((test as string[])[0], name).toBe('CMD')
    }
    expect((service('postgres').healthcheck?.test as string[]).join(' ')).toContain('pg_isready')
    expect((service('redis').healthcheck?.test as string[]).join(' ')).toContain('redis-cli ping')
    expect((service('app').healthcheck?.test as string[]).join(' ')).toContain('/healthz')
  })

  it('starts the app only once postgres and redis are healthy', () => {
    const dependsOn = service('app').depends_on
    expect(Array.isArray(dependsOn)).toBe(false)
    const conditions = dependsOn as Record<string, { condition?: string }>
    expect(conditions.postgres?.condition).toBe('service_healthy')
    expect(conditions.redis?.condition).toBe('service_healthy')
  })

  it('migrates before the app serves', () => {
    const migrate = compose.services.migrate
    if (migrate) {
      expect(commandLine('migrate')).toContain('server/index.ts migrate')
      const dependsOn = service('app').depends_on as Record<string, { condition?: string }>
      expect(dependsOn.migrate?.condition).toBe('service_completed_successfully')
    } else {
      expect(migratesBeforeServing(commandLine('app')), commandLine('app')).toBe(true)
    }
  })

  it('points the app at the postgres and redis services and listens on all interfaces', () => {
    const env = environment('app')
    expect(env.NODE_ENV).toBe('production')
    expect(env.HOST).toBe('0.0.0.0')
    expect(env.PORT).toBe('3000')
    expect(env.DATA_DIR).toBe('/data')
    const database = new URL(env.DATABASE_URL ?? '')
    expect(database.protocol).toBe('postgres:')
    expect(database.hostname).toBe('postgres')
    expect(database.pathname).toBe(`/${environment('postgres').POSTGRES_DB}`)
    expect(database.username).toBe(environment('postgres').POSTGRES_USER)
    const redis = new URL(env.REDIS_URL ?? '')
    expect(redis.protocol).toBe('redis:')
    expect(redis.hostname).toBe('redis')
  })

  it('refuses to start without SESSION_SECRET, and its literal text is no valid secret', () => {
    const value = environment('app').SESSION_SECRET ?? ''
    expect(value).toMatch(/^\$\{SESSION_SECRET:\?[^}]*\}$/)
    // Where ${...} is not interpolated (Fly), the text must fail the app's
    // 32-character minimum instead of becoming a well-known secret.
    expect(value.length).toBeLessThan(32)
  })

  it('gives Redis no persistence', () => {
    expect(commandLine('redis')).toMatch(/--appendonly no/)
    expect(mounts('redis')).toEqual([])
  })
})

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'))
  const runtime = stages.at(-1) ?? []
  const all = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword)

  it('is multi-stage on node:24-slim', () => {
    const bases = stages.map((stage) => stage[0]?.args.split(/\s+/)[0])
    expect(bases.length).toBeGreaterThanOrEqual(3)
    for (const base of bases) expect(base).toBe('node:24-slim')
  })

  it('copies the manifests before the sources, so dependencies stay cached', () => {
    for (const stage of stages) {
      const install = stage.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))
      if (install === -1) continue
      const copies = stage.slice(0, install).filter((i) => i.keyword === 'COPY')
      expect(copies.length).toBeGreaterThan(0)
      for (const copy of copies) {
        expect(copy.args).not.toMatch(/(^|\s)\.\s+\.?\/?$/)
        if (!copy.args.includes('--from=')) expect(copy.args).toMatch(/package/)
      }
    }
  })

  it('runs as a user that is not root', () => {
    const users = all(runtime, 'USER')
    expect(users.length).toBeGreaterThan(0)
    expect(users.at(-1)?.args).not.toMatch(/^(root|0)(:|$)/)
  })

  it('sets the container environment, a /data volume and port 3000', () => {
    const env = all(runtime, 'ENV').map((i) => i.args).join(' ')
    for (const pair of ['NODE_ENV=production', 'HOST=0.0.0.0', 'PORT=3000', 'DATA_DIR=/data']) {
      expect(env).toContain(pair)
    }
    expect(all(runtime, 'VOLUME').map((i) => i.args).join(' ')).toContain('/data')
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toContain('3000')
    expect(all(runtime, 'RUN').map((i) => i.args).join(' ')).toMatch(/chown\s+node(:node)?\s+\/data/)
  })

  it('checks /healthz with node (slim has no curl)', () => {
    const healthcheck = all(runtime, 'HEALTHCHECK').map((i) => i.args).join(' ')
    expect(healthcheck).toContain('/healthz')
    expect(healthcheck).toMatch(/CMD \[\s*"node"/)
  })

  it('starts node server/index.ts', () => {
    const cmd = all(runtime, 'CMD').at(-1)?.args ?? ''
    expect(JSON.parse(cmd)).toEqual(['node', 'server/index.ts'])
  })

  it('ships production dependencies only', () => {
    const fromStage = (name: string) =>
      stages.find((stage) => new RegExp(`\\bAS\\s+${name}$`, 'i').test(stage[0]?.args ?? ''))
    const copyModules = all(runtime, 'COPY').filter((i) => i.args.includes('node_modules'))
    expect(copyModules).toHaveLength(1)
    const source = /--from=(\S+)/.exec(copyModules[0]?.args ?? '')?.[1] ?? ''
    const prodStage = fromStage(source)
    expect(prodStage, `stage ${source}`).toBeDefined()
    const installs = all(prodStage ?? [], 'RUN').filter((i) => /\bnpm ci\b/.test(i.args))
    expect(installs.length).toBeGreaterThan(0)
    for (const install of installs) expect(install.args).toContain('--omit=dev')
    // The runtime stage installs nothing itself and takes the build output only.
    expect(all(runtime, 'RUN').some((i) => /\bnpm (ci|install|i)\b/.test(i.args))).toBe(false)
    expect(all(runtime, 'COPY').some((i) => /^(--\S+\s+)*\.\s/.test(i.args))).toBe(false)
    expect(all(runtime, 'COPY').map((i) => i.args).join('\n')).toMatch(/--from=\S+\s+\S*build\s/)
  })

  it('copies every file server/index.ts loads from source, and nothing it needs is a dev dependency', () => {
    const copied = all(runtime, 'COPY')
      .filter((i) => !i.args.includes('--from='))
      .map((i) => i.args.split(/\s+/).filter((word) => !word.startsWith('--')))
    const copiedSources = copied.flatMap((words) => words.slice(0, -1))
    const pkg = JSON.parse(read('package.json')) as { dependencies?: Record<string, string> }
    // Runtime (not `import type`) imports of server/index.ts, followed through relative files.
    const seen = new Set<string>()
    const queue = ['server/index.ts']
    while (queue.length > 0) {
      const file = queue.shift() ?? ''
      if (seen.has(file) || !existsSync(path.join(root, file))) continue
      seen.add(file)
      const source = read(file)
      for (const match of source.matchAll(/^\s*import\s+(?!type\b)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
        const specifier = match[1] ?? ''
        if (specifier.startsWith('.')) {
          queue.push(path.posix.join(path.posix.dirname(file), specifier))
        } else if (!specifier.startsWith('node:')) {
          const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
          expect(Object.keys(pkg.dependencies ?? {}), `${file} imports ${specifier}`).toContain(name)
        }
      }
    }
    for (const file of seen) {
      const inImage = copiedSources.some((src) => file === src || file.startsWith(`${src.replace(/\/$/, '')}/`))
      expect(inImage, `${file} is loaded at runtime but not copied into the image`).toBe(true)
    }
  })

  it('leaves local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim())
    for (const entry of ['node_modules', 'build', 'data', '.git', '.env', '.react-router']) {
      expect(ignored).toContain(entry)
    }
  })
})

describe('fly.toml', () => {
  it('deploys compose.yaml as a multi-container Machine', () => {
    expect(fly.build?.compose).toBeDefined()
    const file = fly.build?.compose?.file ?? 'compose.yaml'
    expect(file).toBe('compose.yaml')
    expect(existsSync(path.join(root, file))).toBe(true)
  })

  it('sends HTTP traffic to the app on 3000 and checks /healthz', () => {
    expect(fly.http_service?.internal_port).toBe(3000)
    expect(String(fly.http_service?.internal_port)).toBe(environment('app').PORT)
    expect(fly.http_service?.force_https).toBe(true)
    const checks = fly.http_service?.checks ?? []
    expect(checks.some((c) => c.path === '/healthz' && (c.method ?? 'GET').toUpperCase() === 'GET')).toBe(true)
  })

  it('runs the migrations before the new version serves', () => {
    const release = fly.deploy?.release_command
    if (release) {
      expect(release).toContain('migrate')
    } else {
      const migrate = compose.services.migrate
      const viaService =
        migrate !== undefined &&
        (service('app').depends_on as Record<string, { condition?: string }>).migrate?.condition ===
          'service_completed_successfully'
      expect(viaService || migratesBeforeServing(commandLine('app'))).toBe(true)
    }
  })

  it('keeps the postgres data on a Fly volume', () => {
    const flyMounts = fly.mounts ?? []
    expect(flyMounts).toHaveLength(1) // a Machine takes one volume
    const destination = flyMounts[0]?.destination ?? ''
    expect(flyMounts[0]?.source).toMatch(/^\w+$/)
    expect(mounts('postgres').map((m) => m.target)).toContain(destination)
    expect(environment('postgres').PGDATA?.startsWith(`${destination}/`)).toBe(true)
  })

  it('sets the production environment for Fly', () => {
    const env = fly.env ?? {}
    expect(env.NODE_ENV).toBe('production')
    expect(env.HOST).toBe('0.0.0.0')
    expect(env.PORT).toBe('3000')
    expect(env.DATA_DIR).toBe('/data')
    expect(env.TRUST_PROXY).toBe('1')
    expect(env.PUBLIC_URL).toMatch(/^https:\/\//)
    // One network namespace on Fly: sidecars are on loopback, not behind service names.
    expect(new URL(env.REDIS_URL ?? '').hostname).toMatch(/^(127\.0\.0\.1|localhost)$/)
  })

  it('supplies on Fly every value compose.yaml interpolates (Fly does not)', () => {
    const env = fly.env ?? {}
    const secretsLines = flyText
      .split('\n')
      .filter((line) => line.trim().startsWith('#'))
      .join('\n')
    for (const name of Object.keys(compose.services)) {
      for (const [key, value] of Object.entries(environment(name))) {
        if (!value.includes('${')) continue
        const onFly = key in env || new RegExp(`\\b${key}=`).test(secretsLines)
        expect(onFly, `${name}.${key} must be set in fly.toml [env] or as a documented secret`).toBe(true)
      }
    }
  })
})

describe('what the deployment files run', () => {
  // package.json and server/index.ts are written by another change; these two
  // fail until it lands.
  it('has a build script in package.json', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts?: Record<string, string> }
    expect(pkg.scripts?.build).toBeTruthy()
  })

  it('has server/index.ts', () => {
    expect(existsSync(path.join(root, 'server/index.ts'))).toBe(true)
  })

  it('documents both ways to deploy', () => {
    const doc = read('docs/deploying.md')
    expect(doc).toContain('SESSION_SECRET=$(openssl rand -hex 32) docker compose up -d --build')
    expect(doc).toContain('fly deploy')
    expect(doc).toContain('admin:create')
    expect(doc.split('\n').length).toBeLessThanOrEqual(130)
  })
})

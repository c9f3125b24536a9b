import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseToml } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { loadConfig } from '#app/platform/config.server.ts'

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
  deploy?: { replicas?: number }
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
const scripts = (JSON.parse(read('package.json')) as { scripts?: Record<string, string> }).scripts ?? {}

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

const stages = dockerfileStages(read('Dockerfile'))
const runtime = stages.at(-1) ?? []
const all = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword)
const stageNamed = (name: string) => stages.find((stage) => new RegExp(`\\bAS\\s+${name}$`, 'i').test(stage[0]?.args ?? ''))

/** The runtime stage's CMD in exec form. */
function dockerCmd(): string[] {
  return JSON.parse(all(runtime, 'CMD').at(-1)?.args ?? '[]') as string[]
}

/** Each COPY of a stage as absolute paths: `from` is the stage it copies from (undefined: the build context). */
function copiesOf(stage: Instruction[]): { from: string | undefined; source: string; target: string }[] {
  let workdir = '/'
  const copies: { from: string | undefined; source: string; target: string }[] = []
  for (const instruction of stage) {
    if (instruction.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, instruction.args)
    if (instruction.keyword !== 'COPY') continue
    const words = instruction.args.split(/\s+/)
    const from = /^--from=(\S+)$/.exec(words.find((word) => word.startsWith('--from=')) ?? '')?.[1]
    const paths = words.filter((word) => !word.startsWith('--'))
    const destination = paths.at(-1) ?? ''
    const sources = paths.slice(0, -1)
    for (const source of sources) {
      // `COPY a b ./` puts each source inside the folder; `COPY a ./b` names the target.
      const intoFolder = destination.endsWith('/') || sources.length > 1
      const target = path.posix.resolve(workdir, destination, intoFolder ? path.posix.basename(source) : '')
      copies.push({ from, source: from ? path.posix.resolve('/', source) : source, target })
    }
  }
  return copies
}

/** The WORKDIR a stage's RUN/CMD instructions run in (the last one set). */
function workdirOf(stage: Instruction[]): string {
  return all(stage, 'WORKDIR').reduce((dir, i) => path.posix.resolve(dir, i.args), '/')
}

/** The exec form of a Dockerfile HEALTHCHECK: `[--option=…] CMD ["node", …]`. */
function dockerHealthcheck(): string[] {
  const args = all(runtime, 'HEALTHCHECK').at(-1)?.args ?? ''
  const exec = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/s.exec(args)?.[1]
  expect(exec, `HEALTHCHECK ${args}`).toBeDefined()
  return JSON.parse(exec ?? '[]') as string[]
}

/**
 * Runs a healthcheck command (`["node", …]`) against a local server whose
 * /healthz answers `status` (null: nothing listens on the port). `command`
 * gets that port. Resolves with the exit code and the paths it asked for.
 */
async function probe(status: number | null, command: (port: number) => { args: string[]; env?: Record<string, string> }) {
  const paths: string[] = []
  const server = createHttpServer((req, res) => {
    paths.push(req.url ?? '')
    res.writeHead(req.url === '/healthz' && status !== null ? status : 404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  if (status === null) await new Promise<void>((resolve) => server.close(() => resolve()))
  try {
    const { args, env } = command(port)
    const [program, ...rest] = args
    expect(program).toBe('node')
    const child = spawn(process.execPath, rest, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' })
    const [code] = (await once(child, 'exit')) as [number | null]
    return { code, paths }
  } finally {
    server.closeAllConnections()
    server.close()
  }
}

/** The command line a service's container runs: its `command`, or the image's CMD for the service built from it. */
function processLine(name: string): string {
  const found = service(name)
  if (found.command !== undefined) return commandLine(name)
  return found.build !== undefined ? dockerCmd().join(' ') : ''
}

/** Which long-running band process a command line leaves: its last `server/index.ts` invocation decides. */
function bandProcess(line: string): 'web' | 'worker' | undefined {
  // `npm run worker` / `npm start` stand for the package.json scripts they run.
  const expanded = line.replace(/\bnpm\s+(?:run\s+([\w:-]+)|start\b)/g, (_all, script?: string) => scripts[script ?? 'start'] ?? '')
  const last = [...expanded.matchAll(/server\/index\.ts(?:[ \t]+([\w:-]+))?/g)].at(-1)
  if (!last) return undefined
  const command = last[1] ?? 'serve'
  return command === 'serve' ? 'web' : command === 'worker' ? 'worker' : undefined
}

/**
 * The band processes compose.yaml starts, with `overrides` on every
 * container's environment (Fly's [env]): web services, whether each runs the
 * background worker itself (RUN_WORKER, read by the app's own config), and
 * separate worker services.
 */
function bandProcesses(overrides: Record<string, string> = {}) {
  const web: { name: string; runsWorker: boolean }[] = []
  const workers: string[] = []
  for (const name of Object.keys(compose.services)) {
    const kind = bandProcess(processLine(name))
    const replicas = service(name).deploy?.replicas ?? 1
    const env = { ...environment(name), ...overrides }
    for (let replica = 0; replica < replicas; replica++) {
      if (kind === 'worker') workers.push(name)
      if (kind === 'web') web.push({ name, runsWorker: loadConfig({ RUN_WORKER: env.RUN_WORKER }).runWorkerInWeb })
    }
  }
  return { web, workers }
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

  it("checks the app's /healthz on its PORT, and the check fails when the app does", async () => {
    const [, ...exec] = service('app').healthcheck?.test as string[]
    const target = `http://127.0.0.1:${environment('app').PORT}/healthz`
    expect(exec.join(' ')).toContain(target)
    // The same command, aimed at a local stand-in for the app.
    const command = (port: number) => ({ args: exec.map((arg) => arg.replaceAll(target, `http://127.0.0.1:${port}/healthz`)) })
    expect(await probe(200, command)).toEqual({ code: 0, paths: ['/healthz'] })
    expect(await probe(503, command)).toEqual({ code: 1, paths: ['/healthz'] })
    expect((await probe(null, command)).code).toBe(1)
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
    const postgres = environment('postgres')
    const database = new URL(env.DATABASE_URL ?? '')
    const migrations = new URL(env.MIGRATION_DATABASE_URL ?? '')
    for (const url of [database, migrations]) {
      expect(url.protocol).toBe('postgres:')
      expect(url.hostname).toBe('postgres')
      expect(url.port).toMatch(/^(5432)?$/)
      expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`)
    }
    // Migrations run as the owner the postgres service creates, with its
    // password expression (default included)…
    expect(migrations.username).toBe(postgres.POSTGRES_USER)
    expect(decodeURIComponent(migrations.password)).toBe(postgres.POSTGRES_PASSWORD)
    // …and the app serves as a role of its own, with a password of its own.
    expect(database.username).not.toBe(postgres.POSTGRES_USER)
    expect(database.username).not.toBe('')
    expect(decodeURIComponent(database.password)).not.toMatch(/^$|POSTGRES_PASSWORD/)
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
  it('is multi-stage on node:24-slim', () => {
    const bases = stages.map((stage) => stage[0]?.args.split(/\s+/)[0])
    expect(bases.length).toBeGreaterThanOrEqual(3)
    for (const base of bases) expect(base).toBe('node:24-slim')
  })

  it('copies the manifests before the sources, so dependencies stay cached', () => {
    const installing = stages.filter((stage) => stage.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args)))
    expect(installing.length).toBeGreaterThan(0)
    for (const stage of installing) {
      const install = stage.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))
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

  it('checks /healthz on PORT with node (slim has no curl), and the check fails when the app does', async () => {
    const command = (port: number) => ({ args: dockerHealthcheck(), env: { PORT: String(port) } })
    expect(await probe(200, command)).toEqual({ code: 0, paths: ['/healthz'] })
    expect(await probe(503, command)).toEqual({ code: 1, paths: ['/healthz'] })
    expect((await probe(null, command)).code).toBe(1)
  })

  it('starts node server/index.ts', () => {
    expect(dockerCmd()).toEqual(['node', 'server/index.ts'])
  })

  it('ships production dependencies only', () => {
    const copyModules = all(runtime, 'COPY').filter((i) => i.args.includes('node_modules'))
    expect(copyModules).toHaveLength(1)
    const source = /--from=(\S+)/.exec(copyModules[0]?.args ?? '')?.[1] ?? ''
    const prodStage = stageNamed(source)
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
    expect(fly.build?.compose?.file).toBe('compose.yaml')
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
  it('starts the same web server in the image and in compose, and its entry finds the build the image ships', async () => {
    expect(bandProcess(dockerCmd().join(' '))).toBe('web')
    // `exec`, so node (not sh) receives the stop signal and shuts down gracefully.
    expect(commandLine('app')).toMatch(/&&\s*exec\s+node\s+server\/index\.ts$/)

    // server/index.ts imports the bundle relative to itself…
    const bundle = /new URL\('([^']+)', import\.meta\.url\)/.exec(read('server/index.ts'))?.[1]
    expect(bundle, 'server/index.ts loads its bundle with new URL(…, import.meta.url)').toBeDefined()
    const entryInImage = path.posix.resolve(workdirOf(runtime), dockerCmd()[1] ?? '')
    expect(copiesOf(runtime).some((copy) => copy.from === undefined && entryInImage.startsWith(`${copy.target}/`))).toBe(true)
    const bundleInImage = path.posix.resolve(path.posix.dirname(entryInImage), bundle ?? '')
    // …which the runtime stage copies from the build stage…
    const copy = copiesOf(runtime).find((c) => bundleInImage === c.target || bundleInImage.startsWith(`${c.target}/`))
    expect(copy, `nothing in the runtime stage provides ${bundleInImage}`).toBeDefined()
    const buildStage = stageNamed(copy?.from ?? '')
    expect(buildStage, `stage ${copy?.from}`).toBeDefined()
    // …where `npm run build` (react-router build) wrote it.
    expect(all(buildStage ?? [], 'RUN').some((i) => /^npm run build$/.test(i.args))).toBe(true)
    expect(scripts.build).toMatch(/^react-router build(\s|$)/)
    const { default: reactRouterConfig } = (await import('../../react-router.config.ts')) as { default: { buildDirectory?: string } }
    const output = path.posix.resolve(workdirOf(buildStage ?? []), reactRouterConfig.buildDirectory ?? 'build')
    const bundleInBuildStage = path.posix.join(copy?.source ?? '', path.posix.relative(copy?.target ?? '', bundleInImage))
    expect(bundleInBuildStage.startsWith(`${output}/`), `${bundleInBuildStage} is not inside ${output}`).toBe(true)
  })

  // The web process runs the background worker unless RUN_WORKER=false
  // (`npm run worker` is the separate one): a worker service beside a web
  // service that also runs one would be a second worker on the same database.
  it.each([
    ['compose', {}],
    ['Fly ([env] on every container)', fly.env ?? {}],
  ])('runs the background worker once on %s: a worker service only beside RUN_WORKER=false', (_where, overrides) => {
    const { web, workers } = bandProcesses(overrides)
    expect(web.map((w) => w.name)).toEqual(['app'])
    for (const w of web) {
      if (workers.length > 0) expect(w.runsWorker, `${w.name} runs a worker beside ${workers.join(', ')}: set RUN_WORKER=false`).toBe(false)
    }
    // And someone does run it: the outbox sends mail only from a worker.
    expect(workers.length + web.filter((w) => w.runsWorker).length).toBeGreaterThan(0)
  })

  it('documents both ways to deploy', () => {
    const doc = read('docs/deploying.md')
    expect(doc).toContain('SESSION_SECRET=$(openssl rand -hex 32) docker compose up -d --build')
    expect(doc).toContain('fly deploy')
    expect(doc).toContain('admin:create')
    expect(doc.split('\n').length).toBeLessThanOrEqual(130)
  })
})

import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { promisify } from 'node:util'
import { makePdf } from '../tests/setup/library-files.ts'
import { freePort } from '../tests/setup/server-process.ts'
import type { Benchmark } from './benchmarks.ts'
import { residentMiB, signIn, startBenchServer } from './bench-server.ts'

/**
 * Batch upload (music library I): one multipart request of 200 PDFs, over
 * 500 MB in all, to /library/upload as the demo librarian. Prints the
 * server's peak resident memory while it receives the batch (target under
 * 200 MB) and the throughput next to what the same curl reaches against a
 * trivial Node handler that only streams the request body to disk (target at
 * least half of it). The body is written to a file once and sent by both
 * runs with `curl -T` (streamed from disk, not read into memory).
 */

const FILES = Number(process.env.BENCH_UPLOAD_FILES ?? 200)
const FILE_BYTES = Number(process.env.BENCH_UPLOAD_FILE_BYTES ?? 2.65 * 1024 * 1024)
const TARGET = { rssMiB: 200, ratio: 0.5 }
const run = promisify(execFile)
const MiB = 1024 * 1024

/** The form as a browser sends it: a new piece, then every PDF under `files`. */
async function writeBody(file: string, boundary: string): Promise<number> {
  const out = createWriteStream(file)
  const write = async (chunk: string | Buffer) => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  for (const [name, value] of [['target', 'new'], ['title', 'Upload Bench Symphony'], ['composer', 'Bench Composer']]) {
    await write(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  }
  for (let i = 1; i <= FILES; i++) {
    const pdf = await makePdf({ text: `Bench part ${i}`, padding: FILE_BYTES })
    await write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${String(i).padStart(3, '0')} Clarinet in Bb ${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`)
    await write(pdf)
    await write('\r\n')
  }
  await write(`--${boundary}--\r\n`)
  out.end()
  await once(out, 'finish')
  return (await stat(file)).size
}

/** One POST of the body file with curl: seconds and the HTTP status. */
async function curlPost(url: string, body: string, headers: string[]): Promise<{ seconds: number; status: number; location: string }> {
  const args = ['-s', '-o', '/dev/null', '-X', 'POST', '-T', body, '-w', '%{http_code} %{time_total} %{redirect_url}', ...headers.flatMap((header) => ['-H', header]), url]
  const { stdout } = await run('curl', args, { maxBuffer: 1024 * 1024 })
  const [status = '0', seconds = '0', location = ''] = stdout.trim().split(' ')
  return { status: Number(status), seconds: Number(seconds), location }
}

/** The trivial handler: a Node process that writes each request body to a file and answers 200. */
async function startSink(directory: string) {
  const port = await freePort()
  const code = `
    const { createServer } = require('node:http')
    const { createWriteStream } = require('node:fs')
    let n = 0
    createServer((req, res) => {
      const file = require('node:path').join(${JSON.stringify(directory)}, 'sink-' + n++)
      req.pipe(createWriteStream(file)).on('finish', () => res.end('ok'))
    }).listen(${port}, '127.0.0.1', () => console.log('ready'))`
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] })
  await once(child.stdout, 'data')
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') }
}

/** Samples a process' resident memory every 20 ms until stopped; the highest value. */
function samplePeak(pid: number) {
  let peak = residentMiB(pid)
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, residentMiB(pid))
    } catch {
      // The process ended; the peak so far stands.
    }
  }, 20)
  return () => {
    clearInterval(timer)
    return peak
  }
}

const mbPerSecond = (bytes: number, seconds: number) => bytes / MiB / seconds

export const libraryUpload: Benchmark = {
  name: 'library-upload',
  description: `batch upload: ${FILES} PDFs of ${(FILE_BYTES / MiB).toFixed(2)} MiB in one request; server peak RSS (< ${TARGET.rssMiB} MB) and throughput against curl to a stream-to-disk Node handler (≥ ${TARGET.ratio}×)`,
  async run() {
    const scratch = await mkdtemp(path.join(tmpdir(), 'band-upload-bench-'))
    const server = await startBenchServer()
    const sink = await startSink(scratch)
    try {
      const boundary = `----bench${randomBytes(8).toString('hex')}`
      const body = path.join(scratch, 'body.multipart')
      const bytes = await writeBody(body, boundary)
      const contentType = `Content-Type: multipart/form-data; boundary=${boundary}`
      const cookie = await signIn(server.url, 'librarian@example.org')
      console.log(`server: ${server.mode}; body ${(bytes / MiB).toFixed(1)} MiB, ${FILES} PDFs; server RSS before: ${residentMiB(server.pid)} MiB`)

      // The baseline first, then the app; each once (a run is over half a gigabyte).
      const baseline = await curlPost(sink.url, body, [contentType])
      if (baseline.status !== 200) throw new Error(`the stream-to-disk handler answered ${baseline.status}`)
      const stopSampling = samplePeak(server.pid)
      const upload = await curlPost(`${server.url}/library/upload`, body, [contentType, `Cookie: ${cookie}`, `Origin: ${server.url}`])
      const peak = stopSampling()
      if (upload.status !== 302 || !/\/library\/upload\/[0-9a-f-]{36}$/.test(upload.location)) {
        throw new Error(`the upload answered ${upload.status} (to ${upload.location || 'nowhere'})`)
      }
      const review = await fetch(upload.location, { headers: { cookie } })
      const reviewText = await review.text()
      const rows = new Set(reviewText.match(/\d{3} Clarinet in Bb \d+\.pdf/g) ?? []).size

      const app = mbPerSecond(bytes, upload.seconds)
      const plain = mbPerSecond(bytes, baseline.seconds)
      console.table({
        'stream to disk (plain Node)': { seconds: baseline.seconds.toFixed(2), 'MiB/s': plain.toFixed(1) },
        '/library/upload': { seconds: upload.seconds.toFixed(2), 'MiB/s': app.toFixed(1), 'peak RSS MiB': peak },
      })
      console.log(`review page: ${review.status}, ${rows >= FILES ? 'every file listed' : `${rows} of ${FILES} file names found`}`)
      console.log(`peak server RSS ${peak} MiB ${peak < TARGET.rssMiB ? 'PASS' : 'FAIL'} (< ${TARGET.rssMiB}); throughput ${(app / plain).toFixed(2)}× the plain handler ${app / plain >= TARGET.ratio ? 'PASS' : 'FAIL'} (≥ ${TARGET.ratio}×)`)
    } finally {
      sink.stop()
      await server.stop()
      await rm(scratch, { recursive: true, force: true })
    }
  },
}

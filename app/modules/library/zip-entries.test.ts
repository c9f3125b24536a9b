import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePdf, makeZip, renameInZip, zipBomb } from '#tests/setup/library-files.ts'
import { hasZipSignature, unsafeZipPath, type ZipEntry, zipEntries, ZIP_PROBLEMS, ZipUnreadableError } from './zip-entries.server.ts'

const LIMITS = { maxZipEntries: 1_000, maxCompressionRatio: 100 }

let directory: string
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'zip-entries-'))
})
afterAll(() => rm(directory, { recursive: true, force: true }))

async function fileOf(bytes: Buffer): Promise<string> {
  const file = path.join(directory, `${Math.random().toString(36).slice(2)}.zip`)
  await writeFile(file, bytes)
  return file
}

/** Every entry, the PDFs read whole (as the upload streams them). */
async function readAll(file: string, limits = LIMITS) {
  const out: { name: string; problem?: string; bytes?: number }[] = []
  for await (const entry of zipEntries(file, limits)) out.push(await settle(entry))
  return out
}

async function settle(entry: ZipEntry) {
  if (entry.kind === 'refused') return { name: entry.name, problem: entry.problem }
  let bytes = 0
  for await (const chunk of await entry.open()) bytes += (chunk as Buffer).length
  return { name: entry.name, bytes }
}

describe('zipEntries', () => {
  it('yields the PDFs, skips folders and Mac metadata, refuses the rest with a message each', async () => {
    const pdf = await makePdf()
    const zip = await makeZip([
      { name: 'Holst/01 Flute.pdf', bytes: pdf },
      { name: 'Holst/02 Oboe.PDF', bytes: pdf, compress: false },
      { name: '__MACOSX/Holst/._01 Flute.pdf', bytes: Buffer.from('fork') },
      { name: 'Holst/readme.txt', bytes: Buffer.from('hello') },
      { name: 'Holst/inner.zip', bytes: await makeZip([{ name: 'x.pdf', bytes: pdf }]) },
    ])
    expect(await readAll(await fileOf(zip))).toEqual([
      { name: '01 Flute.pdf', bytes: pdf.length },
      { name: '02 Oboe.PDF', bytes: pdf.length },
      { name: 'readme.txt', problem: ZIP_PROBLEMS.notPdf },
      { name: 'inner.zip', problem: ZIP_PROBLEMS.nested },
    ])
  })

  it('refuses entries with climbing, absolute, drive-letter or backslash paths, and reads the others', async () => {
    const pdf = await makePdf()
    let zip = await makeZip([
      { name: 'xx/evil.pdf', bytes: pdf },
      { name: 'yabs.pdf', bytes: pdf },
      { name: 'C_/win.pdf', bytes: pdf },
      { name: 'a_.._c.pdf', bytes: pdf },
      { name: 'Tuba.pdf', bytes: pdf },
    ])
    zip = renameInZip(zip, 'xx/evil.pdf', '../evil.pdf')
    zip = renameInZip(zip, 'yabs.pdf', '/abs.pdf')
    zip = renameInZip(zip, 'C_/win.pdf', 'C:/win.pdf')
    zip = renameInZip(zip, 'a_.._c.pdf', 'a\\..\\c.pdf')
    expect(await readAll(await fileOf(zip))).toEqual([
      { name: 'evil.pdf', problem: ZIP_PROBLEMS.unsafePath },
      { name: 'abs.pdf', problem: ZIP_PROBLEMS.unsafePath },
      { name: 'win.pdf', problem: ZIP_PROBLEMS.unsafePath },
      { name: 'c.pdf', problem: ZIP_PROBLEMS.unsafePath },
      { name: 'Tuba.pdf', bytes: pdf.length },
    ])
  })

  it('refuses a ZIP bomb by its compression ratio before inflating a byte', async () => {
    const bomb = await zipBomb(200 * 1024 * 1024)
    expect(bomb.length).toBeLessThan(1024 * 1024)
    expect(await readAll(await fileOf(bomb))).toEqual([{ name: 'Score.pdf', problem: ZIP_PROBLEMS.bomb }])
  })

  it('stops at the entry limit', async () => {
    const zip = await makeZip(Array.from({ length: 5 }, (_, index) => ({ name: `p${index}.pdf`, bytes: Buffer.from('%PDF-') })))
    const entries = await readAll(await fileOf(zip), { ...LIMITS, maxZipEntries: 3 })
    expect(entries).toHaveLength(4)
    expect(entries[3]).toEqual({ name: '…', problem: ZIP_PROBLEMS.tooManyEntries(3) })
  })

  it('fails as a whole for something that is not a ZIP', async () => {
    const file = await fileOf(Buffer.from('PK\u0003\u0004 but nothing after'))
    await expect(readAll(file)).rejects.toBeInstanceOf(ZipUnreadableError)
  })

  it('checks inflated bytes against the header (a header that lies about its size fails the entry)', async () => {
    const zip = await makeZip([{ name: 'Horn.pdf', bytes: Buffer.alloc(100_000, 0x41) }])
    // Patch the central directory's uncompressed size (offset 24 in its record) down to 1,000.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    zip.writeUInt32LE(1_000, central + 24)
    const outcomes: unknown[] = []
    for await (const entry of zipEntries(await fileOf(zip), { ...LIMITS, maxCompressionRatio: 1e6 })) {
      outcomes.push(await settle(entry).catch((error: unknown) => (error instanceof Error ? error.message : String(error))))
    }
    expect(outcomes).toHaveLength(1)
    expect(String(outcomes[0])).toMatch(/too many bytes/)
  })
})

describe('signatures and paths', () => {
  it('knows a ZIP by its first bytes', () => {
    expect(hasZipSignature(Buffer.from('PK\u0003\u0004rest'))).toBe(true)
    expect(hasZipSignature(Buffer.from('%PDF-1.7'))).toBe(false)
  })
  it('calls climbing and absolute paths unsafe', () => {
    for (const name of ['../a.pdf', 'a/../../b.pdf', '/etc/x.pdf', 'C:/x.pdf', 'c:x.pdf', 'a\\b.pdf']) expect(unsafeZipPath(name)).toBe(true)
    for (const name of ['a.pdf', 'Holst/Suite/01 Flute.pdf', 'a..b.pdf']) expect(unsafeZipPath(name)).toBe(false)
  })
})

import { CsvError, parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { MemberStatus } from '#db/types.ts'
import { EXPORT_ONLY_COLUMNS, IMPORT_COLUMNS, type ImportColumn, MAX_IMPORT_ROWS } from './csv-columns.ts'
import { isRealDate } from './schema.ts'

export { EXPORT_ONLY_COLUMNS, IMPORT_COLUMNS, MAX_IMPORT_ROWS }

/**
 * Reading a roster CSV for /admin/members/import: the file, then each row,
 * checked against the band's sections and instruments and the members it
 * already has (matched on e-mail). Pure, so every bad input has a quick test;
 * import.server.ts looks up the band and commits.
 */

export type RowError = { row: number; field: string; message: string }

export type ImportLookups = {
  sections: { id: string; name: string; slug: string }[]
  instruments: { id: string; name: string; sectionId: string | null; aliases: string[] }[]
  /** Members on the roster by lower-case e-mail. */
  members: Map<string, { id: string; status: MemberStatus; name: string }>
}

/** A row that will be saved: empty cells are undefined and leave what the member has. */
export type ImportRow = {
  row: number
  action: 'create' | 'update'
  memberId: string | null
  currentStatus: MemberStatus | null
  firstName: string
  lastName: string
  email: string
  phone?: string
  instrumentId?: string
  instrumentName?: string
  sectionName?: string
  chair?: number
  status?: MemberStatus
  joinedOn?: string
}

export type ImportCheck = {
  /** Problems with the whole file (no row can be read): shown instead of a preview. */
  fileErrors: string[]
  rowErrors: RowError[]
  rows: ImportRow[]
  /** How many data rows the file has. */
  total: number
}

const normaliseHeader = (text: string) => text.trim().toLowerCase().replace(/[\s-]+/g, '_')

/** `;`, tab or `,`: whichever the header line holds most of, outside quotes. */
export function detectSeparator(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 }
  let quoted = false
  for (const char of text) {
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === '\n' || char === '\r')) break
    else if (!quoted && char in counts) counts[char as keyof typeof counts]++
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';'
  if (counts['\t'] > counts[',']) return '\t'
  return ','
}

type CsvRecord = { row: number; fields: string[] }

/** The header and the rows with the line each starts on, or the reasons the file cannot be read. */
export function readCsv(text: string): { ok: true; header: string[]; records: CsvRecord[] } | { ok: false; errors: string[] } {
  const body = text.replace(/^\uFEFF/, '')
  if (!body.trim()) return { ok: false, errors: ['The file is empty.'] }
  let parsed: { record: string[]; info: { lines: number; empty_lines: number } }[]
  try {
    parsed = parse(body, { delimiter: detectSeparator(body), relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof parsed
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines
      return { ok: false, errors: [`The file is not valid CSV${line ? ` near line ${line}` : ''}: ${error.message.replace(/^[^:]*:\s*/, '')}. Check for a quote that is not closed.`] }
    }
    throw error
  }
  const records: CsvRecord[] = []
  let previousEnd = 0
  let previousEmpty = 0
  for (const { record, info } of parsed) {
    // A quoted field may span lines: name a row by the line it starts on, as a spreadsheet does.
    const start = previousEnd + 1 + (info.empty_lines - previousEmpty)
    previousEnd = info.lines
    previousEmpty = info.empty_lines
    if (record.every((field) => field.trim() === '')) continue
    records.push({ row: start, fields: record })
  }
  const [header, ...rows] = records
  if (!header) return { ok: false, errors: ['The file is empty.'] }
  return { ok: true, header: header.fields, records: rows }
}

/** What the header says, or what is wrong with it, naming the columns. */
export function readHeader(header: string[]): { ok: true; columns: (ImportColumn | null)[] } | { ok: false; errors: string[] } {
  const known = new Set<string>(IMPORT_COLUMNS.map((column) => column.name))
  const names = header.map(normaliseHeader)
  const errors: string[] = []
  const ignored = new Set<string>(EXPORT_ONLY_COLUMNS)
  const unknown = names.filter((name) => name && !known.has(name) && !ignored.has(name))
  if (unknown.length) errors.push(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. The columns are ${IMPORT_COLUMNS.map((column) => column.name).join(', ')}.`)
  const twice = [...new Set(names.filter((name, index) => name && names.indexOf(name) !== index))]
  if (twice.length) errors.push(`Column${twice.length > 1 ? 's' : ''} given twice: ${twice.join(', ')}.`)
  const missing = IMPORT_COLUMNS.filter((column) => column.required && !names.includes(column.name)).map((column) => column.name)
  if (missing.length) errors.push(`Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}. The first row must name the columns.`)
  if (names.includes('chair') && !names.includes('instrument')) errors.push('A chair column needs an instrument column too.')
  if (names.includes('section') && !names.includes('instrument')) errors.push('A section column needs an instrument column too: a member’s section comes from what they play.')
  if (errors.length) return { ok: false, errors }
  return { ok: true, columns: names.map((name) => (known.has(name) ? (name as ImportColumn) : null)) }
}

const STATUS_WORDS: Record<string, MemberStatus> = {
  active: 'active',
  on_leave: 'on_leave',
  'on leave': 'on_leave',
  leave: 'on_leave',
  inactive: 'inactive',
  alumni: 'alumni',
  alumnus: 'alumni',
  alumna: 'alumni',
}

const email = z.string().max(254).email()

/** Our own export guards formulas with a leading apostrophe; take it off again on the way in. */
function cell(value: string | undefined): string {
  const text = (value ?? '').trim()
  return /^'[=+\-@]/.test(text) ? text.slice(1) : text
}

const fold = (text: string) => text.normalize('NFKC').toLowerCase().replace(/♭/g, 'b').replace(/♯/g, '#').replace(/\s+/g, ' ').trim()

/** Checks every row; an import goes ahead only when there are no errors at all. */
export function checkImport(text: string, lookups: ImportLookups): ImportCheck {
  const read = readCsv(text)
  if (!read.ok) return { fileErrors: read.errors, rowErrors: [], rows: [], total: 0 }
  const header = readHeader(read.header)
  if (!header.ok) return { fileErrors: header.errors, rowErrors: [], rows: [], total: read.records.length }
  if (read.records.length > MAX_IMPORT_ROWS) {
    return {
      fileErrors: [`The file has ${read.records.length.toLocaleString('en-GB')} rows; import at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} at a time (split the file).`],
      rowErrors: [],
      rows: [],
      total: read.records.length,
    }
  }
  if (read.records.length === 0) return { fileErrors: ['The file has a header but no members under it.'], rowErrors: [], rows: [], total: 0 }

  const instrumentByName = new Map<string, ImportLookups['instruments'][number]>()
  for (const instrument of lookups.instruments) {
    for (const name of [instrument.name, ...instrument.aliases]) if (!instrumentByName.has(fold(name))) instrumentByName.set(fold(name), instrument)
  }
  const sectionByName = new Map<string, ImportLookups['sections'][number]>()
  for (const section of lookups.sections) {
    sectionByName.set(fold(section.name), section)
    sectionByName.set(fold(section.slug), section)
  }
  const sectionName = new Map(lookups.sections.map((section) => [section.id, section.name]))

  const rowErrors: RowError[] = []
  const rows: ImportRow[] = []
  const seen = new Map<string, number>()
  const width = read.header.length
  for (const record of read.records) {
    const { row, fields } = record
    const errors: RowError[] = []
    const fail = (field: string, message: string) => errors.push({ row, field, message })
    if (fields.length !== width && fields.slice(width).some((field) => field.trim() !== '')) {
      fail('(row)', `This row has ${fields.length} fields; the header has ${width}. Check for a separator inside a value that is not in quotes.`)
      rowErrors.push(...errors)
      continue
    }
    const value = (column: ImportColumn) => {
      const index = header.columns.indexOf(column)
      return index === -1 ? '' : cell(fields[index])
    }
    const firstName = value('first_name')
    const lastName = value('last_name')
    if (!firstName) fail('first_name', 'Enter the first name')
    else if (firstName.length > 100) fail('first_name', 'The first name is at most 100 characters')
    if (!lastName) fail('last_name', 'Enter the last name')
    else if (lastName.length > 100) fail('last_name', 'The last name is at most 100 characters')

    const address = value('email')
    const key = address.toLowerCase()
    if (!address) fail('email', 'Enter the e-mail address: it is how a later import finds this member again')
    else if (!email.safeParse(address).success) fail('email', `“${address}” is not an e-mail address`)
    else if (seen.has(key)) fail('email', `The same e-mail address as row ${seen.get(key)}`)
    else seen.set(key, row)

    const phone = value('phone')
    if (phone && (phone.length > 40 || !/^[0-9+()\-.\s/]+$/.test(phone))) fail('phone', 'Use digits, spaces and + ( ) - only, at most 40 characters')

    let instrument: ImportLookups['instruments'][number] | undefined
    const instrumentText = value('instrument')
    if (instrumentText) {
      instrument = instrumentByName.get(fold(instrumentText))
      if (!instrument) fail('instrument', `No instrument called “${instrumentText}”`)
    }
    const sectionText = value('section')
    if (sectionText) {
      const section = sectionByName.get(fold(sectionText))
      if (!section) fail('section', `No section called “${sectionText}”. The sections are ${lookups.sections.map((entry) => entry.name).join(', ')}`)
      else if (!instrumentText) fail('instrument', 'Name the instrument: the section comes from it')
      else if (instrument && instrument.sectionId !== section.id) fail('section', `${instrument.name} is in ${sectionName.get(instrument.sectionId ?? '') ?? 'no section'}, not ${section.name}`)
    }

    let chair: number | undefined
    const chairText = value('chair')
    if (chairText) {
      chair = Number(chairText)
      if (!/^\d+$/.test(chairText) || chair < 1 || chair > 20) fail('chair', 'A chair is a whole number from 1 to 20')
      else if (!instrumentText) fail('chair', 'A chair needs an instrument')
    }

    let status: MemberStatus | undefined
    const statusText = value('status')
    if (statusText) {
      status = STATUS_WORDS[statusText.toLowerCase().replace(/[-_]/g, ' ').replace(/\s+/g, ' ')] ?? STATUS_WORDS[statusText.toLowerCase()]
      if (!status) fail('status', `“${statusText}” is not a status: use active, on leave, inactive or alumni`)
    }

    const joinedOn = value('joined_on')
    if (joinedOn && !isRealDate(joinedOn)) {
      fail('joined_on', /^\d{4}-\d{2}-\d{2}$/.test(joinedOn) ? `There is no such date as ${joinedOn}` : `“${joinedOn}” is not a date: use YYYY-MM-DD`)
    }

    if (errors.length) {
      rowErrors.push(...errors)
      continue
    }
    const existing = lookups.members.get(key)
    rows.push({
      row,
      action: existing ? 'update' : 'create',
      memberId: existing?.id ?? null,
      currentStatus: existing?.status ?? null,
      firstName,
      lastName,
      email: address,
      phone: phone || undefined,
      instrumentId: instrument?.id,
      instrumentName: instrument?.name,
      sectionName: instrument?.sectionId ? sectionName.get(instrument.sectionId) : undefined,
      chair,
      status,
      joinedOn: joinedOn || undefined,
    })
  }
  return { fileErrors: [], rowErrors, rows, total: read.records.length }
}

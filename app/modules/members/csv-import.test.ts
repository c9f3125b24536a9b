import { describe, expect, it } from 'vitest'
import { csvCell, toCsv } from './csv-export.ts'
import { checkImport, detectSeparator, type ImportLookups, MAX_IMPORT_ROWS, readCsv } from './csv-import.ts'

const FLUTES = '00000000-0000-4000-8000-000000000001'
const CLARINETS = '00000000-0000-4000-8000-000000000002'
const FLUTE = '00000000-0000-4000-8000-0000000000f1'
const CLARINET = '00000000-0000-4000-8000-0000000000c1'
const EXISTING = '00000000-0000-4000-8000-0000000000e1'

const lookups: ImportLookups = {
  sections: [
    { id: FLUTES, name: 'Flutes & Double Reeds', slug: 'flutes-double-reeds' },
    { id: CLARINETS, name: 'Clarinets', slug: 'clarinets' },
  ],
  instruments: [
    { id: FLUTE, name: 'Flute', sectionId: FLUTES, aliases: ['Fl.'] },
    { id: CLARINET, name: 'Clarinet in B♭', sectionId: CLARINETS, aliases: ['Bb Clarinet', 'Clar.'] },
  ],
  members: new Map([['max@example.org', { id: EXISTING, status: 'active', name: 'Max Musician' }]]),
}

const HEADER = 'first_name,last_name,email,instrument,chair,status,joined_on'
const check = (text: string) => checkImport(text, lookups)

describe('reading the file', () => {
  it('takes a plain file with the header in any order and any case', () => {
    const result = check('EMAIL,Last_Name,First Name,Instrument\nada@example.org,Lovelace,Ada,Flute\n')
    expect(result.fileErrors).toEqual([])
    expect(result.rowErrors).toEqual([])
    expect(result.rows).toEqual([expect.objectContaining({ row: 2, action: 'create', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', instrumentId: FLUTE, sectionName: 'Flutes & Double Reeds' })])
  })

  it('ignores a UTF-8 byte order mark', () => {
    const result = check(`\uFEFF${HEADER}\nAda,Lovelace,ada@example.org,Flute,1,active,2024-09-03\n`)
    expect(result.fileErrors).toEqual([])
    expect(result.rows).toHaveLength(1)
  })

  it('detects semicolons as the separator (as European spreadsheets save)', () => {
    expect(detectSeparator('first_name;last_name;email\n')).toBe(';')
    expect(detectSeparator('"a;b",c,d\n')).toBe(',')
    const result = check('first_name;last_name;email;phone\nZoë;Ødegaard;zoe@example.org;+47 22 00 00 00\n')
    expect(result.rowErrors).toEqual([])
    expect(result.rows[0]).toMatchObject({ firstName: 'Zoë', lastName: 'Ødegaard', phone: '+47 22 00 00 00' })
  })

  it('reads quoted fields with separators, quotes and line breaks inside, and names rows by the line they start on', () => {
    const result = check(`first_name,last_name,email\n"Mary, Jane","O""Brien",mj@example.org\n"Two\nLines",Smith,two@example.org\nBad,Row,not-an-email\n`)
    expect(result.rows.map((row) => [row.row, row.firstName, row.lastName])).toEqual([
      [2, 'Mary, Jane', 'O"Brien'],
      [3, 'Two\nLines', 'Smith'],
    ])
    expect(result.rowErrors).toEqual([{ row: 5, field: 'email', message: '“not-an-email” is not an e-mail address' }])
  })

  it('refuses a quote that is never closed, saying where', () => {
    const result = check('first_name,last_name,email\n"Ada,Lovelace,ada@example.org\n')
    expect(result.fileErrors).toHaveLength(1)
    expect(result.fileErrors[0]).toMatch(/not valid CSV near line \d/)
  })

  it('names unknown, missing and doubled columns', () => {
    expect(check('first_name,surname,email,shoe_size\nA,B,a@example.org,9\n').fileErrors).toEqual([
      'Unknown columns: surname, shoe_size. The columns are first_name, last_name, email, phone, instrument, section, chair, status, joined_on.',
      'Missing column: last_name. The first row must name the columns.',
    ])
    expect(check('first_name,last_name,email,EMAIL\n').fileErrors).toEqual(['Column given twice: email.'])
    expect(check('name,mail\nAda,ada@example.org\n').fileErrors.join(' ')).toContain('Missing columns: first_name, last_name, email.')
  })

  it('reads past the extra columns of its own export', () => {
    const result = check('first_name,last_name,preferred_name,email,kind,account\nAda,Lovelace,Countess,ada@example.org,member,none\n')
    expect(result.fileErrors).toEqual([])
    expect(result.rows).toHaveLength(1)
  })

  it('says so for an empty file, or a header with nothing under it', () => {
    expect(check('').fileErrors).toEqual(['The file is empty.'])
    expect(check('\uFEFF\n\n').fileErrors).toEqual(['The file is empty.'])
    expect(check(`${HEADER}\n`).fileErrors).toEqual(['The file has a header but no members under it.'])
  })

  it('flags a row with more fields than the header', () => {
    const result = check('first_name,last_name,email\nAda,Lovelace,ada@example.org,extra\n')
    expect(result.rowErrors).toEqual([expect.objectContaining({ row: 2, field: '(row)', message: expect.stringContaining('4 fields; the header has 3') })])
  })
})

describe('checking each row', () => {
  it('finds duplicate e-mails within the file, in any case', () => {
    const result = check('first_name,last_name,email\nAda,One,ada@example.org\nAda,Two,ADA@example.org\nAda,Three,ada@example.org\n')
    expect(result.rows).toHaveLength(1)
    expect(result.rowErrors).toEqual([
      { row: 3, field: 'email', message: 'The same e-mail address as row 2' },
      { row: 4, field: 'email', message: 'The same e-mail address as row 2' },
    ])
  })

  it('matches members already on the roster by e-mail and updates them', () => {
    const result = check('first_name,last_name,email,status\nMax,Musician,Max@Example.org,on leave\n')
    expect(result.rows).toEqual([expect.objectContaining({ action: 'update', memberId: EXISTING, currentStatus: 'active', status: 'on_leave' })])
  })

  it('refuses impossible and badly written dates', () => {
    const result = check(`${HEADER}\nA,B,a@example.org,,,,2026-02-30\nC,D,c@example.org,,,,31/01/2026\nE,F,e@example.org,,,,2024-02-29\n`)
    expect(result.rowErrors).toEqual([
      { row: 2, field: 'joined_on', message: 'There is no such date as 2026-02-30' },
      { row: 3, field: 'joined_on', message: '“31/01/2026” is not a date: use YYYY-MM-DD' },
    ])
    expect(result.rows.map((row) => row.joinedOn)).toEqual(['2024-02-29'])
  })

  it('refuses unknown instruments and sections, and a section that does not fit the instrument', () => {
    const text = 'first_name,last_name,email,instrument,section\nA,B,a@example.org,Kazoo,\nC,D,c@example.org,Flute,Strings\nE,F,e@example.org,Flute,Clarinets\nG,H,g@example.org,bb clarinet,clarinets\n'
    const result = check(text)
    expect(result.rowErrors).toEqual([
      { row: 2, field: 'instrument', message: 'No instrument called “Kazoo”' },
      { row: 3, field: 'section', message: 'No section called “Strings”. The sections are Flutes & Double Reeds, Clarinets' },
      { row: 4, field: 'section', message: 'Flute is in Flutes & Double Reeds, not Clarinets' },
    ])
    expect(result.rows).toEqual([expect.objectContaining({ row: 5, instrumentId: CLARINET })])
  })

  it('checks chairs, statuses, names and phone numbers', () => {
    const result = check(`${HEADER}\n,B,a@example.org,Flute,0,,\nC,D,c@example.org,Flute,two,retired,\n`)
    expect(result.rowErrors).toEqual([
      { row: 2, field: 'first_name', message: 'Enter the first name' },
      { row: 2, field: 'chair', message: 'A chair is a whole number from 1 to 20' },
      { row: 3, field: 'chair', message: 'A chair is a whole number from 1 to 20' },
      { row: 3, field: 'status', message: '“retired” is not a status: use active, on leave, inactive or alumni' },
    ])
    expect(check('first_name,last_name,email,phone\nA,B,a@example.org,=1+1\n').rowErrors).toEqual([
      { row: 2, field: 'phone', message: 'Use digits, spaces and + ( ) - only, at most 40 characters' },
    ])
  })

  it('needs an e-mail on every row', () => {
    expect(check('first_name,last_name,email\nAda,Lovelace,\n').rowErrors).toEqual([
      { row: 2, field: 'email', message: 'Enter the e-mail address: it is how a later import finds this member again' },
    ])
  })

  it(`checks ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} rows, and refuses one more with the limit named`, () => {
    const rows = (count: number) => Array.from({ length: count }, (_, index) => `First${index},Last${index},player${index}@example.org,Flute,,active,2020-01-01`)
    const started = performance.now()
    const fine = check([HEADER, ...rows(MAX_IMPORT_ROWS)].join('\n'))
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(fine.fileErrors).toEqual([])
    expect(fine.rowErrors).toEqual([])
    expect(fine.rows).toHaveLength(MAX_IMPORT_ROWS)
    expect(check([HEADER, ...rows(MAX_IMPORT_ROWS + 1)].join('\n')).fileErrors).toEqual([
      'The file has 10,001 rows; import at most 10,000 at a time (split the file).',
    ])
  })
})

describe('the CSV export', () => {
  it('quotes what needs quoting and keeps formulas from running', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('O"Brien, Mary')).toBe('"O""Brien, Mary"')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('=HYPERLINK("http://evil.example")')).toBe(`"'=HYPERLINK(""http://evil.example"")"`)
    for (const start of ['+', '-', '@', '\t']) expect(csvCell(`${start}1`).replace(/^"/, '')).toMatch(/^'/)
    expect(csvCell(null)).toBe('')
    expect(csvCell(3)).toBe('3')
    expect(toCsv(['a', 'b'], [['1', null]])).toBe('a,b\r\n1,\r\n')
  })

  it('reads back through the importer, apostrophes taken off again', () => {
    const text = toCsv(['first_name', 'last_name', 'email', 'phone'], [['=cmd', 'Smith, Jr', 'guarded@example.org', '+44 7700 900000']])
    const read = readCsv(text)
    expect(read.ok && read.records[0]?.fields).toEqual(["'=cmd", 'Smith, Jr', 'guarded@example.org', "'+44 7700 900000"])
    const result = check(text)
    expect(result.rowErrors).toEqual([])
    expect(result.rows[0]).toMatchObject({ firstName: '=cmd', lastName: 'Smith, Jr', phone: '+44 7700 900000' })
  })
})

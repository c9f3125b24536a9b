import { describe, expect, it } from 'vitest'
import { cleanFileName, extensionOf, MAX_FILE_NAME_LENGTH } from './file-names.ts'

describe('cleanFileName', () => {
  it('keeps only the last path part, whichever separator the sender used', () => {
    expect(cleanFileName('C:\\scans\\Holst\\03 Clarinet 2.pdf')).toBe('03 Clarinet 2.pdf')
    expect(cleanFileName('../../etc/passwd.pdf')).toBe('passwd.pdf')
    expect(cleanFileName('/abs/Flute.pdf')).toBe('Flute.pdf')
    expect(cleanFileName('set\\..\\Tuba.pdf')).toBe('Tuba.pdf')
  })

  it('drops control characters and bidirectional overrides', () => {
    expect(cleanFileName('Horn\u0000 in F\u0007 1.pdf')).toBe('Horn in F 1.pdf')
    expect(cleanFileName('evil\u202efdp.exe')).toBe('evilfdp.exe')
    expect(cleanFileName('\u200bTrumpet\u2066 1\u2069.pdf\r\n')).toBe('Trumpet 1.pdf')
    expect(cleanFileName('  Oboe\t\t1.pdf  ')).toBe('Oboe 1.pdf')
  })

  it('caps a long name at 255 characters and keeps its extension', () => {
    const name = `${'Clarinet in B♭ 2 '.repeat(20)}.pdf`
    const cleaned = cleanFileName(`x/${name}`)
    expect([...cleaned].length).toBe(MAX_FILE_NAME_LENGTH)
    expect(cleaned.endsWith('….pdf')).toBe(true)
    expect(cleaned.startsWith('Clarinet in B♭ 2')).toBe(true)
    expect(cleanFileName('a'.repeat(300))).toHaveLength(MAX_FILE_NAME_LENGTH)
  })

  it('names what is left of nothing', () => {
    expect(cleanFileName('')).toBe('unnamed.pdf')
    expect(cleanFileName('dir/')).toBe('unnamed.pdf')
    expect(cleanFileName('..')).toBe('unnamed.pdf')
    expect(cleanFileName('\u0001\u0002')).toBe('unnamed.pdf')
  })
})

describe('extensionOf', () => {
  it('reads the extension in lower case', () => {
    expect(extensionOf('Score.PDF')).toBe('pdf')
    expect(extensionOf('parts.zip')).toBe('zip')
    expect(extensionOf('README')).toBe('')
  })
})

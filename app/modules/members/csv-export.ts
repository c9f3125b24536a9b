/**
 * CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, and no cell a
 * spreadsheet would run as a formula (OWASP "CSV injection"): a value that
 * starts with = + - @ (or a tab or carriage return) gets a leading apostrophe.
 * The importer takes the apostrophe off again.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n;]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

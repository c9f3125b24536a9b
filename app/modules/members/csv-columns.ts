/**
 * The roster CSV's columns, for the import page to document and the reader
 * (csv-import.ts) to check. Kept apart from the reader so the page's browser
 * code does not carry the CSV parser.
 */

export const MAX_IMPORT_ROWS = 10_000

/** The columns, in the words the page documents them. */
export const IMPORT_COLUMNS = [
  { name: 'first_name', required: true, help: 'First name.' },
  { name: 'last_name', required: true, help: 'Last name.' },
  { name: 'email', required: true, help: 'E-mail address: how the import finds a member already on the roster (then it updates them).' },
  { name: 'phone', required: false, help: 'Phone number.' },
  { name: 'instrument', required: false, help: 'Their main instrument, by name or a usual abbreviation (“Bb Clarinet”, “Tpt.”). Sets the section.' },
  { name: 'section', required: false, help: 'Section name, to check the instrument against; needs the instrument column too.' },
  { name: 'chair', required: false, help: 'Chair number, 1 to 20 (needs an instrument).' },
  { name: 'status', required: false, help: 'active, on leave, inactive or alumni; empty: active for new members, unchanged for others.' },
  { name: 'joined_on', required: false, help: 'The date they joined, as YYYY-MM-DD.' },
] as const

export type ImportColumn = (typeof IMPORT_COLUMNS)[number]['name']

/** Columns our own export adds: read past, so an exported file imports again. */
export const EXPORT_ONLY_COLUMNS = ['preferred_name', 'kind', 'account'] as const


import { z } from 'zod'
import type { ArrangerRole, Ownership, PartsStatus, PhysicalSize } from '#db/types.ts'

/**
 * The catalogue's forms: a piece (create and edit share one schema), a part
 * of a piece, a composer or arranger. They run in the browser too.
 */

export const ARRANGER_ROLES = ['arranger', 'editor', 'transcriber', 'orchestrator'] as const satisfies readonly ArrangerRole[]
export const ARRANGER_ROLE_LABELS: Record<ArrangerRole, string> = {
  arranger: 'Arranger',
  editor: 'Editor',
  transcriber: 'Transcriber',
  orchestrator: 'Orchestrator',
}

export const PHYSICAL_SIZES = ['march', 'octavo', 'quarto', 'concert', 'folio', 'digital'] as const satisfies readonly PhysicalSize[]
export const PHYSICAL_SIZE_LABELS: Record<PhysicalSize, string> = {
  march: 'March (lyre) size',
  octavo: 'Octavo',
  quarto: 'Quarto',
  concert: 'Concert size (9×12 in)',
  folio: 'Folio',
  digital: 'Digital only',
}

export const OWNERSHIPS = ['owned', 'rented', 'borrowed', 'public_domain'] as const satisfies readonly Ownership[]
export const OWNERSHIP_LABELS: Record<Ownership, string> = {
  owned: 'Owned',
  rented: 'Rented',
  borrowed: 'Borrowed',
  public_domain: 'Public domain',
}

export const PARTS_STATUSES = ['complete', 'incomplete', 'unknown'] as const satisfies readonly PartsStatus[]
export const PARTS_STATUS_LABELS: Record<PartsStatus, string> = {
  complete: 'Complete',
  incomplete: 'Incomplete',
  unknown: 'Not checked yet',
}

/** How long a deleted piece or part may be restored. */
export const RESTORE_DAYS = 30

/** Band grades: 0.5 (very easy) to 6 (professional) in half steps. */
export const GRADES = Array.from({ length: 12 }, (_, index) => ((index + 1) / 2).toFixed(1))

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

const optionalText = (max: number, what: string) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max, `${what} can be at most ${max} characters`).optional())

const requiredText = (max: number, what: string, missing: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, `${what} can be at most ${max} characters`)

const optionalYear = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `Enter ${what} as a number, like 1923` })
      .int(`Enter ${what} as a whole year, like 1923`)
      .min(1000, `Enter ${what} with four digits, like 1923`)
      .max(2200, `Enter ${what} with four digits, like 1923`)
      .optional(),
  )

/** "Holst, Gustav" or "1, 3": one entry per line or per comma, blanks dropped, the same text (any case) once. */
function splitList(text: string, separator: RegExp): string[] {
  const seen = new Set<string>()
  const items: string[] = []
  for (const raw of text.split(separator)) {
    const item = raw.normalize('NFC').trim().replace(/\s+/g, ' ')
    if (!item || seen.has(item.toLowerCase())) continue
    seen.add(item.toLowerCase())
    items.push(item)
  }
  return items
}

const DURATION = /^(\d{1,3})(?::([0-5]\d))?$/

/** "7:30" → 450 seconds; "12" → 12 minutes. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim())
  if (!match) return null
  const seconds = Number(match[1]) * 60 + Number(match[2] ?? 0)
  return seconds > 0 ? seconds : null
}

/** 450 → "7:30". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return ''
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

// Woodwinds-brass-then the rest: "2222-4231-timp-3perc", "1.2.2.1-2.2.1.0-perc-pno", "3222+sax-4331-str".
const INSTRUMENTATION = /^\d[\d.]*(\+[a-z0-9. ]+)?-\d[\d.]*(\+[a-z0-9. ]+)?(-[a-z0-9.+ ()]+)*$/i

// "CB-0046", "46.1", "Box 3/12": letters, digits and a few separators.
const LIBRARY_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N} .\-/#]*$/u

const isRealDate = (value: string) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return year >= 1900 && year <= 2200 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export const PieceSchema = z
  .object({
    libraryNumber: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(30, 'A library number can be at most 30 characters')
        .regex(LIBRARY_NUMBER, 'Use letters, digits, spaces and . - / # only, like CB-0046 or 46.1')
        .optional(),
    ),
    title: requiredText(200, 'The title', 'Enter the title'),
    alternateTitles: z.preprocess(
      (value) => (typeof value === 'string' ? splitList(value, /\r?\n/) : []),
      z.array(z.string().max(200, 'Each alternate title can be at most 200 characters')).max(20, 'At most 20 alternate titles'),
    ),
    subtitle: optionalText(300, 'The subtitle'),
    composer: optionalText(120, 'The composer’s name'),
    arranger: optionalText(120, 'The arranger’s name'),
    arrangerRole: z.enum(ARRANGER_ROLES, { error: 'Choose what the arranger did' }).default('arranger'),
    publisher: optionalText(120, 'The publisher'),
    edition: optionalText(120, 'The edition'),
    year: optionalYear('the year'),
    genre: optionalText(60, 'The genre'),
    tags: z.preprocess(
      (value) => (typeof value === 'string' ? splitList(value, /,/) : []),
      z.array(z.string().max(40, 'Each tag can be at most 40 characters')).max(20, 'At most 20 tags'),
    ),
    grade: z.preprocess(blankToUndefined, z.string().refine((value) => GRADES.includes(value), 'Choose a grade from the list').optional()),
    gradeSource: optionalText(120, 'Who graded it'),
    duration: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .refine((value) => parseDuration(value) !== null, 'Enter minutes and seconds, like 7:30 (or whole minutes, like 12)')
        .optional(),
    ),
    instrumentation: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(120, 'The instrumentation can be at most 120 characters')
        .regex(INSTRUMENTATION, 'Write woodwinds, then brass, then the rest, with dashes: like 2222-4231-timp-3perc')
        .optional(),
    ),
    ensemble: z.preprocess((value) => blankToUndefined(value) ?? 'concert band', z.string().trim().max(60, 'The ensemble can be at most 60 characters')),
    physicalSize: z.preprocess(blankToUndefined, z.enum(PHYSICAL_SIZES, { error: 'Choose a size from the list' }).optional()),
    shelfLocation: optionalText(120, 'The shelf location'),
    ownership: z.enum(OWNERSHIPS, { error: 'Choose who owns the set' }).default('owned'),
    lender: optionalText(120, 'The lender'),
    rentalDueOn: z.preprocess(blankToUndefined, z.string().trim().refine(isRealDate, 'Enter a real date, like 2027-03-31').optional()),
    partsStatus: z.enum(PARTS_STATUSES, { error: 'Choose whether the parts are complete' }).default('unknown'),
    missingParts: optionalText(1000, 'The list of missing parts'),
    notes: optionalText(4000, 'The notes'),
  })
  .superRefine((value, context) => {
    // A rented or borrowed set goes back: to whom (and, rented, by when) must be on record.
    if ((value.ownership === 'rented' || value.ownership === 'borrowed') && !value.lender) {
      context.addIssue({ code: 'custom', path: ['lender'], message: `Enter who the set is ${value.ownership} from` })
    }
    if (value.ownership === 'rented' && !value.rentalDueOn) {
      context.addIssue({ code: 'custom', path: ['rentalDueOn'], message: 'Enter the date the rented set is due back' })
    }
    if (value.partsStatus === 'incomplete' && !value.missingParts) {
      context.addIssue({ code: 'custom', path: ['missingParts'], message: 'List the parts that are missing' })
    }
  })
export type PieceInput = z.output<typeof PieceSchema>

export const DeletePieceSchema = z.object({
  intent: z.literal('delete'),
  confirm: z.boolean({ error: 'Tick the box to confirm' }).refine((ticked) => ticked, 'Tick the box to confirm'),
})

/** "1", "1, 3", "1 & 3", "1 and 3", "1/3": the chairs a part serves, in order, each once. */
export function parseChairs(text: string): number[] | null {
  const trimmed = text.trim()
  if (!trimmed) return []
  const pieces = trimmed.split(/\s*(?:,|&|\/|\+|\band\b)\s*/i)
  const chairs: number[] = []
  for (const piece of pieces) {
    if (!/^\d{1,2}$/.test(piece)) return null
    const chair = Number(piece)
    if (chair < 1 || chair > 20) return null
    if (!chairs.includes(chair)) chairs.push(chair)
  }
  return chairs.sort((a, b) => a - b)
}

const partFields = {
  instrumentId: z.uuid('Choose the instrument from the list'),
  chairs: z.preprocess(
    (value) => (typeof value === 'string' ? value : ''),
    z
      .string()
      .refine((value) => parseChairs(value) !== null, 'Enter chairs from 1 to 20, like 1, or 1 & 3; leave it empty for a single part')
      .transform((value) => parseChairs(value) ?? []),
  ),
  label: requiredText(120, 'The label', 'Enter the label, like “Horn in F 1 & 3”'),
  sortOrder: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'Enter the place as a whole number' }).int('Enter the place as a whole number').min(0, 'Enter 0 or more').max(9999, 'Enter at most 9999').optional(),
  ),
}

export const PartSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('add'), ...partFields }),
  z.object({ intent: z.literal('edit'), partId: z.uuid('That part is gone. Reload the page.'), ...partFields }),
  z.object({ intent: z.literal('delete'), partId: z.uuid('That part is gone. Reload the page.') }),
  z.object({ intent: z.literal('restore'), partId: z.uuid('That part is gone. Reload the page.') }),
])
export type PartChange = z.output<typeof PartSchema>
export type PartInput = Extract<PartChange, { intent: 'add' }>

/** The add-a-part form on its own (the edit rows share its fields). */
export const AddPartSchema = z.object({ intent: z.literal('add'), ...partFields })

export const PersonSchema = z
  .object({
    name: requiredText(120, 'The name', 'Enter the name, like Gustav Holst'),
    sortName: optionalText(120, 'The sort name'),
    bornYear: optionalYear('the year of birth'),
    diedYear: optionalYear('the year of death'),
    notes: optionalText(2000, 'The notes'),
  })
  .superRefine((value, context) => {
    if (value.bornYear !== undefined && value.diedYear !== undefined && value.diedYear < value.bornYear) {
      context.addIssue({ code: 'custom', path: ['diedYear'], message: 'The year of death comes after the year of birth' })
    }
  })
export type PersonInput = z.output<typeof PersonSchema>

/** The people list's query string: what does not parse means "no filter". */
export const PeopleQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(500).optional().catch(undefined),
})

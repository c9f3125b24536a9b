import type { Insertable } from 'kysely'
import type { MemberInstrumentsTable, MembersTable, MemberStatus } from '#db/types.ts'
import { addDays } from './calendar.ts'
import { instrumentId } from './instruments.ts'
import { createRandom, slugify, stableId } from './random.ts'

// first name, last name, primary instrument, chair (null: no chair), status, doubles
type RosterEntry = [string, string, string | null, number | null, MemberStatus?, string[]?]

// Grouped by section, front desk first. Percussion has no chairs: players rotate.
const ROSTER: RosterEntry[] = [
  ['Hannah', 'Whitfield', 'Flute', 1],
  ['Priya', 'Sharma', 'Flute', 2],
  ['Libby', 'Librarian', 'Flute', 3],
  ['Grace', 'Okafor', 'Flute', 4],
  ['Margaret', 'Ellis', 'Flute', 5, 'on_leave'],
  ['Sophie', 'Brennan', 'Piccolo', 1, 'active', ['Flute']],
  ['Eleanor', 'Hughes', 'Oboe', 1, 'active', ['English Horn']],
  ['Tomasz', 'Nowak', 'Bassoon', 1],
  ['Dorothy', 'Pike', 'Flute', null, 'alumni'],

  ['Rachel', 'Donnelly', 'Clarinet in E♭', 1, 'active', ['Clarinet in B♭']],
  ['Lee', 'Leader', 'Clarinet in B♭', 1],
  ['Max', 'Musician', 'Clarinet in B♭', 2],
  ['Aisha', 'Rahman', 'Clarinet in B♭', 3],
  ['Owen', 'Pritchard', 'Clarinet in B♭', 4],
  ['Catherine', 'Moss', 'Clarinet in B♭', 5],
  ['Daniel', 'Kowalski', 'Clarinet in B♭', 6, 'active', ['Alto Saxophone']],
  ['Fiona', 'MacLeod', 'Clarinet in B♭', 7],
  ['Joanna', 'Taylor', 'Clarinet in B♭', 8, 'on_leave'],
  ['Isaac', 'Bennett', 'Clarinet in B♭', 9],
  ['Wendy', 'Harper', 'Clarinet in B♭', 10],
  ['Graham', 'Fletcher', 'Bass Clarinet', 1, 'active', ['Contrabass Clarinet']],
  ['Nadia', 'Petrova', 'Bass Clarinet', 2, 'active', ['Clarinet in B♭']],
  ['Peter', 'Lawson', 'Clarinet in B♭', null, 'inactive'],

  ['Marcus', 'Reid', 'Alto Saxophone', 1, 'active', ['Soprano Saxophone']],
  ['Chloe', 'Adeyemi', 'Alto Saxophone', 2],
  ['Ben', 'Carter', 'Alto Saxophone', 3],
  ['Steve', 'Wilkinson', 'Tenor Saxophone', 1],
  ['Jasmine', 'Patel', 'Tenor Saxophone', 2],
  ['Alan', 'Crossley', 'Baritone Saxophone', 1],
  ['Ruth', 'Saunders', 'Alto Saxophone', null, 'alumni'],

  ['James', "O'Connor", 'Trumpet in B♭', 1, 'active', ['Cornet in B♭']],
  ['Kate', 'Simmons', 'Trumpet in B♭', 2],
  ['Ravi', 'Menon', 'Trumpet in B♭', 3],
  ['Lucy', 'Barnes', 'Trumpet in B♭', 4],
  ['Tom', 'Hadley', 'Trumpet in B♭', 5],
  ['Ellie', 'Cartwright', 'Trumpet in B♭', 6],
  ['Michael', 'Fairbairn', 'Cornet in B♭', 1, 'active', ['Trumpet in B♭']],
  ['Georgia', 'Lam', 'Cornet in B♭', 2],
  ['Colin', 'Redfern', 'Flugelhorn', 1, 'active', ['Trumpet in B♭']],
  ['Helen', 'Ashworth', 'Horn in F', 1],
  ['Femi', 'Adebayo', 'Horn in F', 2],
  ['Clare', 'Holloway', 'Horn in F', 3],
  ['Mark', 'Jennings', 'Horn in F', 4],
  ['Zoe', 'Whitaker', 'Horn in F', 5, 'on_leave'],
  ['Brian', 'Cooke', 'Trumpet in B♭', null, 'alumni'],

  ['Andrew', 'Murray', 'Trombone', 1],
  ['Siân', 'Griffiths', 'Trombone', 2],
  ['Paul', 'Ndlovu', 'Trombone', 3],
  ['Megan', 'Rowe', 'Trombone', 4],
  ['Richard', 'Stone', 'Bass Trombone', 1],
  ['Gareth', 'Lewis', 'Euphonium', 1],
  ['Amy', 'Chen', 'Euphonium', 2, 'active', ['Trombone']],
  ['Dave', 'Thornton', 'Tuba', 1],
  ['Hamish', 'Grant', 'Tuba', 2],
  ['Lena', 'Fischer', 'String Bass', 1],
  ['Keith', 'Varley', 'Tuba', null, 'inactive'],

  ['Sam', 'Turner', 'Timpani', null, 'active', ['Mallet Percussion']],
  ['Jack', 'Doyle', 'Snare Drum', null, 'active', ['Percussion', 'Bass Drum']],
  ['Mei Lin', 'Wong', 'Mallet Percussion', null, 'active', ['Piano']],
  ['Oliver', 'Quinn', 'Percussion', null, 'active', ['Snare Drum']],
  ['Freya', 'Lindqvist', 'Percussion', null, 'active', ['Timpani']],
  ['Harry', 'Bell', 'Bass Drum', null, 'active', ['Percussion']],

  ['Dana', 'Director', null, null],
]

// The demo accounts (DESIGN.md) log in with these addresses.
const ACCOUNT_EMAILS: Record<string, string> = {
  'Lee Leader': 'leader@example.org',
  'Max Musician': 'musician@example.org',
  'Libby Librarian': 'librarian@example.org',
  'Dana Director': 'director@example.org',
}

/** Joined a few weeks ago: the "welcome" news post names them. */
export const NEWEST_MEMBERS = ['Grace Okafor', 'Isaac Bennett', 'Ellie Cartwright'] as const

const FOUNDER_MEMBERS = new Set(['Dorothy Pike', 'Keith Varley', 'Graham Fletcher'])

const NOTES: Record<string, string> = {
  'Graham Fletcher': 'Founder member. Keeps the band van keys.',
  'Jack Doyle': 'Has his own kit; can bring it to outdoor concerts.',
  'Hamish Grant': 'Plays the band-owned tuba (serial 40731).',
  'Margaret Ellis': 'On leave until after the summer; happy to help front of house.',
  'Lena Fischer': 'Also plays with the Riverside Philharmonic; check for clashes.',
  'Eleanor Hughes': 'Reeds ordered through the band account.',
  'Dana Director': 'Musical director.',
}

export const memberId = (first: string, last: string): string => stableId(`member:${slugify(`${first} ${last}`)}`)

function emailFor(first: string, last: string): string {
  const local = (name: string) => slugify(name).replace(/-/g, '')
  return ACCOUNT_EMAILS[`${first} ${last}`] ?? `${local(first)}.${local(last)}@example.net`
}

export function buildMembers(anchor: string): {
  members: (Insertable<MembersTable> & { id: string })[]
  memberInstruments: Insertable<MemberInstrumentsTable>[]
} {
  const random = createRandom('members')
  const members: (Insertable<MembersTable> & { id: string })[] = []
  const memberInstruments: Insertable<MemberInstrumentsTable>[] = []

  ROSTER.forEach(([first, last, plays, chair, status = 'active', doubles = []], index) => {
    const name = `${first} ${last}`
    const id = memberId(first, last)
    // Draw the same numbers for every member so the list stays stable when one changes.
    const yearsAgo = random.int(1, 18)
    const dayOfYear = random.int(0, 364)
    const hasPhone = random.chance(0.85)
    const daysAgo = (NEWEST_MEMBERS as readonly string[]).includes(name)
      ? 35 + (index % 14)
      : FOUNDER_MEMBERS.has(name)
        ? 365 * 30 + dayOfYear
        : yearsAgo * 365 + dayOfYear

    members.push({
      id,
      first_name: first,
      last_name: last,
      email: emailFor(first, last),
      // 07700 900xxx is Ofcom's range reserved for drama: never a real phone.
      phone: hasPhone || ACCOUNT_EMAILS[name] ? `07700 900${String((index * 37 + 101) % 1000).padStart(3, '0')}` : null,
      status,
      joined_on: addDays(anchor, -daysAgo),
      notes: NOTES[name] ?? null,
    })
    if (plays) {
      memberInstruments.push({ member_id: id, instrument_id: instrumentId(plays), is_primary: true, chair })
    }
    for (const other of doubles) {
      memberInstruments.push({ member_id: id, instrument_id: instrumentId(other), is_primary: false, chair: null })
    }
  })
  return { members, memberInstruments }
}

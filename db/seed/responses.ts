import type { Insertable } from 'kysely'
import type {
  AbsencesTable,
  AttendanceStatus,
  AttendanceTable,
  InstrumentsTable,
  MemberInstrumentsTable,
  MembersTable,
  MemberStatusChangesTable,
  RsvpAnswer,
  RsvpsTable,
} from '#db/types.ts'
import { addDays, bandWallClock, daysBetween } from './calendar.ts'
import { instrumentId } from './instruments.ts'
import { memberId } from './roster.ts'
import { createRandom, stableId } from './random.ts'
import type { SeasonEvent } from './season.ts'

/**
 * What the players have done with the season: their answers, the weeks they
 * are away, who came to past rehearsals, and how each member's status got to
 * where it is. Built from the roster and the season so every page of the
 * portal has real-looking data on the first start.
 */

type Member = Insertable<MembersTable> & { id: string }
type Event = SeasonEvent

export type Responses = {
  guests: Insertable<MembersTable>[]
  guestInstruments: Insertable<MemberInstrumentsTable>[]
  statusChanges: Insertable<MemberStatusChangesTable>[]
  rsvps: Insertable<RsvpsTable>[]
  absences: Insertable<AbsencesTable>[]
  attendance: Insertable<AttendanceTable>[]
}

// Answers are collected up to three weeks ahead; beyond that few have replied.
const ANSWER_HORIZON_DAYS = 21
const NOTES = ['Late 20 min', 'Leaving at the break', 'Might be stuck at work', 'Bringing a spare stand', 'Lift needed']

/** Names members go by, and pronouns some chose to give. */
const PREFERRED: Record<string, { preferred?: string; pronouns?: string }> = {
  'Margaret Ellis': { preferred: 'Maggie', pronouns: 'she/her' },
  'Tomasz Nowak': { preferred: 'Tom', pronouns: 'he/him' },
  'Rachel Donnelly': { pronouns: 'she/her' },
  'Sam Turner': { pronouns: 'they/them' },
  'Femi Adebayo': { preferred: 'Femi', pronouns: 'he/him' },
  'Mei Lin Wong': { pronouns: 'she/her' },
  'Alan Crossley': { preferred: 'Al' },
  'Lee Leader': { pronouns: 'he/him' },
}

export function buildResponses(input: {
  anchor: string
  today: Date
  members: Member[]
  memberInstruments: Insertable<MemberInstrumentsTable>[]
  instruments: Insertable<InstrumentsTable>[]
  events: Event[]
}): Responses {
  const { anchor, today } = input
  const sectionOfInstrument = new Map(input.instruments.map((i) => [i.id, i.section_id ?? null]))
  const upcomingConcerts = input.events
    .filter((e) => e.kind === 'concert' && new Date(e.starts_at) > today)
    .toSorted((a, b) => +new Date(a.starts_at) - +new Date(b.starts_at))

  // A substitute oboist for the second upcoming concert and a guest percussionist for the season.
  const guests: Member[] = [
    {
      id: memberId('Nina', 'Castellano'),
      first_name: 'Nina',
      last_name: 'Castellano',
      email: 'nina.castellano@example.net',
      phone: null,
      status: 'active',
      kind: 'substitute',
      engaged_event_id: upcomingConcerts[1]?.id ?? null,
      joined_on: addDays(anchor, -10),
      notes: 'Deps on oboe when Eleanor is away. Paid fee agreed with the treasurer.',
    },
    {
      id: memberId('Tariq', 'Hussain'),
      first_name: 'Tariq',
      last_name: 'Hussain',
      email: 'tariq.hussain@example.net',
      phone: '07700 900611',
      status: 'active',
      kind: 'guest',
      engaged_until: addDays(anchor, 90),
      joined_on: addDays(anchor, -20),
      notes: 'Student from the university music society, playing with us this term.',
    },
  ]
  const guestInstruments: Insertable<MemberInstrumentsTable>[] = [
    { member_id: memberId('Nina', 'Castellano'), instrument_id: instrumentId('Oboe'), is_primary: true, chair: 2 },
    { member_id: memberId('Tariq', 'Hussain'), instrument_id: instrumentId('Percussion'), is_primary: true, chair: null },
  ]

  const members = [...input.members, ...guests]
  const choices = createRandom('directory choices')
  for (const member of members) {
    const extra = PREFERRED[`${member.first_name} ${member.last_name}`]
    member.preferred_name = extra?.preferred ?? null
    member.pronouns = extra?.pronouns ?? null
    // Draw for everyone so one member's choice never reshuffles the others'.
    const listed = choices.chance(0.95)
    const showEmail = choices.chance(0.6)
    const showPhone = choices.chance(0.4)
    member.directory_listed = listed
    member.directory_show_email = showEmail
    member.directory_show_phone = showPhone
  }

  const primarySection = new Map<string, string | null>()
  for (const played of [...input.memberInstruments, ...guestInstruments]) {
    if (played.is_primary) primarySection.set(played.member_id, sectionOfInstrument.get(played.instrument_id) ?? null)
  }

  const absences = buildAbsences(anchor)
  const eventDate = (event: Event) => bandWallClock(new Date(event.starts_at)).date
  const awayOn = (member: string, date: string) =>
    absences.some((a) => a.member_id === member && a.starts_on <= date && date <= a.ends_on)
  const expectedAt = (member: Member, event: Event) =>
    member.status === 'active' &&
    ((member.kind ?? 'member') === 'member' ||
      member.engaged_event_id === event.id ||
      (member.engaged_until != null && member.engaged_until >= eventDate(event))) &&
    (event.section_id == null || primarySection.get(member.id) === event.section_id)

  const rsvps: Insertable<RsvpsTable>[] = []
  const attendance: Insertable<AttendanceTable>[] = []
  const pastRehearsals = input.events
    .filter((e) => e.kind === 'rehearsal' && e.status !== 'cancelled' && new Date(e.ends_at) < today)
    .toSorted((a, b) => +new Date(b.starts_at) - +new Date(a.starts_at))
  // Last Tuesday's register is still to be taken: the section leaders' next job.
  const registerPending = pastRehearsals[0]?.id
  const firstUpcomingConcert = upcomingConcerts[0]?.id
  const musician = memberId('Max', 'Musician')
  const oboist = memberId('Eleanor', 'Hughes')

  for (const event of input.events) {
    if (event.status === 'cancelled') continue
    const startsAt = new Date(event.starts_at)
    const daysAhead = daysBetween(anchor, eventDate(event))
    if (daysAhead > ANSWER_HORIZON_DAYS) continue
    const past = new Date(event.ends_at) < today
    const random = createRandom(`answers:${event.id}`)
    for (const member of members) {
      if (!expectedAt(member, event)) continue
      const date = eventDate(event)
      const answerRoll = random.next()
      const answerChance = past ? 0.85 : daysAhead <= 7 ? 0.6 : 0.35
      const kind = random.next()
      const noteRoll = random.next()
      const turnout = random.next()
      const away = awayOn(member.id, date)
      let answer: RsvpAnswer | null = null
      if (member.id === oboist && event.id === firstUpcomingConcert) answer = 'not_going'
      // The demo musician's upcoming answers are left for the person trying the demo.
      else if (!past && member.id === musician) answer = null
      else if (!away && answerRoll < answerChance) answer = kind < 0.76 ? 'going' : kind < 0.9 ? 'not_going' : 'maybe'
      if (answer) {
        rsvps.push({
          event_id: event.id,
          member_id: member.id,
          answer,
          note: member.id === oboist && answer === 'not_going' ? 'Away with work that weekend, sorry' : noteRoll < 0.08 ? (NOTES[Math.floor(noteRoll * 100) % NOTES.length] ?? null) : null,
          answered_at: new Date(startsAt.getTime() - (2 + Math.floor(answerRoll * 10)) * 86_400_000),
          answered_via: noteRoll > 0.7 ? 'link' : 'portal',
        })
      }
      if (past && event.kind !== 'other' && event.id !== registerPending) {
        attendance.push({
          event_id: event.id,
          member_id: member.id,
          status: markFor(answer, away, turnout),
          marked_by: null,
          marked_at: new Date(new Date(event.ends_at).getTime() + 10 * 60_000),
        })
      }
    }
  }

  return {
    guests,
    guestInstruments,
    statusChanges: buildStatusHistory(members, anchor),
    rsvps,
    absences,
    attendance,
  }
}

/** Most who said they would come did; a few were late, the others sent word or did not. */
function markFor(answer: RsvpAnswer | null, away: boolean, turnout: number): AttendanceStatus {
  if (answer === 'going') return turnout < 0.08 ? 'late' : turnout < 0.96 ? 'present' : 'absent'
  if (answer === 'not_going' || away) return 'excused'
  if (answer === 'maybe') return turnout < 0.5 ? 'present' : 'absent'
  return turnout < 0.75 ? 'present' : 'absent'
}

const ABSENCES: [string, string, number, number, string | null][] = [
  ['Kate', 'Simmons', 10, 24, 'Holiday in Portugal'],
  ['Owen', 'Pritchard', 0, 7, 'Working nights this week'],
  ['Gareth', 'Lewis', -50, -40, 'Knee operation'],
  ['Helen', 'Ashworth', 30, 44, null],
  ['Aisha', 'Rahman', -20, -14, 'Family visit'],
]

function buildAbsences(anchor: string): Insertable<AbsencesTable>[] {
  return ABSENCES.map(([first, last, from, to, reason]) => ({
    id: stableId(`absence:${first}-${last}:${from}`),
    member_id: memberId(first, last),
    starts_on: addDays(anchor, from),
    ends_on: addDays(anchor, to),
    reason,
  }))
}

/** Everyone joined as active; the others' later changes are dated. */
function buildStatusHistory(members: Member[], anchor: string): Insertable<MemberStatusChangesTable>[] {
  const changes: Insertable<MemberStatusChangesTable>[] = []
  for (const member of members) {
    const joined = member.joined_on ?? addDays(anchor, -365)
    changes.push({ id: stableId(`status:${member.id}:joined`), member_id: member.id, status: 'active', effective_on: joined, note: 'Joined the band' })
    const status = member.status ?? 'active'
    if (status === 'active') continue
    const since = addDays(anchor, status === 'on_leave' ? -40 : -400)
    changes.push({
      id: stableId(`status:${member.id}:${status}`),
      member_id: member.id,
      status,
      effective_on: since > joined ? since : joined,
      note: status === 'on_leave' ? 'Taking a break; back after the summer' : status === 'alumni' ? 'Retired from playing; still comes to concerts' : 'Moved away',
    })
  }
  return changes
}

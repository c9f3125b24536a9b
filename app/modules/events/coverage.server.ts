import type { Db, RsvpAnswer } from '#db/types.ts'
import { countAnswers, getEventRoll, type RollEntry } from './roll.server.ts'

/**
 * Coverage for directors: before each event, who is coming by section, and
 * whether every part of every piece on the set list has someone going who
 * plays its instrument (as primary or secondary). Who is expected and what
 * they answered come from the roll (roll.server.ts) and nowhere else.
 */

export type AnswerCounts = ReturnType<typeof countAnswers>

export type SectionCoverage = {
  sectionId: string | null
  sectionName: string
  players: RollEntry[]
  counts: AnswerCounts
}

/** 'covered': someone going; 'maybe': only maybes; 'nobody': neither. */
export type PartState = 'covered' | 'maybe' | 'nobody'

export type PartCoverage = {
  partId: string
  label: string
  instrumentName: string
  going: string[]
  maybe: string[]
  state: PartState
}

export type PieceCoverage = { pieceId: string; position: number; title: string; parts: PartCoverage[] }

/** The roll grouped by section, in the roll's order (sections by their printed order). */
export function groupBySection(roll: readonly RollEntry[]): SectionCoverage[] {
  const sections = new Map<string, SectionCoverage>()
  for (const entry of roll) {
    const key = entry.sectionId ?? ''
    let section = sections.get(key)
    if (!section) {
      section = { sectionId: entry.sectionId, sectionName: entry.sectionName ?? 'No section', players: [], counts: countAnswers([]) }
      sections.set(key, section)
    }
    section.players.push(entry)
  }
  for (const section of sections.values()) section.counts = countAnswers(section.players)
  return [...sections.values()]
}

type SetListPart = {
  eventId: string
  pieceId: string
  position: number
  title: string
  partId: string
  label: string
  instrumentId: string
  instrumentName: string
}

/**
 * Every part of every piece on the set lists of `eventIds`, and who plays
 * each instrument (primary or secondary: the whole band's, a few dozen
 * rows). Two queries for any number of events.
 */
async function setListParts(db: Db, eventIds: readonly string[]) {
  if (eventIds.length === 0) return { parts: [] as SetListPart[], players: new Map<string, string[]>() }
  const [parts, instruments] = await Promise.all([
    db
      .selectFrom('set_list_items')
      .innerJoin('pieces', 'pieces.id', 'set_list_items.piece_id')
      .innerJoin('parts', 'parts.piece_id', 'pieces.id')
      .innerJoin('instruments', 'instruments.id', 'parts.instrument_id')
      .select([
        'set_list_items.event_id as eventId',
        'pieces.id as pieceId',
        'set_list_items.position',
        'pieces.title',
        'parts.id as partId',
        'parts.label',
        'instruments.id as instrumentId',
        'instruments.name as instrumentName',
      ])
      .where('set_list_items.event_id', 'in', eventIds)
      .where('parts.deleted_at', 'is', null)
      // Nobody plays the score: it is not a part to cover.
      .where('instruments.section_id', 'is not', null)
      .orderBy('set_list_items.event_id')
      .orderBy('set_list_items.position')
      .orderBy('parts.sort_order')
      .orderBy('parts.label')
      .execute(),
    db.selectFrom('member_instruments').select(['member_id', 'instrument_id']).execute(),
  ])
  const players = new Map<string, string[]>()
  for (const row of instruments) players.set(row.instrument_id, [...(players.get(row.instrument_id) ?? []), row.member_id])
  return { parts, players }
}

/** Parts per piece, with who of the roll is going or maybe for each. */
function coverPieces(parts: readonly SetListPart[], players: ReadonlyMap<string, readonly string[]>, roll: readonly RollEntry[]): PieceCoverage[] {
  const answers = new Map<string, { name: string; answer: RsvpAnswer | null }>(
    roll.map((entry) => [entry.memberId, { name: entry.name, answer: entry.effectiveAnswer }]),
  )
  const pieces = new Map<string, PieceCoverage>()
  for (const row of parts) {
    const pieceKey = `${row.position}:${row.pieceId}`
    let piece = pieces.get(pieceKey)
    if (!piece) {
      piece = { pieceId: row.pieceId, position: row.position, title: row.title, parts: [] }
      pieces.set(pieceKey, piece)
    }
    const going: string[] = []
    const maybe: string[] = []
    // Only players on the roll count: someone not expected at the event covers nothing.
    for (const memberId of players.get(row.instrumentId) ?? []) {
      const player = answers.get(memberId)
      if (player?.answer === 'going') going.push(player.name)
      if (player?.answer === 'maybe') maybe.push(player.name)
    }
    const state: PartState = going.length > 0 ? 'covered' : maybe.length > 0 ? 'maybe' : 'nobody'
    piece.parts.push({ partId: row.partId, label: row.label, instrumentName: row.instrumentName, going, maybe, state })
  }
  return [...pieces.values()]
}

/** "Oboe: nobody", "Horn 2: only maybe": the warnings of a set list, in set-list order. */
export function coverageWarnings(pieces: readonly PieceCoverage[]): { piece: string; text: string; state: Exclude<PartState, 'covered'> }[] {
  return pieces.flatMap((piece) =>
    piece.parts.flatMap((part) =>
      part.state === 'covered' ? [] : [{ piece: piece.title, text: `${part.label}: ${part.state === 'nobody' ? 'nobody' : 'only maybe'}`, state: part.state }],
    ),
  )
}

/** The grid of one event: sections with their players and totals, the set list's parts. Three small queries. */
export async function getEventCoverage(db: Db, eventId: string, timeZone: string) {
  const [roll, { parts, players }] = await Promise.all([getEventRoll(db, eventId, timeZone), setListParts(db, [eventId])])
  const pieces = coverPieces(parts, players, roll)
  return { sections: groupBySection(roll), totals: countAnswers(roll), pieces, warnings: coverageWarnings(pieces) }
}

/**
 * The overview: events starting from `now` until `until` (not cancelled),
 * each with its answer counts and how many parts nobody is going to play.
 * One roll per event (the roll is the one definition of who is expected),
 * two queries for all set lists and players.
 */
export async function listUpcomingCoverage(db: Db, options: { now: Date; until: Date; timeZone: string; limit: number }) {
  const events = await db
    .selectFrom('events')
    .leftJoin('venues', 'venues.id', 'events.venue_id')
    .select(['events.id', 'events.kind', 'events.title', 'events.starts_at as startsAt', 'venues.name as venueName'])
    .where('events.deleted_at', 'is', null)
    .where('events.status', '=', 'scheduled')
    .where('events.ends_at', '>=', options.now)
    .where('events.starts_at', '<', options.until)
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .limit(options.limit)
    .execute()
  const ids = events.map((event) => event.id)
  const [rolls, { parts: allParts, players }] = await Promise.all([
    Promise.all(ids.map((id) => getEventRoll(db, id, options.timeZone))),
    setListParts(db, ids),
  ])
  return events.map((event, index) => {
    const roll = rolls[index] ?? []
    const pieces = coverPieces(
      allParts.filter((part) => part.eventId === event.id),
      players,
      roll,
    )
    const parts = pieces.flatMap((piece) => piece.parts)
    return {
      ...event,
      counts: countAnswers(roll),
      parts: parts.length,
      uncovered: parts.filter((part) => part.state === 'nobody').length,
      onlyMaybe: parts.filter((part) => part.state === 'maybe').length,
    }
  })
}

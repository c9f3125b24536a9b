import type { Insertable } from 'kysely'
import type { EventSeriesExceptionsTable, EventSeriesTable, EventsTable, SetListItemsTable, VenuesTable } from '#db/types.ts'
import {
  addDays,
  addMinutes,
  bandTime,
  daysBetween,
  monthOf,
  previousWeekday,
  yearOf,
} from './calendar.ts'
import type { CataloguedPiece } from './catalogue.ts'
import { type SectionName, sectionId } from './instruments.ts'
import { HOUSE_WRITERS } from './people.ts'
import { createRandom, type Random, slugify, stableId } from './random.ts'

const TUESDAY = 2
const WEEKS_BEFORE = 16
const WEEKS_AFTER = 20
// Saturdays (weeks from this week) the band gives a concert.
const CONCERT_WEEKS = [-14, -6, 2, 7, 12, 17]

const VENUES = {
  hall: {
    id: stableId('venue:st-marks-church-hall'),
    name: "St Mark's Church Hall",
    address: '14 Church Lane',
    city: 'Riverside',
    postcode: 'RS1 4DJ',
    map_url: 'https://www.openstreetmap.org/search?query=14%20Church%20Lane%2C%20Riverside',
    notes: 'Park in the school car park opposite after 18:00. Step-free access by the side door.',
  },
  townHall: {
    id: stableId('venue:riverside-town-hall'),
    name: 'Riverside Town Hall',
    address: 'Market Square',
    city: 'Riverside',
    postcode: 'RS1 1AA',
    map_url: 'https://www.openstreetmap.org/search?query=Market%20Square%2C%20Riverside',
    notes: 'Load in through the stage door on Bridge Street. Green room on the first floor.',
  },
  bandstand: {
    id: stableId('venue:victoria-park-bandstand'),
    name: 'Victoria Park Bandstand',
    address: 'Victoria Park, Park Road',
    city: 'Riverside',
    postcode: 'RS2 7PL',
    map_url: 'https://www.openstreetmap.org/search?query=Victoria%20Park%2C%20Riverside',
    notes: 'Outdoors: bring clothes pegs for the music and a warm layer. Toilets by the café.',
  },
} satisfies Record<string, Insertable<VenuesTable> & { id: string }>

const CONCERT_TITLES: Record<number, [string, string]> = {
  1: ['New Year Concert', 'Winter Concert'],
  2: ['Winter Concert', 'Valentine Concert'],
  3: ['Spring Concert', 'Early Spring Concert'],
  4: ['Easter Concert', 'Spring Concert'],
  5: ['May Concert', 'Late Spring Concert'],
  6: ['Summer Concert', 'Midsummer Concert'],
  7: ['Proms in the Park', 'Summer Bandstand Concert'],
  8: ['Late Summer Bandstand Concert', 'August Bandstand Concert'],
  9: ['Harvest Concert', 'Autumn Concert'],
  10: ['Autumn Concert', 'October Concert'],
  11: ['Remembrance Concert', 'Autumn Concert'],
  12: ['Christmas Concert', 'Carol Concert'],
}

const isHouseWriter = (name: string | null): boolean => (HOUSE_WRITERS as readonly (string | null)[]).includes(name)

type Theme = 'christmas' | 'remembrance' | 'outdoor' | 'concert'

/** What the website and news posts say about a concert. */
export type ConcertSummary = {
  title: string
  slug: string
  date: string
  startsAt: Date
  venue: string
  theme: Theme
  highlights: string[]
}

/** Every seeded event has its id, so answers and attendance can point at it. */
export type SeasonEvent = Insertable<EventsTable> & { id: string }

export type Season = {
  venues: Insertable<VenuesTable>[]
  series: Insertable<EventSeriesTable>[]
  seriesExceptions: Insertable<EventSeriesExceptionsTable>[]
  events: SeasonEvent[]
  setListItems: Insertable<SetListItemsTable>[]
  concerts: ConcertSummary[]
}

// The band stops between Christmas and New Year.
const inChristmasBreak = (date: string): boolean =>
  (monthOf(date) === 12 && Number(date.slice(8)) >= 21) || (monthOf(date) === 1 && Number(date.slice(8)) <= 3)

function themeOf(date: string): Theme {
  const month = monthOf(date)
  if (month === 12) return 'christmas'
  if (month === 11) return 'remembrance'
  return month === 7 || month === 8 ? 'outdoor' : 'concert'
}

function pickSetList(theme: Theme, pool: CataloguedPiece[], used: Set<string>, random: Random): CataloguedPiece[] {
  const free = pool.filter((p) => !used.has(p.id) && p.durationSeconds <= 16 * 60 && p.grade >= 2 && p.grade <= 5)
  const picked: CataloguedPiece[] = []
  // No more than two marches (or overtures, or suites…) in one programme.
  const take = (candidates: CataloguedPiece[], count: number, chosen: CataloguedPiece[]) => {
    for (const piece of random.shuffle(candidates)) {
      if (chosen.length >= count) break
      if (picked.includes(piece) || picked.filter((p) => p.genre === piece.genre).length >= 2) continue
      chosen.push(piece)
      picked.push(piece)
    }
  }
  const size = random.int(5, 8)
  const opener: CataloguedPiece[] = []
  take(free.filter((p) => p.genre === 'overture' || p.genre === 'march' || p.tags.includes('opener')), 1, opener)
  const finale: CataloguedPiece[] = []
  take(free.filter((p) => !opener.includes(p) && (p.tags.includes('audience favourite') || p.tags.includes('encore'))), 1, finale)

  const middle: CataloguedPiece[] = []
  const rest = free.filter((p) => !opener.includes(p) && !finale.includes(p))
  const themed: Record<Theme, (p: CataloguedPiece) => boolean> = {
    christmas: (p) => p.tags.includes('christmas'),
    remembrance: (p) => p.tags.includes('remembrance'),
    outdoor: (p) => ['march', 'pops', 'film'].includes(p.genre) || p.tags.includes('outdoor'),
    concert: (p) => p.composer !== null && p.genre !== 'carol' && !p.tags.includes('christmas'),
  }
  take(rest.filter(themed[theme]), theme === 'christmas' ? 4 : theme === 'remembrance' ? 3 : size - 2, middle)
  take(rest.filter((p) => p.genre !== 'carol' && !p.tags.includes('christmas')), size - 2, middle)
  const list = [...opener, ...middle, ...finale]
  for (const piece of list) used.add(piece.id)
  return list
}

export function buildSeason(anchor: string, today: Date, repertoire: CataloguedPiece[]): Season {
  const thisTuesday = previousWeekday(anchor, TUESDAY)
  const events: SeasonEvent[] = []
  const setListItems: Insertable<SetListItemsTable>[] = []
  const concerts: ConcertSummary[] = []
  const used = new Set<string>()
  const slugs = new Set<string>()
  const setLists = new Map<string, CataloguedPiece[]>()

  for (const week of CONCERT_WEEKS) {
    let saturday = addDays(thisTuesday, week * 7 + 4)
    while (inChristmasBreak(saturday)) saturday = addDays(saturday, -7)
    const theme = themeOf(saturday)
    const outdoor = theme === 'outdoor'
    const date = outdoor ? addDays(saturday, 1) : saturday
    const [first, second] = CONCERT_TITLES[monthOf(date)] ?? ['Concert', 'Band Concert']
    const title = slugs.has(`${slugify(first)}-${yearOf(date)}`) ? second : first
    let slug = `${slugify(title)}-${yearOf(date)}`
    if (slugs.has(slug)) slug = `${slug}-${date.slice(5, 7)}`
    slugs.add(slug)

    const venue = outdoor ? VENUES.bandstand : VENUES.townHall
    const startsAt = bandTime(date, outdoor ? '15:00' : '19:30')
    const setList = pickSetList(theme, repertoire, used, createRandom(`set list:${slug}`))
    const id = stableId(`event:concert:${slug}`)
    setLists.set(id, setList)
    // Name-drop the composers an audience knows before the band's own writers.
    const highlights = setList
      .filter((piece) => piece.composer)
      .toSorted((a, b) => Number(isHouseWriter(a.composer)) - Number(isHouseWriter(b.composer)))
      .slice(0, 3)
      .map((piece) => `${piece.title} by ${piece.composer}`)

    events.push({
      id,
      kind: 'concert',
      title,
      slug,
      description: describeConcert(theme, monthOf(date), highlights),
      venue_id: venue.id,
      section_id: null,
      call_time: addMinutes(startsAt, -60),
      starts_at: startsAt,
      ends_at: addMinutes(startsAt, 120),
      dress: DRESS[theme],
      is_public: true,
      status: 'scheduled',
      // Directors want the numbers a week ahead to book the stage crew.
      rsvp_deadline: addMinutes(startsAt, -7 * 24 * 60),
    })
    concerts.push({ title, slug, date, startsAt, venue: venue.name, theme, highlights })
    setList.forEach((piece, index) => {
      const interval = !outdoor && setList.length >= 6 && index === Math.floor(setList.length / 2) - 1
      setListItems.push({
        event_id: id,
        piece_id: piece.id,
        position: index + 1,
        notes: interval ? 'Interval after this piece' : index === setList.length - 1 ? 'Finale' : null,
      })
    })
  }

  const nextConcertAfter = (date: string) => concerts.find((c) => c.date >= date)
  let upcomingRehearsals = 0
  // The Tuesday rehearsals are one series; the Christmas break is its exceptions.
  const seriesId = stableId('series:tuesday-rehearsals')
  const series: Insertable<EventSeriesTable> = {
    id: seriesId,
    kind: 'rehearsal',
    title: 'Rehearsal',
    weekday: TUESDAY,
    start_time: '19:30',
    end_time: '21:30',
    call_minutes_before: null,
    starts_on: addDays(thisTuesday, -WEEKS_BEFORE * 7),
    ends_on: addDays(thisTuesday, WEEKS_AFTER * 7),
    venue_id: VENUES.hall.id,
    section_id: null,
    dress: null,
    description: null,
  }
  const seriesExceptions: Insertable<EventSeriesExceptionsTable>[] = []
  for (let week = -WEEKS_BEFORE; week <= WEEKS_AFTER; week++) {
    const date = addDays(thisTuesday, week * 7)
    if (inChristmasBreak(date)) {
      seriesExceptions.push({ series_id: seriesId, on_date: date, reason: 'Christmas break' })
      continue
    }
    const startsAt = bandTime(date, '19:30')
    const id = stableId(`event:rehearsal:${date}`)
    const concert = nextConcertAfter(date)
    const upcoming = startsAt > today ? ++upcomingRehearsals : 0
    // The hall is a polling station one Tuesday: the band loses a rehearsal.
    const cancelled = upcoming === 4
    const lastBeforeConcert = concert !== undefined && daysBetween(date, concert.date) < 7

    events.push({
      id,
      kind: 'rehearsal',
      title: 'Rehearsal',
      slug: null,
      description: cancelled
        ? "Cancelled: St Mark's Church Hall is a polling station this week. See you next Tuesday."
        : lastBeforeConcert
          ? `Last rehearsal before the ${concert.title}: a full run in concert order. Please be set up by 19:20.`
          : null,
      venue_id: VENUES.hall.id,
      section_id: null,
      call_time: null,
      starts_at: startsAt,
      ends_at: addMinutes(startsAt, 120),
      dress: null,
      is_public: false,
      status: cancelled ? 'cancelled' : 'scheduled',
      cancel_reason: cancelled ? "St Mark's Church Hall is a polling station this week." : null,
      series_id: seriesId,
      series_date: date,
      // Cancelling one date by hand is a one-off change: editing the series leaves it alone.
      series_detached: cancelled,
    })
    // The next two rehearsals already have their running order.
    const concertList = concert ? setLists.get(stableId(`event:concert:${concert.slug}`)) : undefined
    if ((upcoming === 1 || upcoming === 2) && concertList) {
      const focus = lastBeforeConcert ? concertList : upcoming === 1 ? concertList.slice(0, 3) : concertList.slice(3, 7)
      focus.forEach((piece, index) => {
        const notes = lastBeforeConcert ? null : (REHEARSAL_NOTES[index] ?? null)
        setListItems.push({ event_id: id, piece_id: piece.id, position: index + 1, notes })
      })
    }
  }

  events.push(...sectionals(thisTuesday, concerts, setLists), picnic(anchor))
  return { venues: Object.values(VENUES), series: [series], seriesExceptions, events, setListItems, concerts }
}

const REHEARSAL_NOTES = ['From letter C to the end', 'Full run', null, 'Slow practice on the fast section']

const DRESS: Record<Theme, string> = {
  concert: 'Concert blacks: black tops, black trousers or skirts, black shoes.',
  remembrance: 'Concert blacks, with a poppy.',
  christmas: 'Concert blacks, with a touch of festive sparkle welcome.',
  outdoor: 'Band polo shirts and black trousers. Sunglasses allowed.',
}

const SEASON_OPENINGS: Record<number, string> = {
  1: 'Start the year in style with waltzes, fanfares and a few surprises.',
  2: 'Beat the winter blues with an evening of big tunes and warm brass.',
  3: 'Spring is here, and the band has a new programme to celebrate it.',
  4: 'Spring is here, and the band has a new programme to celebrate it.',
  5: 'An evening of fresh music and old favourites as the days grow longer.',
  6: 'A summer evening of music from the concert hall, the film studio and the parade ground.',
  9: 'The new season opens with a brand-new programme and a few old friends.',
  10: 'The new season opens with a brand-new programme and a few old friends.',
}

function describeConcert(theme: Theme, month: number, highlights: string[]): string {
  const opening: Record<Theme, string> = {
    concert: SEASON_OPENINGS[month] ?? 'The whole band on stage for an evening of music old and new.',
    remembrance: 'An evening of reflection and celebration as Riverside marks Remembrance, with music old and new.',
    christmas: 'Get into the festive spirit: carols to sing along to, seasonal favourites and mince pies at the interval.',
    outdoor: 'Bring a picnic and a blanket: the band is back on the bandstand for an afternoon of marches, film music and summer favourites.',
  }
  const programme = highlights.length > 0 ? ` Featuring ${listOf(highlights)}.` : ''
  const practical =
    theme === 'outdoor'
      ? ' Free entry, with a collection for the band’s music fund. If it rains, we move into St Mark’s Church Hall.'
      : ' Tickets £10 (concessions £8, under-18s free) on the door or from any band member. Bar open from 19:00.'
  return `${opening[theme]}${programme}${practical}`
}

export function listOf(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

const SECTIONALS: [SectionName, string, number][] = [
  ['Clarinets', 'Clarinet sectional', -8],
  ['Trumpets & Horns', 'Trumpet and horn sectional', 1],
  ['Low Brass', 'Low brass sectional', 3],
  ['Percussion', 'Percussion sectional', 5],
]

function sectionals(thisTuesday: string, concerts: ConcertSummary[], setLists: Map<string, CataloguedPiece[]>) {
  return SECTIONALS.map(([section, title, week], index): SeasonEvent => {
    let date = addDays(thisTuesday, week * 7 + 2) // Thursday
    while (inChristmasBreak(date)) date = addDays(date, 7)
    const startsAt = bandTime(date, '19:30')
    const concert = concerts.find((c) => c.date > date)
    const piece = concert ? setLists.get(stableId(`event:concert:${concert.slug}`))?.[index + 1] : undefined
    return {
      id: stableId(`event:sectional:${date}:${slugify(section)}`),
      kind: 'sectional',
      title,
      slug: null,
      description:
        concert && piece
          ? `Working on the tricky corners of ${piece.title} ahead of the ${concert.title}. Bring a pencil.`
          : 'Section work on the current pads. Bring a pencil.',
      venue_id: VENUES.hall.id,
      section_id: sectionId(section),
      call_time: null,
      starts_at: startsAt,
      ends_at: addMinutes(startsAt, 90),
      dress: null,
      is_public: false,
      status: 'scheduled',
    }
  })
}

/** The band picnic: the Sunday in mid-July nearest to today. */
function picnic(anchor: string): SeasonEvent {
  const year = yearOf(anchor)
  const candidates = [year - 1, year, year + 1].map((y) => previousWeekday(`${y}-07-14`, 0))
  const date = candidates.reduce((best, d) =>
    Math.abs(daysBetween(anchor, d)) < Math.abs(daysBetween(anchor, best)) ? d : best,
  )
  const startsAt = bandTime(date, '12:30')
  return {
    id: stableId(`event:other:${date}:summer-picnic`),
    kind: 'other',
    title: 'Summer picnic',
    slug: null,
    description:
      'Members, families and friends welcome. Bring food to share and a chair; the band provides the barbecue and the cake. No instruments needed (the euphoniums usually come anyway).',
    venue_id: VENUES.bandstand.id,
    section_id: null,
    call_time: null,
    starts_at: startsAt,
    ends_at: addMinutes(startsAt, 210),
    dress: null,
    is_public: false,
    status: 'scheduled',
  }
}

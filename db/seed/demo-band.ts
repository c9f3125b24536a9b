import type { Insertable } from 'kysely'
import type { Database } from '#db/types.ts'
import { bandWallClock } from './calendar.ts'
import { buildCatalogue } from './catalogue.ts'
import { buildInstruments, buildSections } from './instruments.ts'
import { buildResponses } from './responses.ts'
import { buildMembers } from './roster.ts'
import { buildSeason } from './season.ts'
import { buildPages, buildPosts, buildSettings } from './website.ts'

/** Tables in an order that satisfies the foreign keys. */
export const DEMO_BAND_TABLES = [
  'settings',
  'sections',
  'instruments',
  'instrument_aliases',
  'people',
  'pieces',
  'parts',
  'venues',
  'event_series',
  'event_series_exceptions',
  'events',
  'set_list_items',
  // After events: a substitute is engaged for one of them.
  'members',
  'member_instruments',
  'member_status_changes',
  'rsvps',
  'absences',
  'attendance',
  'pages',
  'posts',
] as const satisfies readonly (keyof Database)[]

type DemoBandTable = (typeof DEMO_BAND_TABLES)[number]

/** Every row of the demo band, table by table, ready to insert. */
export type DemoBand = { [Table in DemoBandTable]: Insertable<Database[Table]>[] }

/**
 * The Riverside Community Band: sections, players, a 300-piece library and a
 * season of rehearsals and concerts laid out around `today`. Pure: the same
 * `today` always gives the same rows, and everything except events, set lists
 * and dates keeps its id whatever `today` is.
 */
export function buildDemoBand(options: { today: Date }): DemoBand {
  const { today } = options
  // The band's calendar day, not UTC's: late on a summer evening they differ.
  const anchor = bandWallClock(today).date
  const { instruments, aliases } = buildInstruments()
  const { members, memberInstruments } = buildMembers(anchor)
  const { people, pieces, parts, repertoire } = buildCatalogue()
  const season = buildSeason(anchor, today, repertoire)
  const responses = buildResponses({ anchor, today, members, memberInstruments, instruments, events: season.events })

  return {
    settings: buildSettings(),
    sections: buildSections(),
    instruments,
    instrument_aliases: aliases,
    people,
    pieces,
    parts,
    venues: season.venues,
    event_series: season.series,
    event_series_exceptions: season.seriesExceptions,
    events: season.events,
    set_list_items: season.setListItems,
    members: [...members, ...responses.guests],
    member_instruments: [...memberInstruments, ...responses.guestInstruments],
    member_status_changes: responses.statusChanges,
    rsvps: responses.rsvps,
    absences: responses.absences,
    attendance: responses.attendance,
    pages: buildPages(anchor),
    posts: buildPosts(season.concerts, anchor, today),
  }
}

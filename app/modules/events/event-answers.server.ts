import { sql } from 'kysely'
import { can, type Grants } from '#app/modules/identity/permissions.ts'
import type { Db } from '#db/types.ts'
import { countAnswers, getEventRoll } from './roll.server.ts'

/**
 * What the event page adds around the RSVP: the answer counts for directors
 * (every section) and section leaders (their own), and the member's own
 * parts of the pieces on the set list.
 */

export type AnswerCounts = ReturnType<typeof countAnswers>
export type SectionCounts = { sectionId: string | null; sectionName: string; counts: AnswerCounts }

/**
 * Counts from the event's roll, or null for someone who may see none.
 * `member.view.all` sees the total and every section; `member.view.section`
 * (a leader) the total and their own sections.
 */
export async function answerCountsFor(db: Db, input: { eventId: string; timeZone: string; grants: Grants }) {
  const everyone = can(input.grants, 'member.view.all')
  const ledSections = Object.entries(input.grants.sections)
    .filter(([, permissions]) => permissions.includes('member.view.section'))
    .map(([sectionId]) => sectionId)
  if (!everyone && ledSections.length === 0) return null
  const roll = await getEventRoll(db, input.eventId, input.timeZone)
  const bySection = new Map<string | null, SectionCounts & { entries: typeof roll }>()
  for (const entry of roll) {
    if (!everyone && (entry.sectionId === null || !ledSections.includes(entry.sectionId))) continue
    const group = bySection.get(entry.sectionId) ?? { sectionId: entry.sectionId, sectionName: entry.sectionName ?? 'No section', counts: countAnswers([]), entries: [] }
    group.entries.push(entry)
    bySection.set(entry.sectionId, group)
  }
  const sections: SectionCounts[] = [...bySection.values()].map(({ entries, ...group }) => ({ ...group, counts: countAnswers(entries) }))
  return { total: countAnswers(roll), sections, everySection: everyone }
}

/** The member's parts of the set list's pieces: those for an instrument they play, their chair's where the part is numbered. */
export async function ownPartsFor(db: Db, input: { eventId: string; memberId: string }) {
  return db
    .selectFrom('set_list_items')
    .innerJoin('pieces', 'pieces.id', 'set_list_items.piece_id')
    .innerJoin('parts', 'parts.piece_id', 'set_list_items.piece_id')
    .innerJoin('member_instruments', (join) =>
      join.onRef('member_instruments.instrument_id', '=', 'parts.instrument_id').on('member_instruments.member_id', '=', input.memberId),
    )
    .select(['parts.id', 'pieces.title', 'parts.label', 'set_list_items.position'])
    .where('set_list_items.event_id', '=', input.eventId)
    .where('pieces.deleted_at', 'is', null)
    .where('parts.deleted_at', 'is', null)
    // "Horn in F 1 & 3" serves chairs 1 and 3.
    .where(sql<boolean>`(cardinality(parts.chairs) = 0 or member_instruments.chair is null or member_instruments.chair = any(parts.chairs))`)
    .orderBy('set_list_items.position')
    .orderBy('parts.sort_order')
    .execute()
}

import type { Kysely } from 'kysely'
import type { AuditContext } from '#app/modules/audit/audit.server.ts'
import type { Database, EventKind, RsvpAnswer } from '#db/types.ts'

/**
 * A tiny band for module tests of coverage and attendance: two sections
 * (woodwinds, clarinets), five players, a leader and a director. Each call
 * makes its own rows with fresh names, so tests in one database stay apart.
 */

const day = 24 * 60 * 60 * 1000
let counter = 0
const unique = (text: string) => `${text}-${++counter}-${Math.random().toString(36).slice(2, 8)}`

export const testAudit: AuditContext = { actor: { id: null, name: 'Test' }, ip: null, userAgent: null, requestId: null, chainKey: 'test-chain-key-0123456789abcdef0123456789' }

export async function addTinyBand(db: Kysely<Database>) {
  const [woodwinds, clarinets] = await db
    .insertInto('sections')
    .values([
      { name: unique('Woodwinds'), slug: unique('woodwinds'), sort_order: 1 },
      { name: unique('Clarinets'), slug: unique('clarinets'), sort_order: 2 },
    ])
    .returning(['id', 'name'])
    .execute()
  if (!woodwinds || !clarinets) throw new Error('no sections')
  const instrument = async (name: string, sectionId: string) =>
    (await db.insertInto('instruments').values({ name: unique(name), family: 'woodwind', section_id: sectionId }).returning(['id', 'name']).executeTakeFirstOrThrow())
  const flute = await instrument('Flute', woodwinds.id)
  const oboe = await instrument('Oboe', woodwinds.id)
  const clarinet = await instrument('Clarinet', clarinets.id)

  const member = async (first: string, last: string, plays: { instrumentId: string; primary: boolean; chair?: number }[]) => {
    const row = await db.insertInto('members').values({ first_name: first, last_name: unique(last) }).returning(['id', 'first_name', 'last_name']).executeTakeFirstOrThrow()
    await db
      .insertInto('member_instruments')
      .values(plays.map((play) => ({ member_id: row.id, instrument_id: play.instrumentId, is_primary: play.primary, chair: play.chair ?? null })))
      .execute()
    return { id: row.id, name: `${row.first_name} ${row.last_name}` }
  }
  const fiona = await member('Fiona', 'Flute', [{ instrumentId: flute.id, primary: true, chair: 1 }])
  const olive = await member('Olive', 'Oboe', [{ instrumentId: oboe.id, primary: true, chair: 1 }])
  const clara = await member('Clara', 'One', [{ instrumentId: clarinet.id, primary: true, chair: 1 }])
  const carl = await member('Carl', 'Two', [{ instrumentId: clarinet.id, primary: true, chair: 2 }])
  // Plays the flute too: a going Dora covers a flute part.
  const dora = await member('Dora', 'Double', [
    { instrumentId: clarinet.id, primary: true, chair: 3 },
    { instrumentId: flute.id, primary: false },
  ])

  const user = (name: string) =>
    db.insertInto('users').values({ email: `${unique(name)}@example.test`, display_name: name }).returning('id').executeTakeFirstOrThrow()
  const leader = await user('Leader')
  const director = await user('Director')
  return { sections: { woodwinds, clarinets }, instruments: { flute, oboe, clarinet }, members: { fiona, olive, clara, carl, dora }, users: { leader, director } }
}

export type TinyBand = Awaited<ReturnType<typeof addTinyBand>>

export async function addEvent(
  db: Kysely<Database>,
  options: { daysFromNow: number; kind?: EventKind; status?: 'scheduled' | 'cancelled'; title?: string; sectionId?: string },
) {
  const startsAt = new Date(Date.now() + options.daysFromNow * day)
  return db
    .insertInto('events')
    .values({
      kind: options.kind ?? 'rehearsal',
      title: options.title ?? unique('Rehearsal'),
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 2 * 60 * 60 * 1000),
      status: options.status ?? 'scheduled',
      section_id: options.sectionId ?? null,
    })
    .returning(['id', 'title', 'starts_at'])
    .executeTakeFirstOrThrow()
}

/** A piece with the parts given, put on the event's set list at `position`. */
export async function addPieceToSetList(
  db: Kysely<Database>,
  eventId: string,
  options: { title: string; position: number; parts: { label: string; instrumentId: string }[] },
) {
  const piece = await db.insertInto('pieces').values({ title: options.title }).returning('id').executeTakeFirstOrThrow()
  await db
    .insertInto('parts')
    .values(options.parts.map((part, index) => ({ piece_id: piece.id, instrument_id: part.instrumentId, label: part.label, sort_order: index })))
    .execute()
  await db.insertInto('set_list_items').values({ event_id: eventId, piece_id: piece.id, position: options.position }).execute()
  return piece
}

export async function answer(db: Kysely<Database>, eventId: string, answers: [memberId: string, answer: RsvpAnswer][]) {
  for (const [memberId, value] of answers) {
    await db
      .insertInto('rsvps')
      .values({ event_id: eventId, member_id: memberId, answer: value })
      .onConflict((conflict) => conflict.columns(['event_id', 'member_id']).doUpdateSet({ answer: value }))
      .execute()
  }
}

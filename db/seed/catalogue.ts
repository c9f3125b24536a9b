import type { Insertable } from 'kysely'
import type { PartsTable, PeopleTable, PiecesTable } from '#db/types.ts'
import { instrumentId } from './instruments.ts'
import { partsFor } from './parts.ts'
import { buildPeople, HOUSE_WRITERS, personId } from './people.ts'
import { createRandom, slugify, stableId } from './random.ts'
import { realRepertoire, type RepertoireEntry } from './repertoire.ts'
import { inventRepertoire, pickPublisher } from './titles.ts'

export const LIBRARY_SIZE = 300

// Forty sets to a cabinet, ten to a drawer, filed by catalogue number.
const SETS_PER_CABINET = 40
const SETS_PER_DRAWER = 10

export type Catalogue = {
  people: Insertable<PeopleTable>[]
  pieces: Insertable<PiecesTable>[]
  parts: Insertable<PartsTable>[]
  /** The pieces again in plain words, for set lists and concert blurbs. */
  repertoire: CataloguedPiece[]
}

export type CataloguedPiece = RepertoireEntry & { id: string }

export const pieceId = (title: string): string => stableId(`piece:${slugify(title)}`)

/** The library: none of it depends on the date, so its ids never change. */
export function buildCatalogue(): Catalogue {
  const random = createRandom('catalogue')
  const real = realRepertoire(() => random.pick(HOUSE_WRITERS))
  const taken = new Set(real.map((entry) => entry.title.toLowerCase()))
  const invented = inventRepertoire(LIBRARY_SIZE - real.length, taken, createRandom('invented titles'))

  // Catalogue numbers follow the order sets were bought in, not the alphabet.
  const shelved = createRandom('acquisition order').shuffle([...real, ...invented])
  const partsRandom = createRandom('parts')
  const pieces: Insertable<PiecesTable>[] = []
  const parts: Insertable<PartsTable>[] = []
  const repertoire: CataloguedPiece[] = []

  shelved.forEach((entry: RepertoireEntry, index) => {
    const number = index + 1
    const id = pieceId(entry.title)
    repertoire.push({ ...entry, id })
    const cabinet = Math.ceil(number / SETS_PER_CABINET)
    const drawer = 'ABCD'.charAt(Math.floor(((number - 1) % SETS_PER_CABINET) / SETS_PER_DRAWER))
    pieces.push({
      id,
      title: entry.title,
      subtitle: entry.subtitle,
      composer_id: entry.composer ? personId(entry.composer) : null,
      arranger_id: entry.arranger ? personId(entry.arranger) : null,
      publisher: entry.publisher ?? pickPublisher(random),
      library_number: `CB-${String(number).padStart(4, '0')}`,
      genre: entry.genre,
      tags: entry.tags,
      grade: entry.grade,
      duration_seconds: entry.durationSeconds,
      shelf_location: `Cabinet ${cabinet}, Drawer ${drawer}`,
      ownership: entry.ownership,
      notes: entry.notes,
    })
    partsFor(entry, partsRandom).forEach((part, position) => {
      parts.push({
        id: stableId(`part:${id}:${part.label}`),
        piece_id: id,
        instrument_id: instrumentId(part.instrument),
        part_number: part.partNumber,
        chairs: part.partNumber === null ? [] : [part.partNumber],
        label: part.label,
        sort_order: (position + 1) * 10,
      })
    })
  })
  return { people: buildPeople(), pieces, parts, repertoire }
}

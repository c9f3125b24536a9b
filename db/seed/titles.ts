import { HOUSE_WRITERS } from './people.ts'
import type { Random } from './random.ts'
import type { RepertoireEntry } from './repertoire.ts'

/**
 * Made-up but plausible concert-band titles for the part of the library
 * beyond the real repertoire, all by the band's circle of house writers.
 */

const PLACES = [
  'Kingsway', 'Millbrook', 'Castlegate', 'Westbury', 'Highfield', 'Thornbury', 'Ravensmoor', 'Stonebridge',
  'Elmstead', 'Fairhaven', 'Northgate', 'Bellmont', 'Whitecliff', 'Ashcombe', 'Harrowfield', 'Larkhill',
  'Brackenridge', 'Penhallow', 'Glenmorrow', 'Carrick Bay', 'Hollin Vale', 'Saltmarsh', 'Kestrel Point',
]
const REGIONS = ['Cornish', 'Welsh', 'Highland', 'Yorkshire', 'Celtic', 'Northumbrian', 'Irish', 'Cotswold', 'Manx', 'Nordic', 'Breton', 'Appalachian']
const LANDSCAPES = ['Dales', 'Fens', 'Moors', 'Downs', 'Lakes', 'Borders', 'Valleys', 'Islands', 'Marshes', 'Headlands']
const TRADITIONAL_TUNES = [
  'The Ash Grove', 'Scarborough Fair', 'Loch Lomond', 'The Water Is Wide', 'Bobby Shafto', 'The Skye Boat Song',
  'Ye Banks and Braes', 'Men of Harlech', 'Blow the Wind Southerly', 'The Lark in the Clear Air', 'Greensleeves',
  'Early One Morning', 'The Keel Row', 'The Blaydon Races', 'The Lincolnshire Poacher', 'Tom Bowling',
  'Swansea Town', 'Dance to Your Daddy', 'The Oak and the Ash', "Mairi's Wedding", 'Wild Mountain Thyme',
]
const POPS = [
  'Broadway Showstoppers', 'A Night at the Musicals', 'Big Band Favourites', 'Swing into Spring', 'Motown Medley',
  'Disco Nights', 'Latin Fiesta', 'Sixties Chart Toppers', 'Seventies Gold', 'Eighties Anthems', 'Rock Legends',
  'Music Hall Memories', 'Wartime Favourites', 'A Salute to the Big Bands', 'Summer Holiday Hits', 'Singalong Classics',
  'Best of British', 'Carnival of the Caribbean', 'Proms Favourites', 'Christmas Crackers', 'Festive Sing-Along',
  'Winter Wonderland Medley', 'Christmas at the Movies', 'Songs from the Shows', 'Cinema Classics', 'Heroes of the Silver Screen',
]
const SOLO_FORMS = ['Rondo', 'Ballad', 'Concertino', 'Romance', 'Fantasia', 'Air and Variations', 'Scherzo', 'Caprice']
export const SOLO_INSTRUMENTS = ['Trumpet', 'Euphonium', 'Clarinet', 'Alto Saxophone', 'Flute', 'Trombone', 'Xylophone', 'Horn', 'Oboe', 'Tuba']

type Template = { genre: string; weight: number; grades: [number, number]; minutes: [number, number]; title(r: Random): string }

const TEMPLATES: Template[] = [
  {
    genre: 'march', weight: 25, grades: [2, 4.5], minutes: [2.5, 4],
    title: (r) => r.pick([
      `${r.pick(PLACES)} March`, `The ${r.pick(PLACES)} Parade`, `${r.pick(PLACES)} Jubilee`, `Salute to ${r.pick(PLACES)}`,
      `The ${r.pick(['Lifeboat', 'Lamplighter', 'Signalman', 'Harbourmaster', 'Standard Bearer', 'Lord Mayor', 'Clockmaker'])}`,
      `Men of ${r.pick(PLACES)}`, `${r.pick(PLACES)} Heights`,
    ]),
  },
  {
    genre: 'overture', weight: 18, grades: [2.5, 5], minutes: [4, 7],
    title: (r) => r.pick([
      `${r.pick(PLACES)} Overture`,
      `${r.pick(['Festival', 'Carnival', 'Coronation', 'Harbour', 'Northern', 'Midsummer', 'Lantern', 'Harvest', 'Carillon', 'Tournament'])} Overture`,
      `Overture for a ${r.pick(['Summer Fair', 'Celebration', 'New Season', 'Grand Occasion', 'Town Festival', 'Great Day'])}`,
    ]),
  },
  {
    genre: 'suite', weight: 16, grades: [2, 5], minutes: [7, 14],
    title: (r) => r.pick([
      `${r.pick(REGIONS)} Suite`, `${r.pick(PLACES)} Suite`, `Suite from the ${r.pick(LANDSCAPES)}`,
      `Three ${r.pick(REGIONS)} Sketches`, `Pictures from ${r.pick(PLACES)}`, `A ${r.pick(REGIONS)} Triptych`,
    ]),
  },
  {
    genre: 'chorale', weight: 14, grades: [1.5, 4], minutes: [3, 5.5],
    title: (r) => r.pick([
      `Chorale and ${r.pick(['Alleluia', 'Toccata', 'Jubilate', 'Dance', 'Fanfare'])}`,
      `Hymn for ${r.pick(['the Fallen', 'a New Day', 'the Valley', 'Absent Friends', 'the Morning', 'the Harbour'])}`,
      `Evening Hymn at ${r.pick(PLACES)}`, `Canticle of the ${r.pick(['Hills', 'Sea', 'Stars', 'Seasons', 'Evening'])}`,
    ]),
  },
  {
    genre: 'folk song setting', weight: 20, grades: [1.5, 4], minutes: [3, 8],
    title: (r) => r.pick([
      r.pick(TRADITIONAL_TUNES), r.pick(TRADITIONAL_TUNES), `Three ${r.pick(REGIONS)} Folk Songs`,
      `${r.pick(REGIONS)} Folk Song Suite`, `${r.pick(REGIONS)} Airs and Dances`,
    ]),
  },
  {
    genre: 'concert piece', weight: 30, grades: [1, 5.5], minutes: [3, 9],
    title: (r) => r.pick([
      'Where the Rivers Meet', `Beyond the ${r.pick(LANDSCAPES)}`, `Dawn over ${r.pick(PLACES)}`,
      `Legend of the ${r.pick(['Kraken', 'White Hart', 'Green Knight', 'Selkie', 'Lambton Worm', 'Black Shuck'])}`,
      `${r.pick(['Northern', 'Stormy', 'Summer', 'Evening', 'Midnight', 'Painted'])} Skies`,
      `The ${r.pick(['Silent', 'Ancient', 'Enchanted', 'Hidden'])} Forest`, `Lights of ${r.pick(PLACES)}`,
      `Across the ${r.pick(LANDSCAPES)}`, `Song of the ${r.pick(['Lighthouse', 'Lark', 'River', 'Moorland', 'Tides', 'Hills'])}`,
      `Winds over ${r.pick(PLACES)}`, `Voyage to ${r.pick(PLACES)}`,
    ]),
  },
  { genre: 'pops', weight: 16, grades: [2, 4], minutes: [3, 7], title: (r) => r.pick(POPS) },
  {
    genre: 'jazz', weight: 12, grades: [2, 4], minutes: [3, 5],
    title: (r) => r.pick([
      `${r.pick(['Late Night', 'Rainy Day', 'Riverside', 'Harbour', 'Sunday Morning', 'Cool Street'])} Blues`,
      `${r.pick(PLACES)} Swing`, `Bossa for ${r.pick(['Band', 'a Summer Evening', 'Two Flutes'])}`,
      `Shuffle on ${r.pick(['Market Street', 'Quay Lane', 'Station Road', 'Mill Lane'])}`, 'Boogie for Band',
    ]),
  },
  {
    genre: 'solo feature', weight: 16, grades: [3, 5], minutes: [4, 7],
    title: (r) => `${r.pick(SOLO_FORMS)} for ${r.pick(SOLO_INSTRUMENTS)}`,
  },
]

const PUBLISHERS = [
  'Studio Music', 'Molenaar Edition', 'De Haske', 'C. L. Barnhouse', 'Hal Leonard', 'Alfred Music', 'Anglo Music',
  'Obrasso', 'FJH Music', 'Queenwood Publications', 'Wingert-Jones', 'Boosey & Hawkes', 'Bernaerts Music', 'Neil A. Kjos',
]

export const pickPublisher = (random: Random): string => random.pick(PUBLISHERS)

const halfSteps = (random: Random, [low, high]: [number, number]): number => random.int(low * 2, high * 2) / 2

function tagsFor(genre: string, title: string, grade: number, random: Random): string[] {
  const tags = new Set<string>()
  if (grade <= 2) tags.add('beginners')
  if (grade >= 4.5 && random.chance(0.4)) tags.add('contest')
  if (genre === 'march' && random.chance(0.6)) tags.add('outdoor')
  if (/Celtic|Irish|Welsh|Highland|Manx|Breton|Cornish/.test(title)) tags.add('celtic')
  if (/Christmas|Festive|Winter Wonderland/.test(title)) tags.add('christmas')
  if (/Fallen|Wartime|Absent Friends/.test(title)) tags.add('remembrance')
  if (genre === 'solo feature') tags.add(`feature: ${(SOLO_INSTRUMENTS.find((i) => title.endsWith(i)) ?? '').toLowerCase()}`)
  if (genre === 'pops' && random.chance(0.5)) tags.add('audience favourite')
  if (genre === 'jazz') tags.add('swing')
  return [...tags]
}

/** `count` original pieces whose titles differ from each other and from `taken`. */
export function inventRepertoire(count: number, taken: Set<string>, random: Random): RepertoireEntry[] {
  const totalWeight = TEMPLATES.reduce((sum, t) => sum + t.weight, 0)
  const pieces: RepertoireEntry[] = []
  for (let attempt = 0; pieces.length < count; attempt++) {
    if (attempt > count * 50) throw new Error('Ran out of demo piece titles')
    let roll = random.next() * totalWeight
    const template = TEMPLATES.find((t) => (roll -= t.weight) < 0) ?? TEMPLATES[0]
    if (!template) throw new Error('No title templates')
    const title = template.title(random)
    const grade = halfSteps(random, template.grades)
    const minutes = template.minutes[0] + random.next() * (template.minutes[1] - template.minutes[0])
    const ownershipRoll = random.next()
    const writer = random.pick(HOUSE_WRITERS)
    if (taken.has(title.toLowerCase())) continue
    taken.add(title.toLowerCase())

    const traditional = template.genre === 'folk song setting' || template.genre === 'pops'
    pieces.push({
      title,
      subtitle: null,
      composer: traditional ? null : writer,
      arranger: traditional ? writer : null,
      publisher: null,
      genre: template.genre,
      grade,
      durationSeconds: Math.round((minutes * 60) / 15) * 15,
      tags: tagsFor(template.genre, title, grade, random),
      ownership: ownershipRoll < 0.05 ? 'rented' : ownershipRoll < 0.1 ? 'borrowed' : 'owned',
      notes:
        ownershipRoll < 0.05
          ? 'Hire set: goes back to the publisher within two weeks of the concert.'
          : ownershipRoll < 0.1
            ? 'Borrowed from Kingsbridge Wind Orchestra; return the set after the concert.'
            : null,
    })
  }
  return pieces
}

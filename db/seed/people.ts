import type { Insertable } from 'kysely'
import type { PeopleTable } from '#db/types.ts'
import { slugify, stableId } from './random.ts'

// name, sort name (when "Last, First" from the last word is wrong), born, died
type PersonEntry = [string, string | null, number | null, number | null]

// Composers and arrangers of the band's real repertoire.
const BAND_COMPOSERS: PersonEntry[] = [
  ['Gustav Holst', null, 1874, 1934],
  ['Percy Grainger', null, 1882, 1961],
  ['John Philip Sousa', null, 1854, 1932],
  ['Alfred Reed', null, 1921, 2005],
  ['Frank Ticheli', null, 1958, null],
  ['Philip Sparke', null, 1951, null],
  ['John Mackey', null, 1973, null],
  ['Eric Whitacre', null, 1970, null],
  ['Malcolm Arnold', null, 1921, 2006],
  ['Ralph Vaughan Williams', 'Vaughan Williams, Ralph', 1872, 1958],
  ['Leonard Bernstein', null, 1918, 1990],
  ['Dmitri Shostakovich', null, 1906, 1975],
  ['William Schuman', null, 1910, 1992],
  ['Timothy Mahr', null, null, null],
  ['John Barnes Chance', null, 1932, 1972],
  ['Darius Milhaud', null, 1892, 1974],
  ['Johan de Meij', 'De Meij, Johan', 1953, null],
  ['Steven Reineke', null, null, null],
  ['Robert W. Smith', null, null, null],
  ['Joseph Willcox Jenkins', null, 1928, 2014],
  ['Kenneth J. Alford', null, 1881, 1945],
  ['Leroy Anderson', null, 1908, 1975],
  ['Edward Elgar', null, 1857, 1934],
  ['Hubert Parry', null, 1848, 1918],
  ['Clifton Williams', null, 1923, 1976],
  ['James Swearingen', null, null, null],
  ['Jacob de Haan', 'De Haan, Jacob', null, null],
  ['Andrew Boysen Jr.', 'Boysen, Andrew, Jr.', null, null],
  ['Arturo Márquez', null, 1950, null],
  ['Haydn Wood', null, 1882, 1959],
  ['John Williams', null, 1932, null],
  ['Klaus Badelt', null, null, null],
  ['Claude-Michel Schönberg', null, 1944, null],
  ['Joe Garland', null, 1903, 1977],
  ['John P. Paynter', null, 1928, 1996],
  ['Walter Beeler', null, null, null],
  ['Clare Grundman', null, 1913, 1996],
  ['Donald Hunsberger', null, null, null],
  ['Oliver Nickel', null, null, null],
]

// Composers whose orchestral and choral music the band plays in transcription.
const CLASSICAL_COMPOSERS: PersonEntry[] = [
  ['Jean Sibelius', null, 1865, 1957],
  ['Edvard Grieg', null, 1843, 1907],
  ['Giacomo Puccini', null, 1858, 1924],
  ['Georges Bizet', null, 1838, 1875],
  ['Gioachino Rossini', null, 1792, 1868],
  ['Alexander Borodin', null, 1833, 1887],
  ['Pyotr Ilyich Tchaikovsky', null, 1840, 1893],
  ['Reinhold Glière', null, 1875, 1956],
  ['Antonín Dvořák', null, 1841, 1904],
  ['Ludwig van Beethoven', 'Beethoven, Ludwig van', 1770, 1827],
  ['George Frideric Handel', null, 1685, 1759],
  ['Johann Sebastian Bach', null, 1685, 1750],
  ['Wolfgang Amadeus Mozart', null, 1756, 1791],
  ['Giuseppe Verdi', null, 1813, 1901],
  ['Johannes Brahms', null, 1833, 1897],
  ['Camille Saint-Saëns', null, 1835, 1921],
  ['Gabriel Fauré', null, 1845, 1924],
  ['Johann Strauss II', 'Strauss, Johann, II', 1825, 1899],
  ['Modest Mussorgsky', null, 1839, 1881],
  ['Nikolai Rimsky-Korsakov', null, 1844, 1908],
  ['Emmanuel Chabrier', null, 1841, 1894],
  ['Eric Coates', null, 1886, 1957],
  ['Jacques Offenbach', null, 1819, 1880],
  ['Franz von Suppé', 'Suppé, Franz von', 1819, 1895],
  ['Jeremiah Clarke', null, 1674, 1707],
  ['Aram Khachaturian', null, 1903, 1978],
  ['Felix Mendelssohn', null, 1809, 1847],
  ['Franz Xaver Gruber', null, 1787, 1863],
]

/**
 * The band's own circle of arrangers and composers: they wrote the made-up
 * part of the catalogue, so invented titles are never pinned on a real
 * composer.
 */
export const HOUSE_WRITERS = [
  'Helen Marsh',
  'David Aldous',
  'Tomás Ferreira',
  'Katherine Lyle',
  'Stuart Macrae',
  'Anneke Vos',
  'Robert Tillyard',
  'Lars Engström',
  'Miriam Castell',
  'Peter Oakes',
  'Jonathan Hale',
  'Sarah Penrose',
  'Hugo Brandt',
  'Neil Ashby',
  'Christine Varga',
  'Ian Fordyce',
] as const

const ALL_PEOPLE: PersonEntry[] = [
  ...BAND_COMPOSERS,
  ...CLASSICAL_COMPOSERS,
  ...HOUSE_WRITERS.map((name): PersonEntry => [name, null, null, null]),
]

const KNOWN_NAMES = new Set(ALL_PEOPLE.map(([name]) => name))

export function personId(name: string): string {
  if (!KNOWN_NAMES.has(name)) throw new Error(`The demo catalogue has no person called "${name}"`)
  return stableId(`person:${slugify(name)}`)
}

/** "Gustav Holst" → "Holst, Gustav". */
function sortNameOf(name: string): string {
  const words = name.split(' ')
  const last = words.pop() ?? name
  return words.length > 0 ? `${last}, ${words.join(' ')}` : last
}

export function buildPeople(): Insertable<PeopleTable>[] {
  return ALL_PEOPLE.map(([name, sortName, born, died]) => ({
    id: personId(name),
    name,
    sort_name: sortName ?? sortNameOf(name),
    born_year: born,
    died_year: died,
  }))
}

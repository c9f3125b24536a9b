import type { Ownership } from '#db/types.ts'

/** One piece in the library before it gets ids, a catalogue number and a shelf. */
export type RepertoireEntry = {
  title: string
  subtitle: string | null
  composer: string | null
  arranger: string | null
  /** null: filled in from the usual band publishers. */
  publisher: string | null
  genre: string
  grade: number
  durationSeconds: number
  tags: string[]
  ownership: Ownership
  notes: string | null
}

// title, composer, arranger, publisher, genre, grade, duration, tags, subtitle
type Entry = [string, string | null, string | null, string, string, number, string, string[], string?]

// Real band repertoire. Band versions of film and show music, and pieces whose
// band arranger we are unsure of, carry an arranger from the house writers.
const BAND_REPERTOIRE: Entry[] = [
  ['First Suite in E♭', 'Gustav Holst', null, 'Boosey & Hawkes', 'suite', 4, '10:30', ['british', 'audience favourite'], 'for Military Band'],
  ['Second Suite in F', 'Gustav Holst', null, 'Boosey & Hawkes', 'suite', 4, '11:30', ['british', 'folk tunes'], 'for Military Band'],
  ['Lincolnshire Posy', 'Percy Grainger', null, 'Ludwig Masters', 'folk song setting', 5, '15:00', ['british', 'contest']],
  ['Irish Tune from County Derry', 'Percy Grainger', null, 'Southern Music', 'folk song setting', 3.5, '4:30', ['quiet']],
  ["Shepherd's Hey", 'Percy Grainger', null, 'Carl Fischer', 'folk song setting', 4, '2:30', ['encore']],
  ['Molly on the Shore', 'Percy Grainger', null, 'Ludwig Masters', 'folk song setting', 4.5, '3:30', ['encore']],
  ["Children's March", 'Percy Grainger', null, 'G. Schirmer', 'march', 4.5, '7:30', [], 'Over the Hills and Far Away'],
  ['The Stars and Stripes Forever', 'John Philip Sousa', null, 'Carl Fischer', 'march', 4, '3:30', ['american', 'encore', 'outdoor']],
  ['The Washington Post', 'John Philip Sousa', null, 'Carl Fischer', 'march', 3, '2:30', ['american', 'outdoor']],
  ['The Liberty Bell', 'John Philip Sousa', null, 'Carl Fischer', 'march', 3.5, '3:40', ['american', 'outdoor']],
  ['Semper Fidelis', 'John Philip Sousa', null, 'Carl Fischer', 'march', 3.5, '2:40', ['american', 'outdoor']],
  ['The Thunderer', 'John Philip Sousa', null, 'Carl Fischer', 'march', 3, '2:45', ['american', 'outdoor']],
  ['Armenian Dances (Part I)', 'Alfred Reed', null, 'Sam Fox', 'suite', 5, '11:00', ['contest', 'dance']],
  ['A Festival Prelude', 'Alfred Reed', null, 'Edward B. Marks', 'overture', 4, '5:00', ['opener']],
  ['Russian Christmas Music', 'Alfred Reed', null, 'Alfred Music', 'concert piece', 4.5, '15:00', ['christmas']],
  ['Sheltering Sky', 'John Mackey', null, 'Osti Music', 'chorale', 4, '7:00', ['quiet']],
  ['Aurora Awakes', 'John Mackey', null, 'Osti Music', 'concert piece', 6, '11:00', ['contest']],
  ['October', 'Eric Whitacre', null, 'Hal Leonard', 'concert piece', 4, '7:00', ['quiet']],
  ['Lux Aurumque', 'Eric Whitacre', null, 'Hal Leonard', 'chorale', 4, '5:00', ['quiet', 'christmas']],
  ['Shenandoah', 'Frank Ticheli', null, 'Manhattan Beach Music', 'folk song setting', 3, '5:00', ['american', 'quiet']],
  ['Amazing Grace', 'Frank Ticheli', null, 'Manhattan Beach Music', 'chorale', 3, '5:30', ['hymn', 'remembrance']],
  ['Cajun Folk Songs', 'Frank Ticheli', null, 'Manhattan Beach Music', 'folk song setting', 3, '7:00', ['american']],
  ['Portrait of a Clown', 'Frank Ticheli', null, 'Manhattan Beach Music', 'concert piece', 2, '4:00', ['beginners']],
  ['Vesuvius', 'Frank Ticheli', null, 'Manhattan Beach Music', 'concert piece', 4, '9:00', ['contest']],
  ['Blue Shades', 'Frank Ticheli', null, 'Manhattan Beach Music', 'jazz', 5, '11:00', ['swing']],
  ['Music for a Festival', 'Philip Sparke', null, 'Studio Music', 'suite', 3.5, '10:00', ['british']],
  ['Year of the Dragon', 'Philip Sparke', null, 'Studio Music', 'suite', 5, '16:00', ['british', 'contest']],
  ['Jubilee Overture', 'Philip Sparke', null, 'Studio Music', 'overture', 4, '6:00', ['british', 'opener']],
  ['English Folk Song Suite', 'Ralph Vaughan Williams', null, 'Boosey & Hawkes', 'suite', 4, '10:00', ['british', 'folk tunes']],
  ['Toccata Marziale', 'Ralph Vaughan Williams', null, 'Boosey & Hawkes', 'concert piece', 5, '5:00', ['british']],
  ['Sea Songs', 'Ralph Vaughan Williams', null, 'Boosey & Hawkes', 'march', 3.5, '4:00', ['british', 'outdoor']],
  ['Rhosymedre', 'Ralph Vaughan Williams', 'Walter Beeler', 'Galaxy Music', 'chorale', 3.5, '4:00', ['hymn', 'quiet']],
  ['Four Scottish Dances', 'Malcolm Arnold', 'John P. Paynter', 'Carl Fischer', 'suite', 4.5, '9:00', ['british', 'dance']],
  ['Prelude, Siciliano and Rondo', 'Malcolm Arnold', 'John P. Paynter', 'Boosey & Hawkes', 'suite', 4, '8:00', ['british']],
  ['Candide Overture', 'Leonard Bernstein', 'Walter Beeler', 'Boosey & Hawkes', 'overture', 5, '4:30', ['opener']],
  ['Slava!', 'Leonard Bernstein', 'Clare Grundman', 'Boosey & Hawkes', 'concert piece', 5, '4:30', ['opener']],
  ['Chester', 'William Schuman', null, 'Merion Music', 'concert piece', 5, '9:00', ['american', 'hymn']],
  ['Festive Overture', 'Dmitri Shostakovich', 'Donald Hunsberger', 'Alfred Music', 'overture', 5, '6:00', ['opener', 'audience favourite']],
  ['Fantasia in G', 'Timothy Mahr', null, 'Neil A. Kjos', 'concert piece', 3.5, '7:00', []],
  ['Incantation and Dance', 'John Barnes Chance', null, 'Boosey & Hawkes', 'concert piece', 4, '8:00', ['contest']],
  ['Variations on a Korean Folk Song', 'John Barnes Chance', null, 'Boosey & Hawkes', 'folk song setting', 4, '9:00', ['contest']],
  ['Suite Française', 'Darius Milhaud', null, 'Leduc', 'suite', 4, '15:00', ['remembrance']],
  ['The Lord of the Rings', 'Johan de Meij', null, 'Amstel Music', 'suite', 6, '44:00', ['contest'], 'Symphony No. 1'],
  ['Pilatus: Mountain of Dragons', 'Steven Reineke', null, 'C. L. Barnhouse', 'concert piece', 4, '8:00', []],
  ['Into the Storm', 'Robert W. Smith', null, 'Belwin', 'concert piece', 3, '5:00', []],
  ['The Great Locomotive Chase', 'Robert W. Smith', null, 'Alfred Music', 'concert piece', 3.5, '6:00', ['audience favourite']],
  ['Africa: Ceremony, Song and Ritual', 'Robert W. Smith', null, 'Belwin', 'concert piece', 4, '7:30', []],
  ['American Overture for Band', 'Joseph Willcox Jenkins', null, 'Theodore Presser', 'overture', 5, '5:00', ['american', 'opener']],
  ['Colonel Bogey', 'Kenneth J. Alford', null, 'Boosey & Hawkes', 'march', 3, '3:00', ['british', 'outdoor', 'audience favourite']],
  ['The Voice of the Guns', 'Kenneth J. Alford', null, 'Boosey & Hawkes', 'march', 3.5, '3:20', ['british', 'remembrance']],
  ['Sleigh Ride', 'Leroy Anderson', null, 'Alfred Music', 'pops', 3.5, '3:00', ['christmas', 'audience favourite']],
  ['A Christmas Festival', 'Leroy Anderson', null, 'Alfred Music', 'pops', 4, '9:00', ['christmas']],
  ["Bugler's Holiday", 'Leroy Anderson', null, 'Alfred Music', 'solo feature', 3.5, '2:40', ['feature: trumpet', 'encore']],
  ['The Typewriter', 'Leroy Anderson', null, 'Alfred Music', 'pops', 3, '2:00', ['encore']],
  ['Fanfare and Allegro', 'Clifton Williams', null, 'Summy-Birchard', 'concert piece', 5, '5:30', ['opener', 'contest']],
  ['The Light Eternal', 'James Swearingen', null, 'C. L. Barnhouse', 'chorale', 3, '5:00', ['hymn']],
  ['Ammerland', 'Jacob de Haan', null, 'De Haske', 'concert piece', 2.5, '4:30', []],
  ['Oregon', 'Jacob de Haan', null, 'De Haske', 'concert piece', 3, '8:00', ['audience favourite']],
  ['Kirkpatrick Fanfare', 'Andrew Boysen Jr.', null, 'Neil A. Kjos', 'concert piece', 4.5, '3:00', ['opener']],
  ['Danzón No. 2', 'Arturo Márquez', 'Oliver Nickel', 'Peermusic', 'concert piece', 5, '10:00', ['latin', 'dance']],
  ['Mannin Veen', 'Haydn Wood', null, 'Boosey & Hawkes', 'folk song setting', 5, '10:00', ['british']],
  ['Nimrod', 'Edward Elgar', 'Robert Tillyard', 'Studio Music', 'chorale', 3.5, '4:00', ['british', 'remembrance', 'quiet'], 'from Enigma Variations'],
  ['Jerusalem', 'Hubert Parry', 'Katherine Lyle', 'Studio Music', 'chorale', 2.5, '3:00', ['british', 'hymn', 'remembrance']],
  ['Raiders March', 'John Williams', 'Stuart Macrae', 'Hal Leonard', 'film', 4, '5:00', ['audience favourite']],
  ['Jurassic Park', 'John Williams', 'Jonathan Hale', 'Hal Leonard', 'film', 3.5, '6:00', [], 'Highlights'],
  ['Star Wars', 'John Williams', 'Stuart Macrae', 'Hal Leonard', 'film', 4, '7:30', ['audience favourite'], 'Symphonic Suite'],
  ['Pirates of the Caribbean', 'Klaus Badelt', 'Jonathan Hale', 'Hal Leonard', 'film', 3, '6:30', ['audience favourite']],
  ['Les Misérables', 'Claude-Michel Schönberg', 'Neil Ashby', 'Hal Leonard', 'pops', 4, '9:00', [], 'Selections from the musical'],
  ['West Side Story', 'Leonard Bernstein', 'Sarah Penrose', 'Boosey & Hawkes', 'pops', 4.5, '10:00', [], 'Selections'],
  ['In the Mood', 'Joe Garland', 'Peter Oakes', 'Hal Leonard', 'jazz', 3, '3:30', ['swing', 'outdoor']],
]

// Orchestral favourites in band transcription: title, composer, genre, grade, duration, tags
type Transcription = [string, string, string, number, string, string[]]

const TRANSCRIPTIONS: Transcription[] = [
  ['Finlandia', 'Jean Sibelius', 'concert piece', 4, '8:00', ['audience favourite']],
  ['Alla Marcia from Karelia Suite', 'Jean Sibelius', 'march', 3.5, '4:30', []],
  ['In the Hall of the Mountain King', 'Edvard Grieg', 'concert piece', 3, '2:45', ['encore']],
  ['Morning Mood from Peer Gynt', 'Edvard Grieg', 'concert piece', 2.5, '3:45', ['quiet']],
  ['Pomp and Circumstance March No. 1', 'Edward Elgar', 'march', 4, '6:00', ['british', 'proms']],
  ['Pomp and Circumstance March No. 4', 'Edward Elgar', 'march', 4, '5:00', ['british', 'proms']],
  ['Chanson de Matin', 'Edward Elgar', 'concert piece', 3, '3:00', ['british', 'quiet']],
  ['Jupiter from The Planets', 'Gustav Holst', 'concert piece', 4.5, '8:00', ['british', 'proms']],
  ['Mars from The Planets', 'Gustav Holst', 'concert piece', 5, '7:00', ['british']],
  ['I Was Glad', 'Hubert Parry', 'chorale', 3.5, '5:00', ['british']],
  ['Nessun Dorma', 'Giacomo Puccini', 'concert piece', 3, '3:30', ['audience favourite']],
  ['Carmen Suite No. 1', 'Georges Bizet', 'suite', 4, '9:00', []],
  ["Farandole from L'Arlésienne", 'Georges Bizet', 'concert piece', 4, '3:30', ['encore']],
  ['William Tell Overture', 'Gioachino Rossini', 'overture', 4.5, '4:00', ['opener', 'audience favourite']],
  ['The Barber of Seville Overture', 'Gioachino Rossini', 'overture', 4.5, '7:30', ['opener']],
  ['Polovtsian Dances', 'Alexander Borodin', 'concert piece', 4.5, '11:00', ['dance']],
  ['1812 Overture', 'Pyotr Ilyich Tchaikovsky', 'overture', 5, '15:00', ['outdoor', 'proms']],
  ['Marche Slave', 'Pyotr Ilyich Tchaikovsky', 'march', 4.5, '9:00', []],
  ['Waltz of the Flowers', 'Pyotr Ilyich Tchaikovsky', 'concert piece', 3.5, '6:30', ['christmas', 'dance']],
  ["Russian Sailors' Dance", 'Reinhold Glière', 'concert piece', 4, '3:30', ['dance', 'encore']],
  ['Slavonic Dance No. 8', 'Antonín Dvořák', 'concert piece', 4.5, '4:30', ['dance']],
  ['Largo from the New World Symphony', 'Antonín Dvořák', 'chorale', 3, '5:00', ['quiet']],
  ['Ode to Joy', 'Ludwig van Beethoven', 'chorale', 1.5, '2:30', ['beginners']],
  ['Egmont Overture', 'Ludwig van Beethoven', 'overture', 4.5, '8:30', []],
  ['Hallelujah Chorus', 'George Frideric Handel', 'chorale', 3, '4:00', ['christmas']],
  ['Music for the Royal Fireworks', 'George Frideric Handel', 'suite', 3.5, '10:00', ['outdoor']],
  ['The Arrival of the Queen of Sheba', 'George Frideric Handel', 'concert piece', 4, '3:00', ['opener']],
  ['Toccata and Fugue in D minor', 'Johann Sebastian Bach', 'concert piece', 5, '9:00', []],
  ["Jesu, Joy of Man's Desiring", 'Johann Sebastian Bach', 'chorale', 2.5, '3:30', ['hymn', 'quiet']],
  ['Sheep May Safely Graze', 'Johann Sebastian Bach', 'chorale', 2.5, '4:30', ['quiet']],
  ['The Marriage of Figaro Overture', 'Wolfgang Amadeus Mozart', 'overture', 5, '4:30', ['opener']],
  ['Eine kleine Nachtmusik', 'Wolfgang Amadeus Mozart', 'concert piece', 3, '5:30', []],
  ['Grand March from Aida', 'Giuseppe Verdi', 'march', 4, '6:00', ['opener']],
  ['Anvil Chorus', 'Giuseppe Verdi', 'concert piece', 2.5, '3:00', []],
  ['Hungarian Dance No. 5', 'Johannes Brahms', 'concert piece', 3.5, '3:00', ['dance', 'encore']],
  ['Danse Macabre', 'Camille Saint-Saëns', 'concert piece', 5, '7:00', []],
  ['Bacchanale from Samson and Delilah', 'Camille Saint-Saëns', 'concert piece', 5, '7:00', ['dance']],
  ['Pavane', 'Gabriel Fauré', 'concert piece', 3, '6:00', ['quiet']],
  ['The Blue Danube', 'Johann Strauss II', 'concert piece', 3.5, '9:00', ['dance', 'new year']],
  ['Thunder and Lightning Polka', 'Johann Strauss II', 'concert piece', 4, '3:00', ['encore', 'new year']],
  ['Night on Bald Mountain', 'Modest Mussorgsky', 'concert piece', 5, '10:00', []],
  ['The Great Gate of Kiev', 'Modest Mussorgsky', 'concert piece', 4, '6:00', ['finale']],
  ['Procession of the Nobles', 'Nikolai Rimsky-Korsakov', 'march', 4.5, '4:30', ['opener']],
  ['Capriccio Espagnol', 'Nikolai Rimsky-Korsakov', 'concert piece', 5, '15:00', ['latin']],
  ['España', 'Emmanuel Chabrier', 'concert piece', 4.5, '6:30', ['latin', 'dance']],
  ['The Dam Busters March', 'Eric Coates', 'march', 4, '4:30', ['british', 'remembrance']],
  ['Knightsbridge March', 'Eric Coates', 'march', 4, '4:00', ['british']],
  ['Can-Can from Orpheus in the Underworld', 'Jacques Offenbach', 'concert piece', 3.5, '2:30', ['encore', 'dance']],
  ['Light Cavalry Overture', 'Franz von Suppé', 'overture', 4, '7:00', ['opener']],
  ['Poet and Peasant Overture', 'Franz von Suppé', 'overture', 4.5, '9:00', []],
  ["Prince of Denmark's March", 'Jeremiah Clarke', 'march', 2.5, '3:00', ['british', 'opener']],
  ['Sabre Dance', 'Aram Khachaturian', 'concert piece', 4, '2:45', ['dance', 'encore']],
  ['War March of the Priests', 'Felix Mendelssohn', 'march', 4, '5:00', []],
]

// Carols: title, composer of the tune (null: traditional), grade
type Carol = [string, string | null, number]

const CAROLS: Carol[] = [
  ['In the Bleak Midwinter', 'Gustav Holst', 2],
  ['Hark! The Herald Angels Sing', 'Felix Mendelssohn', 2],
  ['Silent Night', 'Franz Xaver Gruber', 1.5],
  ['O Come, All Ye Faithful', null, 1.5],
  ['Ding Dong Merrily on High', null, 2],
  ['The Holly and the Ivy', null, 2],
  ['Good King Wenceslas', null, 1],
  ['God Rest Ye Merry, Gentlemen', null, 2.5],
  ['Carol of the Bells', null, 3],
  ['Deck the Hall', null, 1.5],
]

const seconds = (duration: string): number => {
  const [minutes = '0', rest = '0'] = duration.split(':')
  return Number(minutes) * 60 + Number(rest)
}

// Sousa's and Alford's marches and Holst's suites are out of copyright in the UK.
const PUBLIC_DOMAIN = new Set(['John Philip Sousa', 'Kenneth J. Alford', 'Gustav Holst'])
const HIRED = new Set(['The Lord of the Rings', 'Danzón No. 2', 'Aurora Awakes'])

export function realRepertoire(pickArranger: () => string): RepertoireEntry[] {
  const band = BAND_REPERTOIRE.map(
    ([title, composer, arranger, publisher, genre, grade, duration, tags, subtitle]): RepertoireEntry => ({
      title,
      subtitle: subtitle ?? null,
      composer,
      arranger,
      publisher,
      genre,
      grade,
      durationSeconds: seconds(duration),
      tags,
      ownership: HIRED.has(title) ? 'rented' : composer && PUBLIC_DOMAIN.has(composer) && !arranger ? 'public_domain' : 'owned',
      notes: HIRED.has(title) ? 'Hire set: goes back to the publisher within two weeks of the concert.' : null,
    }),
  )
  const transcriptions = TRANSCRIPTIONS.map(
    ([title, composer, genre, grade, duration, tags]): RepertoireEntry => ({
      title,
      subtitle: null,
      composer,
      arranger: pickArranger(),
      publisher: null,
      genre,
      grade,
      durationSeconds: seconds(duration),
      tags: ['transcription', ...tags],
      ownership: 'owned',
      notes: null,
    }),
  )
  const carols = CAROLS.map(
    ([title, composer, grade]): RepertoireEntry => ({
      title,
      subtitle: 'Carol for band',
      composer,
      arranger: pickArranger(),
      publisher: null,
      genre: 'carol',
      grade,
      durationSeconds: 150 + Math.round(grade * 30),
      tags: ['christmas', 'carol'],
      ownership: 'owned',
      notes: grade <= 2 ? 'Also used for carol playing at the Christmas market.' : null,
    }),
  )
  return [...band, ...transcriptions, ...carols]
}

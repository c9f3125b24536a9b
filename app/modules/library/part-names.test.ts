import { describe, expect, it } from 'vitest'
import { buildInstruments } from '#db/seed/instruments.ts'
import { MAPPED_INSTRUMENTS, mapPartName } from './part-names.ts'

type Row = [fileName: string, instrument: string | null, chairs: number[], status: 'sure' | 'ambiguous' | 'unknown', label?: string]

// Names as publishers, scanners and notation programs (Finale, Sibelius,
// MuseScore, Dorico) write them, and as German and French/Italian bands do.
const ROWS: Row[] = [
  // Publisher exports and plain names
  ['Score.pdf', 'Score', [], 'sure', 'Score'],
  ['Full Score.pdf', 'Score', [], 'sure', 'Full Score'],
  ['Condensed Score.pdf', 'Score', [], 'sure', 'Condensed Score'],
  ['Conductor.pdf', 'Score', [], 'sure', 'Conductor Score'],
  ['Conductor Score.pdf', 'Score', [], 'sure', 'Conductor Score'],
  ["Conductor's Score.pdf", 'Score', [], 'sure', 'Conductor Score'],
  ['Piccolo.pdf', 'Piccolo', [], 'sure', 'Piccolo'],
  ['Flute 1.pdf', 'Flute', [1], 'sure', 'Flute 1'],
  ['Flute 2.pdf', 'Flute', [2], 'sure'],
  ['Flute 1 & 2.pdf', 'Flute', [1, 2], 'sure', 'Flute 1 & 2'],
  ['Oboe.pdf', 'Oboe', [], 'sure'],
  ['Oboe 1.pdf', 'Oboe', [1], 'sure'],
  ['English Horn.pdf', 'English Horn', [], 'sure'],
  ['Cor Anglais.pdf', 'English Horn', [], 'sure'],
  ['Bassoon 1.pdf', 'Bassoon', [1], 'sure'],
  ['Contrabassoon.pdf', 'Contrabassoon', [], 'sure'],
  ['Eb Clarinet.pdf', 'Clarinet in E♭', [], 'sure', 'Clarinet in E♭'],
  ['Clarinet in Eb.pdf', 'Clarinet in E♭', [], 'sure'],
  ['Bb Clarinet 1.pdf', 'Clarinet in B♭', [1], 'sure', 'Clarinet in B♭ 1'],
  ['Clarinet in Bb 2.pdf', 'Clarinet in B♭', [2], 'sure', 'Clarinet in B♭ 2'],
  ['Clarinet in B♭ 3.pdf', 'Clarinet in B♭', [3], 'sure'],
  ['1st Bb Clarinet.pdf', 'Clarinet in B♭', [1], 'sure'],
  ['2nd Clarinet.pdf', 'Clarinet in B♭', [2], 'sure'],
  ['Third Clarinet.pdf', 'Clarinet in B♭', [3], 'sure'],
  ['Alto Clarinet.pdf', 'Alto Clarinet', [], 'sure'],
  ['Eb Alto Clarinet.pdf', 'Alto Clarinet', [], 'sure'],
  ['Bass Clarinet.pdf', 'Bass Clarinet', [], 'sure'],
  ['Bb Bass Clarinet.pdf', 'Bass Clarinet', [], 'sure'],
  ['Contrabass Clarinet.pdf', 'Contrabass Clarinet', [], 'sure'],
  ['Soprano Saxophone.pdf', 'Soprano Saxophone', [], 'sure'],
  ['Alto Sax 1.pdf', 'Alto Saxophone', [1], 'sure', 'Alto Saxophone 1'],
  ['Eb Alto Saxophone 2.pdf', 'Alto Saxophone', [2], 'sure'],
  ['Tenor Sax.pdf', 'Tenor Saxophone', [], 'sure'],
  ['Bb Tenor Saxophone.pdf', 'Tenor Saxophone', [], 'sure'],
  ['Baritone Sax.pdf', 'Baritone Saxophone', [], 'sure'],
  ['Bari Sax.pdf', 'Baritone Saxophone', [], 'sure'],
  ['Eb Baritone Saxophone.pdf', 'Baritone Saxophone', [], 'sure'],
  ['Bass Saxophone.pdf', 'Bass Saxophone', [], 'sure'],
  ['Bb Trumpet 1.pdf', 'Trumpet in B♭', [1], 'sure', 'Trumpet in B♭ 1'],
  ['Trumpet in Bb 2.pdf', 'Trumpet in B♭', [2], 'sure'],
  ['Trumpet 3.pdf', 'Trumpet in B♭', [3], 'sure'],
  ['Trumpet 1-3.pdf', 'Trumpet in B♭', [1, 2, 3], 'sure'],
  ['Cornet 1.pdf', 'Cornet in B♭', [1], 'sure'],
  ['Bb Cornet 2.pdf', 'Cornet in B♭', [2], 'sure'],
  ['Solo Cornet.pdf', 'Cornet in B♭', [], 'sure'],
  ['Soprano Cornet.pdf', 'Cornet in E♭', [], 'sure'],
  ['Eb Cornet.pdf', 'Cornet in E♭', [], 'sure'],
  ['Flugelhorn.pdf', 'Flugelhorn', [], 'sure'],
  ['F Horn 1.pdf', 'Horn in F', [1], 'sure'],
  ['Horn in F 1 & 3.pdf', 'Horn in F', [1, 3], 'sure', 'Horn in F 1 & 3'],
  ['Horn in F 2 & 4.pdf', 'Horn in F', [2, 4], 'sure'],
  ['French Horn 2.pdf', 'Horn in F', [2], 'sure'],
  ['Horn 1/3.pdf', 'Horn in F', [1, 3], 'sure', 'Horn in F 1 & 3'],
  ['Horn II.pdf', 'Horn in F', [2], 'sure'],
  ['Eb Tenor Horn.pdf', 'Tenor Horn', [], 'sure'],
  ['Alto Horn.pdf', 'Tenor Horn', [], 'sure'],
  ['Trombone 1.pdf', 'Trombone', [1], 'sure', 'Trombone 1'],
  ['Trombone I & II.pdf', 'Trombone', [1, 2], 'sure'],
  ['Trombone 1+2.pdf', 'Trombone', [1, 2], 'sure'],
  ['Bass Trombone.pdf', 'Bass Trombone', [], 'sure'],
  ['Euphonium.pdf', 'Euphonium', [], 'sure', 'Euphonium'],
  ['Euphonium T.C..pdf', 'Euphonium', [], 'sure', 'Euphonium T.C.'],
  ['Euphonium B.C..pdf', 'Euphonium', [], 'sure', 'Euphonium B.C.'],
  ['Baritone T.C..pdf', 'Euphonium', [], 'sure', 'Euphonium T.C.'],
  ['Baritone B.C..pdf', 'Euphonium', [], 'sure', 'Euphonium B.C.'],
  ['Baritone (T.C.).pdf', 'Euphonium', [], 'sure', 'Euphonium T.C.'],
  ['Baritone Treble Clef.pdf', 'Euphonium', [], 'sure', 'Euphonium T.C.'],
  ['Euphonium Bass Clef.pdf', 'Euphonium', [], 'sure', 'Euphonium B.C.'],
  ['Tuba.pdf', 'Tuba', [], 'sure'],
  ['Tuba 1 & 2.pdf', 'Tuba', [1, 2], 'sure'],
  ['Sousaphone.pdf', 'Tuba', [], 'sure'],
  ['String Bass.pdf', 'String Bass', [], 'sure'],
  ['Double Bass.pdf', 'String Bass', [], 'sure'],
  ['Timpani.pdf', 'Timpani', [], 'sure'],
  ['Snare Drum.pdf', 'Snare Drum', [], 'sure'],
  ['Bass Drum.pdf', 'Bass Drum', [], 'sure'],
  ['Bass Drum & Cymbals.pdf', 'Bass Drum', [], 'sure'],
  ['Mallet Percussion.pdf', 'Mallet Percussion', [], 'sure', 'Mallet Percussion'],
  ['Mallets.pdf', 'Mallet Percussion', [], 'sure'],
  ['Bells.pdf', 'Mallet Percussion', [], 'sure'],
  ['Xylophone.pdf', 'Mallet Percussion', [], 'sure'],
  ['Percussion 1 (Snare Drum, Bass Drum).pdf', 'Percussion', [1], 'sure', 'Percussion 1 (Snare Drum, Bass Drum)'],
  ['Percussion 2 (Triangle, Tambourine, Suspended Cymbal).pdf', 'Percussion', [2], 'sure', 'Percussion 2 (Triangle, Tambourine, Suspended Cymbal)'],
  ['Percussion 1.pdf', 'Percussion', [1], 'sure', 'Percussion 1'],
  ['Snare Drum & Bass Drum.pdf', 'Percussion', [], 'sure'],
  ['Drum Set.pdf', 'Drum Set', [], 'sure'],
  ['Drums.pdf', 'Drum Set', [], 'sure'],
  ['Harp.pdf', 'Harp', [], 'sure'],
  ['Piano.pdf', 'Piano', [], 'sure'],
  ['Alto Flute.pdf', 'Alto Flute', [], 'sure'],
  // Abbreviations
  ['Fl. 1.pdf', 'Flute', [1], 'sure'],
  ['Picc..pdf', 'Piccolo', [], 'sure'],
  ['Ob. 2.pdf', 'Oboe', [2], 'sure'],
  ['Bsn..pdf', 'Bassoon', [], 'sure'],
  ['Cl. 1.pdf', 'Clarinet in B♭', [1], 'sure'],
  ['B. Cl..pdf', 'Bass Clarinet', [], 'sure'],
  ['A. Sax 1.pdf', 'Alto Saxophone', [1], 'sure'],
  ['T. Sax.pdf', 'Tenor Saxophone', [], 'sure'],
  ['Tpt. 2.pdf', 'Trumpet in B♭', [2], 'sure'],
  ['Hn. 3.pdf', 'Horn in F', [3], 'sure'],
  ['Tbn. 2.pdf', 'Trombone', [2], 'sure'],
  ['B. Tbn..pdf', 'Bass Trombone', [], 'sure'],
  ['Euph. T.C..pdf', 'Euphonium', [], 'sure', 'Euphonium T.C.'],
  ['Timp..pdf', 'Timpani', [], 'sure'],
  ['Perc. 2.pdf', 'Percussion', [2], 'sure'],
  ['Str. Bass.pdf', 'String Bass', [], 'sure'],
  ['Pno..pdf', 'Piano', [], 'sure'],
  // Compact tokens
  ['TPT1.pdf', 'Trumpet in B♭', [1], 'sure'],
  ['SAX-ALT1.pdf', 'Alto Saxophone', [1], 'sure'],
  ['SAX-TEN.pdf', 'Tenor Saxophone', [], 'sure'],
  ['TBN3.pdf', 'Trombone', [3], 'sure'],
  ['FLGH1.pdf', 'Flugelhorn', [1], 'sure'],
  ['CL2.pdf', 'Clarinet in B♭', [2], 'sure'],
  ['HN1+3.pdf', 'Horn in F', [1, 3], 'sure', 'Horn in F 1 & 3'],
  ['EUPH-TC.pdf', 'Euphonium', [], 'sure', 'Euphonium T.C.'],
  ['EUPH-BC.pdf', 'Euphonium', [], 'sure', 'Euphonium B.C.'],
  ['BCL.pdf', 'Bass Clarinet', [], 'sure'],
  ['ASax2.pdf', 'Alto Saxophone', [2], 'sure'],
  ['clar3.pdf', 'Clarinet in B♭', [3], 'sure'],
  ['trb2.pdf', 'Trombone', [2], 'sure'],
  ['fl1.pdf', 'Flute', [1], 'sure'],
  // Track numbers, titles and arrangers (notation program exports)
  ['03 Clarinet in Bb 2.pdf', 'Clarinet in B♭', [2], 'sure'],
  ['07 - Alto Sax 1.pdf', 'Alto Saxophone', [1], 'sure'],
  ['03_Flute.pdf', 'Flute', [], 'sure'],
  ['12-Tuba.pdf', 'Tuba', [], 'sure'],
  ['01 Full Score.pdf', 'Score', [], 'sure', 'Full Score'],
  ['Holst_First_Suite-Clarinet_in_Bb_2.pdf', 'Clarinet in B♭', [2], 'sure'],
  ['FirstSuite_Cl2.pdf', 'Clarinet in B♭', [2], 'sure'],
  ['In The Mood (Tyzik) - TPT1.pdf', 'Trumpet in B♭', [1], 'sure'],
  ['Stars and Stripes Forever - Piccolo.pdf', 'Piccolo', [], 'sure'],
  ['Trumpet Voluntary - Trumpet 1.pdf', 'Trumpet in B♭', [1], 'sure'],
  ['Second Suite in F - Horn in F 2.pdf', 'Horn in F', [2], 'sure'],
  ['Second_Suite_in_F-Euphonium.pdf', 'Euphonium', [], 'sure'],
  ['Sleigh Ride - 004 Oboe.pdf', 'Oboe', [], 'sure'],
  ['Sleigh Ride - Bb Clarinet 1.pdf', 'Clarinet in B♭', [1], 'sure'],
  ['Amazing Grace - Trombone 2.pdf', 'Trombone', [2], 'sure'],
  ['Amazing-Grace-Flute.pdf', 'Flute', [], 'sure'],
  ['Fanfare_and_Allegro_-_Horn_in_F_3.pdf', 'Horn in F', [3], 'sure'],
  ['Jupiter (arr. Smith) - Bass Clarinet.pdf', 'Bass Clarinet', [], 'sure'],
  ['Suite [Clarinet in Bb 3].pdf', 'Clarinet in B♭', [3], 'sure'],
  ['Parts/Flute 2.pdf', 'Flute', [2], 'sure'],
  ['C:\\Scans\\Tuba.pdf', 'Tuba', [], 'sure'],
  ['Flute 1 (1).pdf', 'Flute', [1], 'sure'],
  ['Clarinet 2 scan.pdf', 'Clarinet in B♭', [2], 'sure'],
  // German and European names
  ['Es-Klarinette.pdf', 'Clarinet in E♭', [], 'sure'],
  ['1. Klarinette in B.pdf', 'Clarinet in B♭', [1], 'sure'],
  ['Klarinette 2 in B.pdf', 'Clarinet in B♭', [2], 'sure'],
  ['3. Posaune in C.pdf', 'Trombone', [3], 'sure', 'Trombone 3'],
  ['Posaune 1.pdf', 'Trombone', [1], 'sure'],
  ['Bassposaune.pdf', 'Bass Trombone', [], 'sure'],
  ['Flügelhorn 1 in B.pdf', 'Flugelhorn', [1], 'sure'],
  ['Fluegelhorn 2.pdf', 'Flugelhorn', [2], 'sure'],
  ['Tenorhorn 1+2.pdf', 'Tenor Horn', [1, 2], 'sure'],
  ['Trompete 1 in B.pdf', 'Trumpet in B♭', [1], 'sure'],
  ['Flöte 1.pdf', 'Flute', [1], 'sure'],
  ['Querflöte 2.pdf', 'Flute', [2], 'sure'],
  ['Fagott.pdf', 'Bassoon', [], 'sure'],
  ['Hoboe.pdf', 'Oboe', [], 'sure'],
  ['Waldhorn 1 in F.pdf', 'Horn in F', [1], 'sure'],
  ['Pauken.pdf', 'Timpani', [], 'sure'],
  ['Tuba in C.pdf', 'Tuba', [], 'sure'],
  ['Bass in B.pdf', 'Tuba', [], 'sure'],
  ['Bass in Es.pdf', 'Tuba', [], 'sure'],
  ['Tuba/Bass in B/Es.pdf', 'Tuba', [], 'sure'],
  ['Partitur.pdf', 'Score', [], 'sure', 'Full Score'],
  ['Direktion.pdf', 'Score', [], 'sure', 'Condensed Score'],
  ['Kontrabass.pdf', 'String Bass', [], 'sure'],
  ['Saxophon Alt 1.pdf', 'Alto Saxophone', [1], 'sure'],
  ['Altsaxophon 2 in Es.pdf', 'Alto Saxophone', [2], 'sure'],
  ['Tenorsaxophon in B.pdf', 'Tenor Saxophone', [], 'sure'],
  ['Baritonsaxophon in Es.pdf', 'Baritone Saxophone', [], 'sure'],
  ['Bassklarinette.pdf', 'Bass Clarinet', [], 'sure'],
  ['Bariton in C.pdf', 'Euphonium', [], 'sure', 'Euphonium B.C.'],
  ['Bariton in B.pdf', 'Euphonium', [], 'sure', 'Euphonium T.C.'],
  ['Kleine Trommel.pdf', 'Snare Drum', [], 'sure'],
  ['Große Trommel.pdf', 'Bass Drum', [], 'sure'],
  ['Glockenspiel.pdf', 'Mallet Percussion', [], 'sure'],
  ['Xylophon.pdf', 'Mallet Percussion', [], 'sure'],
  ['Stabspiele.pdf', 'Mallet Percussion', [], 'sure'],
  ['Trompette en Sib 1.pdf', 'Trumpet in B♭', [1], 'sure'],
  ['Clarinette en Sib 2.pdf', 'Clarinet in B♭', [2], 'sure'],
  ['Cor en Fa 2.pdf', 'Horn in F', [2], 'sure'],
  ['Corno in Fa 1.pdf', 'Horn in F', [1], 'sure'],
  ['Tromba 2 in Sib.pdf', 'Trumpet in B♭', [2], 'sure'],
  ['Fagotto.pdf', 'Bassoon', [], 'sure'],
  ['Hautbois.pdf', 'Oboe', [], 'sure'],
  // Shared sheets
  ['Bb Clarinet 1/Bb Trumpet 1.pdf', 'Clarinet in B♭', [1], 'sure'],
  ['Flute 2/Piccolo.pdf', 'Flute', [2], 'sure'],
  ['Oboe & English Horn.pdf', 'Oboe', [], 'sure'],
  ['Timpani & Percussion.pdf', 'Timpani', [], 'sure'],
  // Ambiguous: flagged, never guessed silently
  ['Horn in Eb.pdf', 'Horn in F', [], 'ambiguous'],
  ['Eb Horn 1.pdf', 'Tenor Horn', [1], 'ambiguous'],
  ['Baritone.pdf', 'Euphonium', [], 'ambiguous'],
  ['Bariton.pdf', 'Euphonium', [], 'ambiguous'],
  ['Bass.pdf', 'Tuba', [], 'ambiguous'],
  ['Cornet/Trumpet 1.pdf', 'Cornet in B♭', [1], 'ambiguous'],
  ['Trumpet in C 1.pdf', 'Trumpet in B♭', [1], 'ambiguous'],
  ['Clarinet in A.pdf', 'Clarinet in B♭', [], 'ambiguous'],
  ['Flute 25.pdf', 'Flute', [], 'ambiguous'],
  ['Clarinet Trumpet 1.pdf', 'Trumpet in B♭', [1], 'ambiguous'],
  ['Saxophone 1.pdf', 'Alto Saxophone', [1], 'ambiguous'],
  ['Schlagzeug.pdf', 'Percussion', [], 'ambiguous'],
  ['Electric Bass.pdf', 'String Bass', [], 'ambiguous'],
  // No instrument at all
  ['scan_0001.pdf', null, [], 'unknown'],
  ['IMG_2034.pdf', null, [], 'unknown'],
  ['Notes for the band.pdf', null, [], 'unknown'],
  ['.pdf', null, [], 'unknown'],
  ['', null, [], 'unknown'],
]

function misses(): string[] {
  return ROWS.flatMap(([name, instrument, chairs, status, label]) => {
    const got = mapPartName(name)
    const right = got.instrument === instrument && JSON.stringify(got.chairs) === JSON.stringify(chairs) && got.status === status
    const labelRight = label === undefined || got.label === label
    return right && labelRight ? [] : [`${JSON.stringify(name)} → ${got.status} ${got.instrument} ${JSON.stringify(got.chairs)} ${JSON.stringify(got.label)}`]
  })
}

describe('mapPartName on real-world names', () => {
  const missed = misses()
  const share = (ROWS.length - missed.length) / ROWS.length
  it(`maps ${ROWS.length} names, ${(share * 100).toFixed(1)} % of them right (at least 97 %)`, () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(150)
    expect(share, `missed:\n${missed.join('\n')}`).toBeGreaterThanOrEqual(0.97)
  })

  it('says why when it is unsure, and has no instrument when it knows none', () => {
    for (const [name] of ROWS) {
      const got = mapPartName(name)
      if (got.status !== 'sure') expect(got.note, name).toBeTruthy()
      expect(got.instrument === null, name).toBe(got.status === 'unknown')
    }
  })

  it('says a shared sheet is shared, and which parts it also serves', () => {
    const got = mapPartName('Bb Clarinet 1/Bb Trumpet 1.pdf')
    expect(got.alsoFor).toEqual([{ instrument: 'Trumpet in B♭', chairs: [1], label: 'Trumpet in B♭ 1' }])
    expect(got.note).toMatch(/shared sheet/i)
  })

  it('passes over the piece title and arranger it is given', () => {
    const context = { pieceTitle: 'Horn of Plenty', arranger: 'Jeff Tyzik' }
    expect(mapPartName('Horn of Plenty (Tyzik) Trumpet 1.pdf', context)).toMatchObject({ status: 'sure', instrument: 'Trumpet in B♭', chairs: [1] })
    // Without it, two instruments and nothing joining them: flagged.
    expect(mapPartName('Horn of Plenty (Tyzik) Trumpet 1.pdf').status).toBe('ambiguous')
    expect(mapPartName('Trumpet Voluntary Trumpet 1.pdf', { pieceTitle: 'Trumpet Voluntary' })).toMatchObject({ instrument: 'Trumpet in B♭', chairs: [1] })
  })
})

describe('MAPPED_INSTRUMENTS', () => {
  it('are all instruments of the demo band', () => {
    const seeded = buildInstruments().instruments.map((instrument) => instrument.name)
    for (const name of MAPPED_INSTRUMENTS) expect(seeded, name).toContain(name)
    expect(MAPPED_INSTRUMENTS.length).toBe(seeded.length)
  })
})

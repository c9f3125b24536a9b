import { makePdf } from '../setup/library-files.ts'
import { expect, test } from './fixtures.ts'

// Done-when of music library I: with JavaScript off, the librarian uploads
// about 30 PDFs named as a publisher and a scanner name them, for a new
// piece; corrects the one the names could not place; confirms; and finds the
// piece with its parts through the catalogue search.
const NAMES = [
  '00 - Full Score.pdf',
  '01 - Piccolo.pdf',
  '02 - Flute 1.pdf',
  '03 - Flute 2.pdf',
  '04 - Oboe.pdf',
  '05 - Bassoon.pdf',
  '06 - Bb Clarinet 1.pdf',
  '07 - Bb Clarinet 2.pdf',
  '08 - Bb Clarinet 3.pdf',
  '09 - B. Cl.pdf',
  '10 - A. Sax 1.pdf',
  '11 - A. Sax 2.pdf',
  '12 - T. Sax.pdf',
  '13 - Bari Sax.pdf',
  '14 - Tpt 1.pdf',
  '15 - Tpt 2.pdf',
  '16 - Tpt 3.pdf',
  '17 - Horn in F 1.pdf',
  '18 - Horn in F 2.pdf',
  '19 - Tbn 1.pdf',
  '20 - Tbn 2.pdf',
  '21 - Bass Trombone.pdf',
  '22 - Euphonium.pdf',
  '23 - Tuba.pdf',
  '24 - String Bass.pdf',
  '25 - Timpani.pdf',
  '26 - Percussion 1 (Snare Drum, Bass Drum).pdf',
  '27 - Mallets.pdf',
  '28 - Flugelhorn.pdf',
  'scan0042.pdf',
]

test('a librarian uploads a piece’s parts, corrects one, confirms and finds it', async ({ page, login, checkAccessibility }) => {
  // Thirty PDFs through upload, review and axe on two shared cores.
  test.setTimeout(120_000)
  const title = `Rainbow Bridge Overture ${Date.now().toString(36)}`
  const files = await Promise.all(NAMES.map(async (name, i) => ({ name, mimeType: 'application/pdf', buffer: await makePdf({ text: `Part ${i}`, pages: 1 + (i % 3) }) })))

  await login('librarian')
  await page.goto('/library')
  await page.getByRole('link', { name: 'Upload parts' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await checkAccessibility()
  await page.getByLabel('A new piece').check()
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Composer').fill('Ada Testwood')
  await page.getByLabel('PDF files or a ZIP').setInputFiles(files)
  await page.getByRole('button', { name: 'Upload and review' }).click()

  // The review table: one row per file, the scan flagged.
  await expect(page.getByRole('status').filter({ hasText: `Received ${NAMES.length} files.` })).toBeVisible()
  const table = page.getByRole('table', { name: 'Files of this upload' })
  await expect(table.getByRole('row')).toHaveCount(NAMES.length + 1)
  await checkAccessibility()
  const scan = table.getByRole('row').filter({ hasText: 'scan0042.pdf' })
  await expect(scan.getByLabel('Instrument of scan0042.pdf')).toHaveValue('')
  await expect(table.getByRole('row').filter({ hasText: '06 - Bb Clarinet 1.pdf' }).getByLabel('Instrument of 06 - Bb Clarinet 1.pdf')).toHaveText(/Clarinet in B♭/)

  // Confirming with the scan unplaced is refused on its row; then it is corrected.
  await page.getByRole('button', { name: 'Confirm upload' }).click()
  await expect(page.getByText('Choose the instrument of scan0042.pdf')).toBeVisible()
  await scan.getByLabel('Instrument of scan0042.pdf').selectOption({ label: 'Percussion' })
  await scan.getByLabel('Chairs').fill('2')
  await scan.getByLabel('Label').fill('Percussion 2 (Triangle, Cymbals)')
  // Enter in a field saves the corrections; it never confirms the batch.
  await scan.getByLabel('Label').press('Enter')
  await expect(page.getByText('Saved 1 correction. Confirm when every row is right.')).toBeVisible()
  await expect(table.getByRole('row')).toHaveCount(NAMES.length + 1)
  await expect(scan.getByLabel('Label')).toHaveValue('Percussion 2 (Triangle, Cymbals)')
  await page.getByRole('button', { name: 'Confirm upload' }).click()

  await expect(page.getByRole('heading', { level: 1, name: `Stored ${NAMES.length} files for ${title}` })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Percussion 2 (Triangle, Cymbals)' })).toBeVisible()
  await checkAccessibility()

  // The catalogue search finds it (a word of the title, with a typo), and the piece lists its parts.
  await page.goto('/library')
  const search = page.getByRole('search', { name: 'Search the catalogue' })
  await search.getByLabel('Search title, composer, arranger, publisher or tags').fill('rainbw bridge overture')
  await search.getByRole('button', { name: 'Search', exact: true }).click()
  await page.getByRole('link', { name: title }).first().click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rainbow Bridge Overture')
  await expect(page.getByRole('link', { name: 'Percussion 2 (Triangle, Cymbals)' })).toBeVisible()
  await expect(page.getByRole('link', { name: /Clarinet in B♭ 1|Clarinet 1/ })).toBeVisible()
  await checkAccessibility()
})

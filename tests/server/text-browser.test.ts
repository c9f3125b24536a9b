import { execFileSync, spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BrowserSession } from '#tests/setup/browser-session.ts'
import { startTestServer, type TestServer } from '#tests/setup/test-server.ts'

// Pages for basic phones: /portal, an event and /portal/availability read in
// document order in a text browser (w3m), which is also how they read with
// CSS off. CI installs w3m (.ci/run); a machine without it skips this file.
const hasW3m = spawnSync('w3m', ['-version']).status === 0

/** What w3m shows for a page, as plain text. */
function textBrowser(html: string): string {
  return execFileSync('w3m', ['-dump', '-T', 'text/html', '-cols', '60', '-O', 'UTF-8'], { input: html, encoding: 'utf8' })
}

/** Asserts that each of `parts` appears in `text`, in this order. */
function expectInOrder(text: string, parts: (string | RegExp)[]) {
  let from = 0
  for (const part of parts) {
    const rest = text.slice(from)
    const match = typeof part === 'string' ? { index: rest.indexOf(part), length: part.length } : (() => {
      const found = part.exec(rest)
      return { index: found?.index ?? -1, length: found?.[0].length ?? 0 }
    })()
    expect(match.index, `"${String(part)}" after position ${from} in:\n${text}`).toBeGreaterThanOrEqual(0)
    from += match.index + match.length
  }
}

describe.skipIf(!hasW3m)('the phone pages in a text browser', () => {
  let server: TestServer
  let musician: BrowserSession
  beforeAll(async () => {
    server = await startTestServer()
    musician = new BrowserSession(server.url)
    await musician.signIn('musician@example.org')
  }, 120_000)
  afterAll(() => server?.stop())

  it('/portal: the greeting, then each event with its answer and the three buttons, then the links on', async () => {
    const text = textBrowser((await musician.get('/portal')).html)
    expectInOrder(text, ['Riverside Community Band', 'Hello, Max', 'Coming up for you', 'Rehearsal', 'No answer yet', /Going\s+(□\s+)?Not going\s+(□\s+)?Maybe/, 'Whole schedule'])
    // Every event that takes answers offers all three, readable as separate words.
    expect(text.match(/Going\s+(□\s+)?Not going\s+(□\s+)?Maybe/g)?.length).toBeGreaterThanOrEqual(3)
  })

  it('an event: what, when and where, the answer form, then the set list', async () => {
    const portal = await musician.get('/portal')
    const eventPath = /href="(\/portal\/events\/[0-9a-f-]{36})"/.exec(portal.html)?.[1]
    expect(eventPath).toBeDefined()
    const text = textBrowser((await musician.get(eventPath ?? '')).html)
    expectInOrder(text, ['Rehearsal', 'When', 'Where', "St Mark's Church Hall", 'Your answer', 'Note (optional)', /Going\s+(□\s+)?Not going\s+(□\s+)?Maybe/, 'Set list'])
  })

  it('/portal/availability: the form to add dates away before the list of them', async () => {
    const text = textBrowser((await musician.get('/portal/availability')).html)
    expectInOrder(text, ['Dates you are away', 'Add dates away', 'First day away', 'Last day away', 'Reason (optional)', 'Save dates away', 'Coming up'])
  })
})

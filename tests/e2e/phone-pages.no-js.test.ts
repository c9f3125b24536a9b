import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

// Pages for basic phones (members-and-events issue): on a 360 px screen with
// JavaScript off, the portal pages load no script and every link and button
// of the frame (header, area navigation) and every button or field of the
// page is at least 44 px tall. Links inside a sentence are exempt (WCAG 2.5.5).

test.use({ viewport: { width: 360, height: 740 } })

async function smallTargets(page: Page): Promise<string[]> {
  const selector = 'header a, header button, nav a, main button, main input:not([type=hidden]), main select, main textarea'
  return page.locator(selector).evaluateAll((elements) =>
    elements
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && box.height < 44)
      .map(({ element, box }) => `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim()}" is ${Math.round(box.height)} px tall`),
  )
}

test('the portal pages ship no script and have tap targets of 44 px on a small phone', async ({ page, login, visit }) => {
  // The sign-in page itself is hydrated (ADR 010): count scripts from the portal on.
  await login('musician')
  const scripts: string[] = []
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url())
  })
  await visit('/portal/events?kind=rehearsal')
  const event = await page.locator('main a[href^="/portal/events/"]').first().getAttribute('href')
  for (const path of ['/portal', event ?? '/portal/events', '/portal/calendar']) {
    await visit(path)
    expect(await smallTargets(page), path).toEqual([])
  }
  // (calendar.no-js.test.ts changes the musician's calendar link; this test only reads.)
  expect(scripts).toEqual([])
})

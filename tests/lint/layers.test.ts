import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// DESIGN.md "Layers": nothing in app/ or db/ imports server/ (the HTTP edge).
// The project's own ESLint configuration must refuse such an import.

const eslint = new ESLint()

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message)
}

describe('the layer rule', () => {
  for (const [filePath, code] of [
    ['app/modules/library/service.server.ts', "import { startServer } from '#server/main.ts'\nexport const s = startServer\n"],
    ['app/routes/portal._index.tsx', "import { sendStatusPage } from '../../server/status-page.ts'\nexport const s = sendStatusPage\n"],
    ['db/seed/roster.ts', "import type { AppOptions } from '#server/app.ts'\nexport type A = AppOptions\n"],
  ] as const) {
    it(`refuses server/ in ${filePath}`, async () => {
      const errors = await layerErrors(filePath, code)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain('must not import server/')
    })
  }

  it('lets server/ import the app, and the app import its own layers', async () => {
    expect(await layerErrors('server/app.ts', "import { runtimeContext } from '#app/platform/context.ts'\nexport const c = runtimeContext\n")).toEqual([])
    expect(await layerErrors('app/routes/portal._index.tsx', "import { runtimeContext } from '#app/platform/context.ts'\nexport const c = runtimeContext\n")).toEqual([])
  })
})

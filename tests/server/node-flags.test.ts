import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SERVER_NODE_FLAGS } from '#server/node-flags.ts'

// The flags only work when given at process start, so every way of starting the server must name them.
describe('the production V8 flags', () => {
  const flags = SERVER_NODE_FLAGS.join(' ')

  it('are passed by the npm scripts that start a server or worker', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
    for (const name of ['start', 'serve', 'worker']) expect(scripts[name], name).toContain(`node ${flags} server/index.ts`)
  })

  it('are in the image’s NODE_OPTIONS', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8')
    expect(dockerfile).toMatch(new RegExp(`NODE_OPTIONS=${flags.replace(/[-=]/g, '\\$&')}\\s`))
  })
})

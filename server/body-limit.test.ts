import type { ServerBuild } from 'react-router'
import { describe, expect, it } from 'vitest'
import { bodyLimitFor } from './body-limit.ts'

// The routes of a build as React Router lists them: flat, with parent ids.
// Modules carry only what bodyLimitFor reads (their `handle`).
function buildWith(routes: { id: string; parentId?: string; path?: string; index?: boolean; handle?: unknown }[]): () => Promise<ServerBuild> {
  const entries = Object.fromEntries(
    routes.map((route) => [route.id, { id: route.id, parentId: route.parentId, path: route.path, index: route.index, module: { handle: route.handle } }]),
  )
  return async () => ({ routes: entries }) as unknown as ServerBuild
}

const MB = 1024 * 1024
const build = buildWith([
  { id: 'root', path: '' },
  { id: 'routes/library', parentId: 'root', path: 'library' },
  { id: 'routes/library._index', parentId: 'routes/library', index: true },
  { id: 'routes/library.upload', parentId: 'routes/library', path: 'upload', handle: { maxBodyBytes: 500 * MB } },
  { id: 'routes/library.pieces.$pieceId', parentId: 'routes/library', path: 'pieces/:pieceId' },
  { id: 'routes/admin', parentId: 'root', path: 'admin', handle: { maxBodyBytes: 2 * MB } },
  { id: 'routes/admin.members', parentId: 'routes/admin', path: 'members', handle: { maxBodyBytes: 64 * 1024 } },
  { id: 'routes/admin.settings', parentId: 'routes/admin', path: 'settings' },
])

describe('body limits per route', () => {
  it('is the default where no route declares one', async () => {
    expect(await bodyLimitFor(build, '/library', MB)).toBe(MB)
    expect(await bodyLimitFor(build, '/library/pieces/12', MB)).toBe(MB)
    expect(await bodyLimitFor(build, '/nowhere/at/all', MB)).toBe(MB)
  })

  it('is the route’s own where it declares one, for its page and its data requests', async () => {
    expect(await bodyLimitFor(build, '/library/upload', MB)).toBe(500 * MB)
    expect(await bodyLimitFor(build, '/library/upload.data', MB)).toBe(500 * MB)
  })

  it('takes the deepest declaration: a layout’s applies to children that declare none', async () => {
    expect(await bodyLimitFor(build, '/admin/settings', MB)).toBe(2 * MB)
    expect(await bodyLimitFor(build, '/admin/members', MB)).toBe(64 * 1024)
  })
})

import { matchRoutes, type RouteObject, type ServerBuild } from 'react-router'

/**
 * Request bodies are limited per route: MAX_BODY_BYTES (1 MB) unless the
 * route that will answer declares its own in its `handle`:
 *
 *   export const handle = { maxBodyBytes: 500 * 1024 * 1024 } // batch upload
 *
 * The deepest matching route that declares one wins. Read from the route
 * build, so a route cannot be given a limit anywhere but in its own module.
 */
export type BodyLimitHandle = { maxBodyBytes?: number }

type Route = RouteObject & { id: string; children?: Route[] }

const treeOf = new WeakMap<ServerBuild, Route[]>()

function routeTree(build: ServerBuild): Route[] {
  let tree = treeOf.get(build)
  if (!tree) {
    const nodes = new Map<string, Route>()
    const entries = Object.values(build.routes).filter((route) => route !== undefined)
    for (const route of entries) {
      nodes.set(route.id, route.index ? { id: route.id, path: route.path, index: true } : { id: route.id, path: route.path, children: [] })
    }
    tree = []
    for (const route of entries) {
      const node = nodes.get(route.id)
      if (!node) continue
      const parent = route.parentId ? nodes.get(route.parentId) : undefined
      if (parent) parent.children?.push(node)
      else tree.push(node)
    }
    treeOf.set(build, tree)
  }
  return tree
}

export async function bodyLimitFor(build: ServerBuild | (() => Promise<ServerBuild>), pathname: string, fallback: number): Promise<number> {
  const current = typeof build === 'function' ? await build() : build
  const matches = matchRoutes(routeTree(current), pathname.replace(/\.data$/, '')) ?? []
  for (const match of [...matches].reverse()) {
    const id = match.route.id
    const handle = id ? (current.routes[id]?.module.handle as BodyLimitHandle | undefined) : undefined
    if (typeof handle?.maxBodyBytes === 'number') return handle.maxBodyBytes
  }
  return fallback
}

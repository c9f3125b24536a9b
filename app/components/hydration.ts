import type { UIMatch } from 'react-router'

/**
 * Which pages load React in the browser (docs/decisions/010-hydrate-only-where-asked.md).
 * A route module asks with `export const handle = hydrated`; a layout's ask
 * covers every page under it. Everything else is server-rendered HTML with
 * no script at all: its forms are plain posts and work as they are.
 */
export type RouteHandle = { hydrate?: boolean }

export const hydrated = { hydrate: true } as const satisfies RouteHandle

/** Whether any matched route asked for hydration. */
export function wantsHydration(matches: readonly Pick<UIMatch, 'handle'>[]): boolean {
  return matches.some((match) => (match.handle as RouteHandle | undefined)?.hydrate === true)
}

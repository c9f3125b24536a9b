import { useRouteLoaderData } from 'react-router'
import type { loader as rootLoader } from '#app/root.tsx'
import { AREA_TITLES, areaLinks } from '#app/components/areas.ts'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireArea } from '#app/modules/identity/area-access.server.ts'
import { requireAnyPermission } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/library'
import { hydrated } from '#app/components/hydration.ts'

// Laptop pages for librarians: React enhances their forms.
export const handle = hydrated

// Librarians see the whole catalogue; a musician the pieces of their upcoming set lists (modules/library/access.server.ts).
export const middleware: Route.MiddlewareFunction[] = [
  requireArea('library', (args) => void requireAnyPermission(args, ['music.view.all', 'music.view.assigned'])),
]

export default function LibraryLayout() {
  // The root loader's grants: Composers & arrangers and Deleted show to those who edit the catalogue.
  const grants = useRouteLoaderData<typeof rootLoader>('root')?.user?.grants
  return <SiteFrame area={AREA_TITLES.library} links={areaLinks('library', grants)} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="library" />
}

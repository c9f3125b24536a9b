import { AREA_TITLES, areaLinks } from '#app/components/areas.ts'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireArea } from '#app/modules/identity/area-access.server.ts'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/library'
import { hydrated } from '#app/components/hydration.ts'

// Laptop pages for librarians: React enhances their forms.
export const handle = hydrated

// The whole catalogue is for those who may see all of it; members get their parts in the portal.
export const middleware: Route.MiddlewareFunction[] = [requireArea('library', (args) => void requirePermission(args, 'music.view.all'))]

export default function LibraryLayout() {
  return <SiteFrame area={AREA_TITLES.library} links={areaLinks('library', null)} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="library" />
}

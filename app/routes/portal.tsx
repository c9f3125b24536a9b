import { useRouteLoaderData } from 'react-router'
import { AREA_TITLES, areaLinks } from '#app/components/areas.ts'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireArea } from '#app/modules/identity/area-access.server.ts'
import type { loader as rootLoader } from '#app/root.tsx'
import type { Route } from './+types/portal'

// Every page under /portal is for signed-in members only.
export const middleware: Route.MiddlewareFunction[] = [requireArea('portal')]

export default function PortalLayout() {
  // Coverage and attendance are in the menu only for those who may open them.
  const grants = useRouteLoaderData<typeof rootLoader>('root')?.user?.grants
  return <SiteFrame area={AREA_TITLES.portal} links={areaLinks('portal', grants)} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="portal" />
}

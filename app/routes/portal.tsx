import { AREA_TITLES, areaLinks } from '#app/components/areas.ts'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { useRouteLoaderData } from 'react-router'
import { requireArea } from '#app/modules/identity/area-access.server.ts'
import type { loader as rootLoader } from '#app/root.tsx'
import type { Route } from './+types/portal'

// Every page under /portal is for signed-in members only.
export const middleware: Route.MiddlewareFunction[] = [requireArea('portal')]

export default function PortalLayout() {
  // The grants the root loader sent: links a director may use (Venues, Coverage, Attendance) show only to those allowed.
  const grants = useRouteLoaderData<typeof rootLoader>('root')?.user?.grants
  return <SiteFrame area={AREA_TITLES.portal} links={areaLinks('portal', grants)} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="portal" />
}

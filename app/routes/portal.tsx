import { AREA_TITLES, areaLinks } from '#app/components/areas.ts'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireArea } from '#app/modules/identity/area-access.server.ts'
import type { Route } from './+types/portal'

// Every page under /portal is for signed-in members only.
export const middleware: Route.MiddlewareFunction[] = [requireArea('portal')]

export default function PortalLayout() {
  return <SiteFrame area={AREA_TITLES.portal} links={areaLinks('portal', null)} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="portal" />
}

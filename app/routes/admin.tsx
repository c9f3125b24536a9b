import { useRouteLoaderData } from 'react-router'
import { AREA_TITLES, areaLinks } from '#app/components/areas.ts'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireArea } from '#app/modules/identity/area-access.server.ts'
import { requireGrants } from '#app/modules/identity/auth.server.ts'
import { mayOpenAdmin } from '#app/modules/identity/permissions.ts'
import type { loader as rootLoader } from '#app/root.tsx'
import type { Route } from './+types/admin'
import { hydrated } from '#app/components/hydration.ts'

// Laptop pages with Conform forms: errors clear as you type.
export const handle = hydrated

// Holding any admin permission (or seeing members) opens the area; each page then asks for its own.
export const middleware: Route.MiddlewareFunction[] = [requireArea('admin', (args) => void requireGrants(args, mayOpenAdmin, 'admin area'))]

export default function AdminLayout() {
  const grants = useRouteLoaderData<typeof rootLoader>('root')?.user?.grants
  return <SiteFrame area={AREA_TITLES.admin} links={areaLinks('admin', grants)} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="admin" />
}

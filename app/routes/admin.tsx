import { href, useRouteLoaderData } from 'react-router'
import { type AreaLink, AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireAnyPermission } from '#app/modules/identity/auth.server.ts'
import { ADMIN_AREA_PERMISSIONS, can, canAny } from '#app/modules/identity/permissions.ts'
import type { loader as rootLoader } from '#app/root.tsx'
import type { Route } from './+types/admin'

// Holding any admin permission opens the area; each page then asks for its own.
export const middleware: Route.MiddlewareFunction[] = [(args) => void requireAnyPermission(args, ADMIN_AREA_PERMISSIONS)]

/** The admin pages this user may open. */
function useAdminLinks(): AreaLink[] {
  const grants = useRouteLoaderData<typeof rootLoader>('root')?.user?.grants
  return [
    { to: href('/admin'), label: 'Dashboard', end: true },
    ...(canAny(grants, ['user.invite', 'user.manage']) ? [{ to: href('/admin/members'), label: 'Members' }] : []),
    ...(can(grants, 'outbox.view') ? [{ to: href('/admin/outbox'), label: 'Outbox' }] : []),
  ]
}

export default function AdminLayout() {
  return <SiteFrame area="Admin" links={useAdminLinks()} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="Admin" links={useAdminLinks()} />
}

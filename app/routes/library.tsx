import { href } from 'react-router'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/library'

// The whole catalogue is for those who may see all of it; members get their parts in the portal.
export const middleware: Route.MiddlewareFunction[] = [(args) => void requirePermission(args, 'music.view.all')]

const links = [{ to: href('/library'), label: 'Catalogue', end: true }]

export default function LibraryLayout() {
  return <SiteFrame area="Music library" links={links} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="Music library" links={links} />
}

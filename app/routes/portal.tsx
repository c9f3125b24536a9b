import { href } from 'react-router'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireUserMiddleware } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/portal'

// Every page under /portal is for signed-in members only.
export const middleware: Route.MiddlewareFunction[] = [requireUserMiddleware]

const links = [{ to: href('/portal'), label: 'Overview', end: true }]

export default function PortalLayout() {
  return <SiteFrame area="Members’ portal" links={links} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="Members’ portal" links={links} />
}

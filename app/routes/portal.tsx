import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'
import { requireUserMiddleware } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/portal'

// Every page under /portal is for signed-in members only.
export const middleware: Route.MiddlewareFunction[] = [requireUserMiddleware]

export default function PortalLayout() {
  return <AreaLayout area="Members" links={[{ to: href('/portal'), label: 'Overview', end: true }]} />
}

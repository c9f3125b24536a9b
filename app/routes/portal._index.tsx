import { ComingSoon } from '#app/components/area-layout.tsx'
import type { Route } from './+types/portal._index'
import { requireUser } from '#app/modules/identity/auth.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Members' }]

export function loader(args: Route.LoaderArgs) {
  requireUser(args)
  return null
}

export default function PortalHome() {
  return (
    <ComingSoon title="Members' portal">
      <p>Your next rehearsals and concerts with RSVP, your parts, your availability and the member directory will be here.</p>
    </ComingSoon>
  )
}

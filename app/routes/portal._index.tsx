import { ComingSoon } from '#app/components/area-layout.tsx'
import type { Route } from './+types/portal._index'

export const meta: Route.MetaFunction = () => [{ title: 'Members' }]

export default function PortalHome() {
  return (
    <ComingSoon title="Members' portal">
      <p>Your next rehearsals and concerts with RSVP, your parts, your availability and the member directory will be here.</p>
    </ComingSoon>
  )
}

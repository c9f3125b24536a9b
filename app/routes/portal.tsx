import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'
import { requireUser } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/portal'

export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request)
  return null
}

export default function PortalLayout() {
  return <AreaLayout area="Members" links={[{ to: href('/portal'), label: 'Overview', end: true }]} />
}

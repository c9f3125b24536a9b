import { ComingSoon } from '#app/components/area-layout.tsx'
import type { Route } from './+types/admin._index'
import { requireGrants } from '#app/modules/identity/auth.server.ts'
import { mayOpenAdmin } from '#app/modules/identity/permissions.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Admin' }]

export function loader(args: Route.LoaderArgs) {
  requireGrants(args, mayOpenAdmin, 'admin area')
  return null
}

export default function AdminHome() {
  return (
    <ComingSoon title="Administration">
      <p>Members and roles, website content, the audit log, reports, health and settings will be here.</p>
    </ComingSoon>
  )
}

import { ComingSoon } from '#app/components/area-layout.tsx'
import type { Route } from './+types/admin._index'

export const meta: Route.MetaFunction = () => [{ title: 'Admin' }]

export default function AdminHome() {
  return (
    <ComingSoon title="Administration">
      <p>Members and roles, website content, the audit log, reports, health and settings will be here.</p>
    </ComingSoon>
  )
}

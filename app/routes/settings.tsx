import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'
import { requireUser } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/settings'

export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request)
  return null
}

export default function SettingsLayout() {
  return (
    <AreaLayout
      area="My account"
      links={[
        { to: href('/portal'), label: 'Members', end: true },
        { to: href('/settings/security'), label: 'Security' },
      ]}
    />
  )
}

import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'
import { requireUserMiddleware } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/settings'

// Every page under /settings is about the signed-in member's own account.
export const middleware: Route.MiddlewareFunction[] = [requireUserMiddleware]

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

import { href } from 'react-router'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireUserMiddleware } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/settings'

// Every page under /settings is about the signed-in member's own account.
export const middleware: Route.MiddlewareFunction[] = [requireUserMiddleware]

const links = [{ to: href('/settings/security'), label: 'Sign-in and security' }]

export default function SettingsLayout() {
  return <SiteFrame area="Settings" links={links} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="Settings" links={links} />
}

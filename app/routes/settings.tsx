import { AREA_TITLES, areaLinks } from '#app/components/areas.ts'
import { AreaErrorBoundary, SiteFrame } from '#app/components/area-layout.tsx'
import { requireArea } from '#app/modules/identity/area-access.server.ts'
import type { Route } from './+types/settings'
import { hydrated } from '#app/components/hydration.ts'

// Laptop-and-phone account pages with Conform forms: errors clear as you type.
export const handle = hydrated

// Every page under /settings is about the signed-in member's own account.
export const middleware: Route.MiddlewareFunction[] = [requireArea('settings')]

export default function SettingsLayout() {
  return <SiteFrame area={AREA_TITLES.settings} links={areaLinks('settings', null)} />
}

export function ErrorBoundary() {
  return <AreaErrorBoundary area="settings" />
}

import { ComingSoon } from '#app/components/area-layout.tsx'
import type { Route } from './+types/library._index'
import { requireAnyPermission } from '#app/modules/identity/auth.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Music library' }]

export function loader(args: Route.LoaderArgs) {
  requireAnyPermission(args, ['music.view.all', 'music.view.assigned'])
  return null
}

export default function LibraryHome() {
  return (
    <ComingSoon title="Music library">
      <p>The catalogue of pieces, batch upload of parts and music for each concert will be here.</p>
    </ComingSoon>
  )
}

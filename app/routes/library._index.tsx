import { ComingSoon } from '#app/components/area-layout.tsx'
import type { Route } from './+types/library._index'
import { requirePermission } from '#app/modules/identity/auth.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Music library' }]

export function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'music.view.all')
  return null
}

export default function LibraryHome() {
  return (
    <ComingSoon title="Music library">
      <p>The catalogue of pieces, batch upload of parts and music for each concert will be here.</p>
    </ComingSoon>
  )
}

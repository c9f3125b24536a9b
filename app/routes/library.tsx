import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/library'

export async function loader({ request }: Route.LoaderArgs) {
  await requirePermission(request, 'music.view.all')
  return null
}

export default function LibraryLayout() {
  return <AreaLayout area="Music library" links={[{ to: href('/library'), label: 'Catalogue', end: true }]} />
}

import { ComingSoon } from '#app/components/area-layout.tsx'
import type { Route } from './+types/library._index'

export const meta: Route.MetaFunction = () => [{ title: 'Music library' }]

export default function LibraryHome() {
  return (
    <ComingSoon title="Music library">
      <p>The catalogue of pieces, batch upload of parts and music for each concert will be here.</p>
    </ComingSoon>
  )
}

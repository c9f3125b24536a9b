import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'

export default function PortalLayout() {
  return <AreaLayout area="Members" links={[{ to: href('/portal'), label: 'Overview', end: true }]} />
}

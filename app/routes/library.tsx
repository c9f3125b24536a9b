import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'

export default function LibraryLayout() {
  return <AreaLayout area="Music library" links={[{ to: href('/library'), label: 'Catalogue', end: true }]} />
}

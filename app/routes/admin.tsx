import { href } from 'react-router'
import { AreaLayout } from '#app/components/area-layout.tsx'

export default function AdminLayout() {
  return <AreaLayout area="Admin" links={[{ to: href('/admin'), label: 'Dashboard', end: true }]} />
}

import { SiteFrame } from '#app/components/area-layout.tsx'

/** Public website layout: the shared frame, without an area menu. */
export default function PublicLayout() {
  return <SiteFrame />
}

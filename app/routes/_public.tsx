import { Outlet, useRouteLoaderData } from 'react-router'
import { SiteFooter, SiteHeader } from '#app/components/site-chrome.tsx'
import type { loader as rootLoader } from '#app/root.tsx'

/** Public website layout: header with navigation, main landmark, footer. */
export default function PublicLayout() {
  const data = useRouteLoaderData<typeof rootLoader>('root')
  const bandName = data?.band.name ?? 'Community Band'
  return (
    <>
      <SiteHeader bandName={bandName} navigation={data?.navigation ?? []} user={data?.user ?? null} />
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-5xl flex-1 px-4 py-10">
        <Outlet />
      </main>
      <SiteFooter bandName={bandName} contactEmail={data?.band.contactEmail ?? null} />
    </>
  )
}

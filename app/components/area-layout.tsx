import type { ReactNode } from 'react'
import { isRouteErrorResponse, NavLink, Outlet, useRouteError, useRouteLoaderData } from 'react-router'
import type { loader as rootLoader } from '#app/root.tsx'
import { AREA_TITLES, type AreaLink, type AreaName, areaLinks, isAreaName } from './areas.ts'
import { GeneralErrorBoundary } from './error-boundary.tsx'
import { type FrameUser, SiteFooter, SiteHeader } from './site-chrome.tsx'

export type { AreaLink }

/** What the frame shows: the root loader's data, or what a refusal carried when no loader ran. */
type FrameData = {
  band: { name: string; contactEmail: string | null }
  navigation: { slug: string; title: string }[]
  user: FrameUser | null
  demo?: { password: string } | null
}

/**
 * The frame of every page: the site header (with the areas the user may
 * use), then the area's own navigation when it has one, the page, the
 * footer. The public site, the portal, the library, admin and settings all
 * render through it, so they look like one site.
 */
export function SiteFrame({ area, links, frame, children }: { area?: string; links?: AreaLink[]; frame?: FrameData; children?: ReactNode }) {
  const data: FrameData | undefined = useRouteLoaderData<typeof rootLoader>('root') ?? frame
  const bandName = data?.band.name ?? 'Community Band'
  return (
    <>
      {data?.demo ? (
        <aside aria-label="Demo" className="bg-amber-300 px-4 py-2 text-center text-sm text-stone-900">
          This is a public demo with made-up data: anyone may sign in as one of the demo accounts (password “{data.demo.password}”).
          Do not enter anything real.
        </aside>
      ) : null}
      <SiteHeader bandName={bandName} navigation={data?.navigation ?? []} user={data?.user ?? null} />
      {area && links?.length ? (
        <div className="border-b border-stone-200 bg-white">
          <nav aria-label={area} className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-0 px-4 pt-2 pb-1 sm:py-1">
            <p className="text-sm font-semibold uppercase tracking-wide text-stone-500">{area}</p>
            <ul className="flex flex-wrap gap-1 text-sm">
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink
                    to={link.to}
                    end={link.end}
                    className={({ isActive }) =>
                      `flex min-h-11 items-center rounded px-3 hover:bg-stone-100 ${isActive ? 'bg-brand-50 font-semibold text-brand-900' : 'text-stone-800'}`
                    }
                  >
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      ) : null}
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
        {children ?? <Outlet />}
      </main>
      <SiteFooter bandName={bandName} contactEmail={data?.band.contactEmail ?? null} />
    </>
  )
}

/**
 * An area's layout and its error page share the frame: a 403 or 404 under
 * /admin looks like admin. When the area's middleware refused the request,
 * no loader ran; the refusal carries the frame's data (area-access.server.ts).
 */
export function AreaErrorBoundary({ area }: { area?: AreaName }) {
  const error = useRouteError()
  const carried = isRouteErrorResponse(error) ? (error.data as { reason?: unknown; area?: unknown; frame?: FrameData } | null) : null
  // Refused the whole area: its own links would only lead to the same refusal.
  const refusedArea = carried?.reason === 'forbidden' && carried.frame !== undefined
  const rootData = useRouteLoaderData<typeof rootLoader>('root')
  const shownArea = area ?? (isAreaName(carried?.area) ? carried.area : undefined)
  const frame = rootData ?? carried?.frame
  return (
    <SiteFrame
      area={shownArea ? AREA_TITLES[shownArea] : undefined}
      links={shownArea && !refusedArea ? areaLinks(shownArea, frame?.user?.grants) : undefined}
      frame={carried?.frame}
    >
      <GeneralErrorBoundary />
    </SiteFrame>
  )
}

/** A page whose feature is being built: says so plainly instead of pretending. */
export function ComingSoon({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-labelledby="page-title" className="max-w-2xl space-y-3">
      <h1 id="page-title" className="text-3xl font-bold tracking-tight">
        {title}
      </h1>
      <div className="space-y-3 text-stone-800">{children}</div>
      <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">Coming soon.</p>
    </section>
  )
}

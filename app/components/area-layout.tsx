import type { ReactNode } from 'react'
import { href, Link, NavLink, Outlet, useRouteLoaderData } from 'react-router'
import type { loader as rootLoader } from '#app/root.tsx'
import { SignOutButton } from './site-chrome.tsx'

export type AreaLink = { to: string; label: string; end?: boolean }

/**
 * The frame shared by the members' portal, the library and admin: a slim
 * header with the area's own navigation, then the page. Each area's layout
 * route passes its links.
 */
export function AreaLayout({ area, links, children }: { area: string; links: AreaLink[]; children?: ReactNode }) {
  const data = useRouteLoaderData<typeof rootLoader>('root')
  return (
    <>
      <header className="border-b border-stone-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <p className="font-semibold">
            <Link to={href('/')} className="text-brand-800 hover:underline">
              {data?.band.name ?? 'Community Band'}
            </Link>
            <span aria-hidden="true" className="px-2 text-stone-400">/</span>
            <span>{area}</span>
          </p>
          {data?.user ? (
            <div className="flex items-center gap-3 text-sm">
              <span>{data.user.displayName}</span>
              <Link to={href('/settings/security')} className="text-brand-800 underline">
                Security
              </Link>
              <SignOutButton className="rounded border border-stone-300 px-2 py-1 hover:bg-stone-100" />
            </div>
          ) : null}
          <nav aria-label={area} className="w-full">
            <ul className="flex flex-wrap gap-1 text-sm">
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink
                    to={link.to}
                    end={link.end}
                    className={({ isActive }) =>
                      `block rounded px-3 py-2 hover:bg-stone-100 ${isActive ? 'bg-brand-50 font-semibold text-brand-900' : 'text-stone-800'}`
                    }
                  >
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
        {children ?? <Outlet />}
      </main>
    </>
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

import { Form, href, Link, NavLink } from 'react-router'
import { canAny, type Grants, mayOpenAdmin } from '#app/modules/identity/permissions.ts'

type NavigationPage = { slug: string; title: string }

export type FrameUser = { displayName: string; grants: Grants }

/** The areas of the site a signed-in user may open, in the order the header shows them. */
export function areasFor(user: FrameUser | null): { to: string; label: string }[] {
  if (!user) return []
  return [
    { to: href('/portal'), label: 'Portal' },
    ...(canAny(user.grants, ['music.view.all', 'music.view.assigned']) ? [{ to: href('/library'), label: 'Library' }] : []),
    ...(mayOpenAdmin(user.grants) ? [{ to: href('/admin'), label: 'Admin' }] : []),
    { to: href('/settings'), label: 'Settings' },
  ]
}

// Every link and button of the frame is at least 44 px tall (min-h-11): tap targets on a phone.
const publicLink = ({ isActive }: { isActive: boolean }) =>
  `inline-flex min-h-11 items-center rounded px-2 hover:bg-white/10 ${isActive ? 'underline decoration-2 underline-offset-4' : ''}`

const areaLink = ({ isActive }: { isActive: boolean }) =>
  `inline-flex min-h-11 items-center rounded-full px-3 text-sm font-medium ${isActive ? 'bg-white text-brand-900' : 'text-white hover:bg-white/15'}`

/**
 * The one header of every page: the band, the public navigation, and for a
 * signed-in user the areas they may use and their name. Public and signed-in
 * pages share it, so the site reads as one place.
 */
export function SiteHeader({
  bandName,
  navigation,
  user,
}: {
  bandName: string
  navigation: NavigationPage[]
  user: FrameUser | null
}) {
  const areas = areasFor(user)
  return (
    <header className="bg-brand-800 text-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-1 px-4 py-2">
        <Link to={href('/')} className="flex min-h-11 items-center gap-3 text-lg font-bold tracking-tight">
          <BandMark />
          <span>{bandName}</span>
        </Link>
        <nav aria-label="Main">
          <ul className="flex flex-wrap items-center gap-1 text-sm">
            <li>
              <NavLink to={href('/')} end className={publicLink}>
                Home
              </NavLink>
            </li>
            {navigation.map((page) => (
              <li key={page.slug}>
                <NavLink to={href('/:slug', { slug: page.slug })} className={publicLink}>
                  {page.title}
                </NavLink>
              </li>
            ))}
            {user ? null : (
              <li>
                <NavLink to={href('/login')} className="ml-1 inline-flex min-h-11 items-center rounded-full bg-white px-3 font-semibold text-brand-900 hover:bg-brand-50">
                  Members’ sign in
                </NavLink>
              </li>
            )}
          </ul>
        </nav>
      </div>
      {user ? (
        <div className="border-t border-white/15 bg-brand-900">
          <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-1">
            <nav aria-label="Your areas">
              <ul className="flex flex-wrap gap-1">
                {areas.map((area) => (
                  <li key={area.to}>
                    <NavLink to={area.to} className={areaLink}>
                      {area.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="flex items-center gap-3 text-sm">
              <span>
                Signed in as <strong className="font-semibold">{user.displayName}</strong>
              </span>
              <SignOutButton className="min-h-11 rounded-full border border-white/40 px-4 hover:bg-white/15" />
            </div>
          </div>
        </div>
      ) : null}
    </header>
  )
}

/** A small emblem beside the band's name: a stylised note, drawn inline (no request, no JS). */
function BandMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 32 32" className="h-8 w-8 shrink-0 rounded-lg bg-white/10 p-1.5">
      <path fill="currentColor" d="M22 4v15.2A4.5 4.5 0 1 1 19 15V8.6l-8 2V22a4.5 4.5 0 1 1-3-4.2V7.4L22 4Z" />
    </svg>
  )
}

export function SiteFooter({ bandName, contactEmail }: { bandName: string; contactEmail: string | null }) {
  return (
    <footer className="mt-12 border-t border-stone-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap justify-between gap-4 px-4 py-6 text-sm text-stone-700">
        <p>
          © {new Date().getFullYear()} {bandName}
        </p>
        {contactEmail ? (
          <p>
            Contact: <a className="text-brand-800 underline" href={`mailto:${contactEmail}`}>{contactEmail}</a>
          </p>
        ) : null}
      </div>
    </footer>
  )
}

/** Signing out is a POST (no GET ever changes anything), so it is a form with a button. */
export function SignOutButton({ className }: { className?: string }) {
  return (
    <Form method="post" action={href('/logout')}>
      <button type="submit" className={className}>
        Sign out
      </button>
    </Form>
  )
}

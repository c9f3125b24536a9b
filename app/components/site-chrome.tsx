import { Form, href, Link, NavLink } from 'react-router'

type NavigationPage = { slug: string; title: string }

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1 hover:bg-brand-700 ${isActive ? 'underline underline-offset-4' : ''}`

/** The public header: band name, the CMS pages marked for navigation, members' entrance. */
export function SiteHeader({
  bandName,
  navigation,
  user,
}: {
  bandName: string
  navigation: NavigationPage[]
  user: { displayName: string } | null
}) {
  return (
    <header className="bg-brand-800 text-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-4">
        <Link to={href('/')} className="text-xl font-bold tracking-tight">
          {bandName}
        </Link>
        <nav aria-label="Main">
          <ul className="flex flex-wrap items-center gap-2 text-sm">
            <li>
              <NavLink to={href('/')} end className={linkClass}>
                Home
              </NavLink>
            </li>
            {navigation.map((page) => (
              <li key={page.slug}>
                <NavLink to={href('/:slug', { slug: page.slug })} className={linkClass}>
                  {page.title}
                </NavLink>
              </li>
            ))}
            <li>
              <NavLink to={href('/portal')} className={linkClass}>
                Members
              </NavLink>
            </li>
            <li>
              {user ? <SignOutButton className="rounded px-2 py-1 hover:bg-brand-700" /> : (
                <NavLink to={href('/login')} className={linkClass}>
                  Sign in
                </NavLink>
              )}
            </li>
          </ul>
        </nav>
      </div>
    </header>
  )
}

export function SiteFooter({ bandName, contactEmail }: { bandName: string; contactEmail: string | null }) {
  return (
    <footer className="mt-12 border-t border-stone-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap justify-between gap-4 px-4 py-6 text-sm text-stone-700">
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

import { href, Link, Outlet, useMatches } from 'react-router'

// /settings/security is an overview (settings.security._index.tsx); each change
// has a page of its own under it, with the way back above its heading.
export default function SecurityLayout() {
  const onOverview = useMatches().at(-1)?.id === 'routes/settings.security._index'
  return (
    <div className="max-w-3xl">
      {onOverview ? null : (
        <p className="mb-6">
          <Link to={href('/settings/security')} className="group inline-flex items-center gap-1.5 font-medium text-brand-800 hover:text-brand-900">
            <span aria-hidden="true">←</span>
            <span className="underline group-hover:no-underline">Back to security</span>
          </Link>
        </p>
      )}
      <Outlet />
    </div>
  )
}

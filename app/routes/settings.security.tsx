import { href, Outlet, useMatches } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'

// /settings/security is an overview (settings.security._index.tsx); each change
// has a page of its own under it, with the way back above its heading.
export default function SecurityLayout() {
  const onOverview = useMatches().at(-1)?.id === 'routes/settings.security._index'
  return (
    <div className="max-w-3xl">
      {onOverview ? null : (
        <p className="mb-6">
          <BackLink to={href('/settings/security')}>Back to security</BackLink>
        </p>
      )}
      <Outlet />
    </div>
  )
}

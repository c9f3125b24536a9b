import type { ReactNode } from 'react'
import { data, Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches, useRouteLoaderData } from 'react-router'
import type { Route } from './+types/root'
import stylesheet from './app.css?url'
import { describeError } from './components/error-boundary.tsx'
import { wantsHydration } from './components/hydration.ts'
import { useNonce } from './components/nonce.tsx'
import { AreaErrorBoundary } from './components/area-layout.tsx'
import { ToastMessage } from './components/toast.tsx'
import { getCurrentUser, loadCurrentUser } from './modules/identity/auth.server.ts'
import { getSiteFrame } from './modules/site/site-frame.server.ts'
import { runtimeContext } from './platform/context.ts'
import { rejectUnreadableForms } from './platform/form-body.server.ts'
import { readToast } from './platform/toast.server.ts'

export const links: Route.LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const middleware: Route.MiddlewareFunction[] = [rejectUnreadableForms, loadCurrentUser]

export async function loader({ request, context }: Route.LoaderArgs) {
  const runtime = context.get(runtimeContext)
  const user = getCurrentUser({ context })
  const [frame, { toast, headers }] = await Promise.all([getSiteFrame(runtime), readToast(runtime, request)])
  // Only what the page chrome needs: a name and the grants `can()` reads to hide what is not allowed.
  return data(
    {
      ...frame,
      toast,
      demo: runtime.config.demoMode ? { password: runtime.config.demoPassword } : null,
      user: user ? { displayName: user.displayName, grants: user.grants } : null,
    },
    { headers },
  )
}

export const meta: Route.MetaFunction = ({ loaderData, error }) => {
  const bandName = loaderData?.band.name ?? 'Community Band'
  return [{ title: error ? `${describeError(error).title} · ${bandName}` : bandName }]
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  const toast = useRouteLoaderData<typeof loader>('root')?.toast ?? null
  // Phone pages ship no JavaScript: only routes whose handle asks get React's
  // client, its module preloads and the data hand-off (ADR 010).
  const hydrate = wantsHydration(useMatches())
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-full flex-col bg-stone-50 text-stone-900 antialiased">
        <a
          href="#main"
          className="sr-only rounded bg-brand-800 px-4 py-2 text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50"
        >
          Skip to content
        </a>
        <ToastMessage toast={toast} />
        {children}
        {hydrate ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  // An area's middleware refusal lands here, carrying its area and the frame's
  // data; without either (the database may be what failed) the frame falls back to a plain name.
  return <AreaErrorBoundary />
}

import { href, redirect } from 'react-router'
import { auditContextFor, clearSessionCookie, getCurrentUser } from '#app/modules/identity/auth.server.ts'
import { signOut } from '#app/modules/identity/sign-in.server.ts'
import type { Route } from './+types/logout'

// Signing out changes state, so it is a POST (a form button); a GET only goes home.
export async function loader() {
  throw redirect(href('/'))
}

export async function action(args: Route.ActionArgs) {
  const user = await getCurrentUser(args.request)
  const cookie = user
    ? await signOut({
        sessionId: user.sessionId,
        userId: user.id,
        audit: auditContextFor(args, { id: user.id, name: user.displayName }),
      })
    : await clearSessionCookie()
  throw redirect(href('/'), { headers: { 'Set-Cookie': cookie } })
}

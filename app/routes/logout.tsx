import { href, redirect } from 'react-router'
import { auditContextOf, getCurrentUser } from '#app/modules/identity/auth.server.ts'
import { clearSessionCookie, signOut } from '#app/modules/identity/sign-in.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/logout'

// Signing out changes state, so it is a POST (a form button); a GET only goes home.
export async function loader() {
  throw redirect(href('/'))
}

export async function action(args: Route.ActionArgs) {
  const runtime = args.context.get(runtimeContext)
  const user = getCurrentUser(args)
  if (user) await signOut(runtime.db, { sessionId: user.sessionId, userId: user.id, audit: auditContextOf(args, user) })
  throw redirect(href('/'), { headers: { 'Set-Cookie': await clearSessionCookie(runtime) } })
}

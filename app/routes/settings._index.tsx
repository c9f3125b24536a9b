import { href, redirect } from 'react-router'
import { requireUser } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/settings._index'

// /settings has one page so far: security.
export function loader(args: Route.LoaderArgs) {
  requireUser(args)
  throw redirect(href('/settings/security'))
}

import { href, redirect } from 'react-router'
import { requireUser } from '#app/modules/identity/auth.server.ts'
import type { Route } from './+types/settings._index'

// /settings has one page so far: security.
export async function loader({ request }: Route.LoaderArgs) {
  await requireUser(request)
  throw redirect(href('/settings/security'))
}

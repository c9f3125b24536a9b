import { data, type MiddlewareFunction, type RouterContextProvider } from 'react-router'
import type { AreaName } from '#app/components/areas.ts'
import { getSiteFrame } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { getCurrentUser, requireUser } from './auth.server.ts'

type Args = { request: Request; context: Readonly<RouterContextProvider> }

/**
 * Layout middleware of a signed-in area: a signed-in user (else a redirect to
 * sign in), then the area's own check. A refusal here comes before any loader
 * runs, so the 403 carries what the error page needs to draw the area's frame
 * (band, navigation, the user and the area), instead of a bare page.
 */
export function requireArea(area: AreaName, check: (args: Args) => void = () => {}): MiddlewareFunction<Response> {
  return async (args, next) => {
    requireUser(args)
    try {
      check(args)
    } catch (error) {
      if (isForbidden(error)) {
        const user = getCurrentUser(args)
        const frame = await getSiteFrame(args.context.get(runtimeContext))
        throw data(
          { reason: 'forbidden', area, frame: { ...frame, user: user ? { displayName: user.displayName, grants: user.grants } : null } },
          { status: 403 },
        )
      }
      throw error
    }
    return next()
  }
}

function isForbidden(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'init' in error && (error as { init?: { status?: number } }).init?.status === 403
}

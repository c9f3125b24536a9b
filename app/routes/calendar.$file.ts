import { calendarResponse, memberFeed, memberOfFeedToken } from '#app/modules/events/calendar-feed.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/calendar.$file'

// A member's secret calendar address, /calendar/<token>.ics: no sign-in (a
// calendar app cannot sign in), the token is the key. Unknown or turned off: 404.
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { db, config } = context.get(runtimeContext)
  const token = /^(.+)\.ics$/.exec(params.file)?.[1]
  const memberId = token ? await memberOfFeedToken(db, token) : undefined
  if (!memberId) {
    return new Response('There is no calendar at this address. It may have been turned off or replaced by a new one.\n', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
    })
  }
  const band = await bandProfile(context.get(runtimeContext))
  const body = await memberFeed(db, memberId, { bandName: band.name, timeZone: band.timeZone, siteUrl: config.siteUrl, now: new Date() })
  return calendarResponse(request, body, { audience: 'member', filename: 'my-band-schedule.ics' })
}

import { calendarResponse, concertsFeed } from '#app/modules/events/calendar-feed.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/concerts[.ics]'

// The band's public concerts as a calendar anyone may subscribe to.
export async function loader({ request, context }: Route.LoaderArgs) {
  const { db, config } = context.get(runtimeContext)
  const band = await bandProfile(context.get(runtimeContext))
  const body = await concertsFeed(db, { bandName: band.name, timeZone: band.timeZone, siteUrl: config.siteUrl, now: new Date() })
  return calendarResponse(request, body, { audience: 'public', filename: 'concerts.ics' })
}

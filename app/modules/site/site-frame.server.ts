import { getBandProfile } from '#app/modules/settings/band-profile.server.ts'
import type { Runtime } from '#app/platform/runtime.server.ts'
import { listLatestPosts, listNavigationPages, listUpcomingPublicConcerts } from './queries.server.ts'

// Changes show within 10 s; the CMS issue adds `briefCache.forget()` on publish.
const FRESH_FOR_MS = 10_000

type Services = Pick<Runtime, 'db' | 'briefCache'>

/** What every page's frame shows: band name, time zone, navigation. */
export function getSiteFrame({ db, briefCache }: Services) {
  return briefCache.get('site-frame', FRESH_FOR_MS, async () => {
    const [band, navigation] = await Promise.all([getBandProfile(db), listNavigationPages(db)])
    return { band, navigation }
  })
}

/** The home page's lists: the next public concerts and the latest news. */
export function getHomeListings({ db, briefCache }: Services) {
  return briefCache.get('home-listings', FRESH_FOR_MS, async () => {
    const now = new Date()
    const [concerts, posts] = await Promise.all([
      listUpcomingPublicConcerts(db, { now, limit: 3 }),
      listLatestPosts(db, { now, limit: 3 }),
    ])
    return { concerts, posts }
  })
}

/** The band's profile (name, time zone) from the frame: no query on most requests. */
export async function bandProfile(services: Services) {
  return (await getSiteFrame(services)).band
}

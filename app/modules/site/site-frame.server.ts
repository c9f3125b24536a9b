import { getBandProfile } from '#app/modules/settings/band-profile.server.ts'
import { db } from '#server/runtime.server.ts'
import { briefCache } from './brief-cache.server.ts'
import { listLatestPosts, listNavigationPages, listUpcomingPublicConcerts } from './queries.server.ts'

// Changes made through this process show at once (`forget…`); other instances see them within 10 s.
const FRESH_FOR_MS = 10_000

/** What every page's frame shows: band name, time zone, navigation. */
const siteFrame = briefCache(FRESH_FOR_MS, async () => {
  const [band, navigation] = await Promise.all([getBandProfile(db()), listNavigationPages(db())])
  return { band, navigation }
})

/** The home page's lists: the next public concerts and the latest news. */
const homeListings = briefCache(FRESH_FOR_MS, async () => {
  const now = new Date()
  const [concerts, posts] = await Promise.all([
    listUpcomingPublicConcerts(db(), { now, limit: 3 }),
    listLatestPosts(db(), { now, limit: 3 }),
  ])
  return { concerts, posts }
})

export const getSiteFrame = siteFrame.get
export const forgetSiteFrame = siteFrame.forget
export const getHomeListings = homeListings.get
export const forgetHomeListings = homeListings.forget

import { getBandProfile } from '#app/modules/settings/band-profile.server.ts'
import { db } from '#server/runtime.server.ts'
import { listNavigationPages } from './queries.server.ts'

/**
 * What every page's frame shows (band name, time zone, navigation). It is the
 * same for every request, so each process keeps it for a few seconds instead
 * of asking the database on every page view. A change made through this
 * process shows at once (`forgetSiteFrame`); other instances see it within
 * `freshForMs`.
 */
const freshForMs = 10_000

type SiteFrame = {
  band: Awaited<ReturnType<typeof getBandProfile>>
  navigation: Awaited<ReturnType<typeof listNavigationPages>>
}

let cached: { value: Promise<SiteFrame>; expiresAt: number } | undefined

export function getSiteFrame(): Promise<SiteFrame> {
  const now = Date.now()
  if (!cached || cached.expiresAt <= now) {
    const value = Promise.all([getBandProfile(db()), listNavigationPages(db())]).then(([band, navigation]) => ({
      band,
      navigation,
    }))
    cached = { value, expiresAt: now + freshForMs }
    // A failed read (database away) is not kept: the next request tries again.
    value.catch(() => {
      if (cached?.value === value) cached = undefined
    })
  }
  return cached.value
}

export function forgetSiteFrame(): void {
  cached = undefined
}

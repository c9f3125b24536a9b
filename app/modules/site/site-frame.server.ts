import { getBandProfile } from '#app/modules/settings/band-profile.server.ts'
import { db, perRuntime } from '#server/runtime.server.ts'
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

const store = perRuntime((): { cached?: { value: Promise<SiteFrame>; expiresAt: number } } => ({}))

export function getSiteFrame(): Promise<SiteFrame> {
  const now = Date.now()
  const holder = store()
  let cached = holder.cached
  if (!cached || cached.expiresAt <= now) {
    const value = Promise.all([getBandProfile(db()), listNavigationPages(db())]).then(([band, navigation]) => ({
      band,
      navigation,
    }))
    cached = { value, expiresAt: now + freshForMs }
    holder.cached = cached
    // A failed read (database away) is not kept: the next request tries again.
    value.catch(() => {
      if (holder.cached?.value === value) holder.cached = undefined
    })
  }
  return cached.value
}

export function forgetSiteFrame(): void {
  store().cached = undefined
}

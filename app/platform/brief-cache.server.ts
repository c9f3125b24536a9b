/**
 * Public data that is the same for every visitor (band name, navigation, the
 * next concerts, the latest news) is kept per process for a few seconds
 * instead of being read on every page view (docs/decisions/004). A failed
 * read is not kept: the next request tries again. `forget()` drops the copy
 * at once, for changes made through this process. Each runtime owns one, so
 * two apps in one process (tests) never see each other's copies.
 */
export type BriefCache = {
  get<T>(key: string, freshForMs: number, load: () => Promise<T>): Promise<T>
  forget(key: string): void
}

export function createBriefCache(now: () => number = Date.now): BriefCache {
  const entries = new Map<string, { value: Promise<unknown>; expiresAt: number }>()
  return {
    get<T>(key: string, freshForMs: number, load: () => Promise<T>): Promise<T> {
      const at = now()
      const entry = entries.get(key)
      if (entry && entry.expiresAt > at) return entry.value as Promise<T>
      const value = load()
      entries.set(key, { value, expiresAt: at + freshForMs })
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key)
      })
      return value
    },
    forget(key) {
      entries.delete(key)
    },
  }
}

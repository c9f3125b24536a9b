import { perRuntime } from '#server/runtime.server.ts'

/**
 * Public data that is the same for every visitor (band name, navigation, the
 * next concerts, the latest news) is kept per process for a few seconds
 * instead of being read on every page view (docs/decisions/004). A failed
 * read is not kept: the next request tries again. `forget()` drops the copy
 * at once, for changes made through this process.
 */
export function briefCache<T>(freshForMs: number, load: () => Promise<T>) {
  const store = perRuntime((): { entry?: { value: Promise<T>; expiresAt: number } } => ({}))
  return {
    get(): Promise<T> {
      const holder = store()
      const now = Date.now()
      if (!holder.entry || holder.entry.expiresAt <= now) {
        const value = load()
        holder.entry = { value, expiresAt: now + freshForMs }
        value.catch(() => {
          if (holder.entry?.value === value) holder.entry = undefined
        })
      }
      return holder.entry.value
    },
    forget(): void {
      store().entry = undefined
    },
  }
}

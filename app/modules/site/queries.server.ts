import type { Db } from '#db/types.ts'

/** Published CMS pages that appear in the public navigation, in their order. */
export function listNavigationPages(db: Db) {
  return db
    .selectFrom('pages')
    .select(['slug', 'title'])
    .where('status', '=', 'published')
    .where('deleted_at', 'is', null)
    .where('show_in_navigation', '=', true)
    .orderBy('navigation_order')
    .orderBy('title')
    .execute()
}

/** Slugs are lower-case words joined by hyphens; anything else (a NUL byte, a path) names no page. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export async function getPublishedPage(db: Db, slug: string) {
  if (slug.length > 120 || !SLUG.test(slug)) return undefined
  return db
    .selectFrom('pages')
    .select(['slug', 'title', 'summary', 'body', 'updated_at'])
    .where('slug', '=', slug)
    .where('status', '=', 'published')
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

export function listUpcomingPublicConcerts(db: Db, options: { now: Date; limit: number }) {
  return db
    .selectFrom('events')
    .leftJoin('venues', 'venues.id', 'events.venue_id')
    .select(['events.slug', 'events.title', 'events.starts_at', 'events.description', 'venues.name as venue_name', 'venues.city as venue_city'])
    .where('events.kind', '=', 'concert')
    .where('events.is_public', '=', true)
    .where('events.status', '=', 'scheduled')
    .where('events.deleted_at', 'is', null)
    .where('events.starts_at', '>=', options.now)
    .orderBy('events.starts_at')
    .limit(options.limit)
    .execute()
}

export function listLatestPosts(db: Db, options: { now: Date; limit: number }) {
  return db
    .selectFrom('posts')
    .select(['slug', 'title', 'summary', 'published_at'])
    .where('status', '=', 'published')
    .where('deleted_at', 'is', null)
    .where('published_at', '<=', options.now)
    .orderBy('published_at', 'desc')
    .limit(options.limit)
    .execute()
}

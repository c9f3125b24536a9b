import { formatEventDate, formatPublishedDate } from '#app/modules/site/dates.ts'
import { getHomeListings } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/_public._index'

export async function loader({ context }: Route.LoaderArgs) {
  return getHomeListings(context.get(runtimeContext))
}

export const meta: Route.MetaFunction = ({ matches }) => {
  const band = matches[0]?.loaderData?.band
  return [{ title: band?.name ?? 'Community Band' }, { name: 'description', content: band?.tagline ?? '' }]
}

export default function Home({ loaderData, matches }: Route.ComponentProps) {
  const { concerts, posts } = loaderData
  // The band's name and time zone come with the root route's data.
  const band = matches[0].loaderData.band
  return (
    <div className="space-y-12">
      <section aria-labelledby="welcome" className="rounded-xl bg-brand-50 px-6 py-10">
        <h1 id="welcome" className="text-4xl font-bold tracking-tight text-brand-900">
          {band.name}
        </h1>
        {band.tagline ? <p className="mt-3 max-w-2xl text-lg text-stone-800">{band.tagline}</p> : null}
      </section>

      <section aria-labelledby="upcoming-concerts">
        <h2 id="upcoming-concerts" className="text-2xl font-semibold">
          Upcoming concerts
        </h2>
        {concerts.length === 0 ? (
          <p className="mt-3 text-stone-700">No concerts are announced yet. Check back soon.</p>
        ) : (
          <ul className="mt-4 grid gap-4 md:grid-cols-3">
            {concerts.map((concert) => (
              <li key={concert.slug ?? concert.title} className="rounded-lg border border-stone-200 bg-white p-4">
                <h3 className="font-semibold">{concert.title}</h3>
                <p className="mt-1 text-sm text-stone-700">
                  <time dateTime={concert.starts_at.toISOString()}>{formatEventDate(concert.starts_at, band.timeZone)}</time>
                </p>
                {concert.venue_name ? (
                  <p className="text-sm text-stone-700">
                    {concert.venue_name}
                    {concert.venue_city ? `, ${concert.venue_city}` : ''}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="latest-news">
        <h2 id="latest-news" className="text-2xl font-semibold">
          Latest news
        </h2>
        {posts.length === 0 ? (
          <p className="mt-3 text-stone-700">No news yet.</p>
        ) : (
          <ul className="mt-4 space-y-4">
            {posts.map((post) => (
              <li key={post.slug}>
                <article>
                  <h3 className="font-semibold">{post.title}</h3>
                  {post.published_at ? (
                    <p className="text-sm text-stone-700">
                      <time dateTime={post.published_at.toISOString()}>{formatPublishedDate(post.published_at, band.timeZone)}</time>
                    </p>
                  ) : null}
                  {post.summary ? <p className="mt-1">{post.summary}</p> : null}
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}

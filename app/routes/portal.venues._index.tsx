import { href, Link } from 'react-router'
import { z } from 'zod'
import { primaryButton } from '#app/components/schedule-fields.tsx'
import { listVenues } from '#app/modules/events/venues.server.ts'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/portal.venues._index'

export const meta: Route.MetaFunction = () => [{ title: 'Venues' }]

const PAGE_SIZE = 25

const VenueQuery = z.object({
  afterName: z.string().max(200).optional().catch(undefined),
  afterId: z.uuid().optional().catch(undefined),
})

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'event.edit')
  const { db } = args.context.get(runtimeContext)
  const query = VenueQuery.parse(Object.fromEntries(new URL(args.request.url).searchParams))
  const after = query.afterName !== undefined && query.afterId ? { name: query.afterName, id: query.afterId } : undefined
  const venues = await listVenues(db, { after, limit: PAGE_SIZE + 1, now: new Date() })
  const last = venues[PAGE_SIZE - 1]
  return {
    venues: venues.slice(0, PAGE_SIZE),
    next: venues.length > PAGE_SIZE && last ? { afterName: last.name, afterId: last.id } : null,
    paged: after !== undefined,
  }
}

export default function Venues({ loaderData }: Route.ComponentProps) {
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-2">
          <h1 className="text-3xl font-bold tracking-tight">Venues</h1>
          <p className="text-stone-700">Where the band rehearses and plays. Members see the address and the map link on each event.</p>
        </div>
        <Link to={href('/portal/venues/new')} className={primaryButton}>
          New venue
        </Link>
      </header>
      {loaderData.venues.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          {loaderData.paged ? 'No more venues.' : 'No venues yet. Add the rehearsal hall first.'}
        </p>
      ) : (
        <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
          {loaderData.venues.map((venue) => (
            <li key={venue.id} className="space-y-1 p-4">
              <p className="flex flex-wrap items-baseline gap-x-3">
                <Link to={href('/portal/venues/:venueId', { venueId: venue.id })} className="text-lg font-semibold text-brand-800 underline">
                  {venue.name}
                </Link>
                <span className="text-sm text-stone-700">
                  {venue.upcomingEvents ? `${venue.upcomingEvents} event${venue.upcomingEvents === 1 ? '' : 's'} coming up` : 'Nothing coming up'}
                </span>
              </p>
              <p className="text-stone-700">{[venue.address, venue.city, venue.postcode].filter(Boolean).join(', ') || 'No address yet'}</p>
            </li>
          ))}
        </ul>
      )}
      {loaderData.next ? (
        <p>
          <Link className="inline-flex min-h-11 items-center text-brand-800 underline" to={`?${new URLSearchParams(loaderData.next)}`}>
            More venues
          </Link>
        </p>
      ) : null}
    </div>
  )
}

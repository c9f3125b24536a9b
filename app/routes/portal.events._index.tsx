import { Form, href, Link } from 'react-router'
import { z } from 'zod'
import { AnswerBadge } from '#app/components/rsvp.tsx'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { listEvents } from '#app/modules/events/queries.server.ts'
import { myAnswers } from '#app/modules/events/rsvp.server.ts'
import { listSeries } from '#app/modules/events/series.server.ts'
import { WEEKDAYS } from '#app/modules/events/local-time.ts'
import { EVENT_KINDS } from '#app/modules/events/schema.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate, formatTimeOfDay } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/portal.events._index'

export const meta: Route.MetaFunction = () => [{ title: 'Schedule' }]

const PAGE_SIZE = 20

const ScheduleQuery = z.object({
  when: z.enum(['upcoming', 'past']).catch('upcoming'),
  kind: z.enum(EVENT_KINDS).optional().catch(undefined),
  afterAt: z.iso.datetime().optional().catch(undefined),
  afterId: z.uuid().optional().catch(undefined),
})

const KIND_LABELS: Record<(typeof EVENT_KINDS)[number], string> = {
  rehearsal: 'Rehearsals',
  sectional: 'Sectionals',
  concert: 'Concerts',
  other: 'Other',
}

export async function loader(args: Route.LoaderArgs) {
  const user = requirePermission(args, 'event.view')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const query = ScheduleQuery.parse(Object.fromEntries(new URL(args.request.url).searchParams))
  const after = query.afterAt && query.afterId ? { startsAt: new Date(query.afterAt), id: query.afterId } : undefined
  const mayCreate = can(user.grants, 'event.create')
  const [events, band, series] = await Promise.all([
    listEvents(db, { when: query.when, kind: query.kind, after, now: new Date(), limit: PAGE_SIZE + 1 }),
    bandProfile(runtime),
    mayCreate ? listSeries(db, { limit: 10 }) : Promise.resolve([]),
  ])
  const last = events[PAGE_SIZE - 1]
  const shown = events.slice(0, PAGE_SIZE)
  // The member's own answer (or "Away") beside each event they are expected at.
  const answers = user.memberId ? await myAnswers(db, { memberId: user.memberId, eventIds: shown.map((event) => event.id), timeZone: band.timeZone }) : undefined
  return {
    when: query.when,
    kind: query.kind ?? null,
    timeZone: band.timeZone,
    mayCreate,
    series,
    // Past events show only an answer actually given: "no answer yet" is no news afterwards.
    events: shown.map((event) => {
      const mine = answers?.get(event.id) ?? null
      return { ...event, mine: mine && (query.when === 'upcoming' || mine.answer) ? mine : null }
    }),
    next:
      events.length > PAGE_SIZE && last
        ? { when: query.when, ...(query.kind ? { kind: query.kind } : {}), afterAt: last.startsAt.toISOString(), afterId: last.id }
        : null,
  }
}

export default function Schedule({ loaderData }: Route.ComponentProps) {
  const { when, kind, timeZone } = loaderData
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Schedule</h1>
        <p className="text-stone-700">Rehearsals, sectionals and concerts, in the band’s time ({timeZone}).</p>
        {loaderData.mayCreate ? (
          <p className="flex flex-wrap gap-3">
            <Link to={href('/portal/events/new')} className="inline-flex min-h-11 items-center rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">New event</Link>
            <Link to={href('/portal/events/series/new')} className="inline-flex min-h-11 items-center rounded border border-stone-400 bg-white px-4 py-2 font-semibold hover:bg-stone-100">New series</Link>
          </p>
        ) : null}
        {loaderData.series.length ? (
          <nav aria-label="Weekly series" className="flex flex-wrap items-center gap-x-3 text-stone-700">
            <span className="font-semibold">Weekly series:</span>
            {loaderData.series.map((item) => (
              <Link key={item.id} to={href('/portal/events/series/:seriesId', { seriesId: item.id })} className="inline-flex min-h-11 items-center text-brand-800 underline">
                {item.title}, {WEEKDAYS[item.weekday]}s {item.startTime} ({item.startsOn} to {item.endsOn})
              </Link>
            ))}
          </nav>
        ) : null}
      </header>

      <Form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4">
        <div className="space-y-1">
          <label htmlFor="when" className="block text-sm font-medium">Show</label>
          <select id="when" name="when" defaultValue={when} className="block min-h-11 rounded border border-stone-400 bg-white px-3 py-2">
            <option value="upcoming">Coming up</option>
            <option value="past">Past</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="kind" className="block text-sm font-medium">Kind</label>
          <select id="kind" name="kind" defaultValue={kind ?? ''} className="block min-h-11 rounded border border-stone-400 bg-white px-3 py-2">
            <option value="">Everything</option>
            {EVENT_KINDS.map((value) => (
              <option key={value} value={value}>
                {KIND_LABELS[value]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="min-h-11 rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">
          Show
        </button>
      </Form>

      {loaderData.events.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          {when === 'upcoming' ? 'Nothing is scheduled yet.' : 'No past events.'}
        </p>
      ) : (
        <ol className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
          {loaderData.events.map((event) => (
            <li key={event.id} className="p-4">
              <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <Link to={href('/portal/events/:eventId', { eventId: event.id })} className="text-lg font-semibold text-brand-800 underline">
                  {event.title}
                </Link>
                <span className="rounded-full bg-stone-100 px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wide text-stone-700">{event.kind}</span>
                {event.status === 'cancelled' ? (
                  <span className="rounded-full bg-red-100 px-2.5 py-0.5 text-xs font-semibold text-red-900">{event.cancelReason ? `Cancelled: ${event.cancelReason}` : 'Cancelled'}</span>
                ) : event.mine ? (
                  <AnswerBadge answer={event.mine.answer} away={event.mine.away} />
                ) : null}
              </p>
              <p className="text-stone-700">
                <time dateTime={new Date(event.startsAt).toISOString()}>{formatEventDate(new Date(event.startsAt), timeZone)}</time>
                {' – '}
                {formatTimeOfDay(new Date(event.endsAt), timeZone)}
                {event.venueName ? ` · ${event.venueName}` : ''}
              </p>
            </li>
          ))}
        </ol>
      )}
      {loaderData.next ? (
        <p>
          <Link className="text-brand-800 underline" to={`?${new URLSearchParams(loaderData.next)}`}>
            {when === 'upcoming' ? 'Later events' : 'Earlier events'}
          </Link>
        </p>
      ) : null}
    </div>
  )
}

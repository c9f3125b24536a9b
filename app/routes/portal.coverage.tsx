import { href, Link } from 'react-router'
import { listUpcomingCoverage } from '#app/modules/events/coverage.server.ts'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/portal.coverage'

export const meta: Route.MetaFunction = () => [{ title: 'Coverage' }]

const WEEKS_AHEAD = 8
// Eight weeks of a weekly rehearsal, sectionals and concerts fit well inside this.
const MAX_EVENTS = 60

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'member.view.all')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const band = await bandProfile(runtime)
  const now = new Date()
  const until = new Date(now.getTime() + WEEKS_AHEAD * 7 * 24 * 60 * 60 * 1000)
  const events = await listUpcomingCoverage(db, { now, until, timeZone: band.timeZone, limit: MAX_EVENTS })
  return { events, timeZone: band.timeZone }
}

export default function CoverageOverview({ loaderData }: Route.ComponentProps) {
  const { events, timeZone } = loaderData
  return (
    <div className="max-w-4xl space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Coverage</h1>
        <p className="text-stone-700">
          The next {WEEKS_AHEAD} weeks: who has answered, and which parts on each set list nobody is going to play.
        </p>
      </header>
      {events.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          Nothing is scheduled in the next {WEEKS_AHEAD} weeks.{' '}
          <Link to={href('/portal/events')} className="text-brand-800 underline">See the whole schedule</Link>.
        </p>
      ) : (
        <ol className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
          {events.map((event) => (
            <li key={event.id} className="space-y-2 p-4">
              <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <Link
                  to={href('/portal/events/:eventId/coverage', { eventId: event.id })}
                  className="text-lg font-semibold text-brand-800 underline"
                >
                  {event.title}
                </Link>
                <span className="rounded-full bg-stone-100 px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wide text-stone-700">{event.kind}</span>
              </p>
              <p className="text-stone-700">
                <time dateTime={new Date(event.startsAt).toISOString()}>{formatEventDate(new Date(event.startsAt), timeZone)}</time>
                {event.venueName ? ` · ${event.venueName}` : ''}
              </p>
              <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                <span><strong className="tabular-nums">{event.counts.going}</strong> going</span>
                <span><strong className="tabular-nums">{event.counts.not_going}</strong> not going</span>
                <span><strong className="tabular-nums">{event.counts.maybe}</strong> maybe</span>
                <span><strong className="tabular-nums">{event.counts.none}</strong> no answer</span>
              </p>
              <p className="text-sm">
                {event.parts === 0 ? (
                  <span className="text-stone-700">No parts on the set list.</span>
                ) : event.uncovered > 0 ? (
                  <span className="rounded bg-red-100 px-2 py-0.5 font-semibold text-red-900">
                    {event.uncovered} of {event.parts} {event.parts === 1 ? 'part' : 'parts'} uncovered
                  </span>
                ) : (
                  <span className="rounded bg-green-100 px-2 py-0.5 font-semibold text-green-900">All {event.parts} parts covered</span>
                )}
                {event.onlyMaybe > 0 ? <span className="ml-2 text-amber-900">{event.onlyMaybe} only maybe</span> : null}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

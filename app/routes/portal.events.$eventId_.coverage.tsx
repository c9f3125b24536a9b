import { href, Link } from 'react-router'
import { answerLabel, answerTone } from '#app/modules/events/answer-labels.ts'
import { COUNT_COLUMNS } from '#app/modules/events/rsvp-schema.ts'
import { getEventCoverage, type PieceCoverage } from '#app/modules/events/coverage.server.ts'
import { getEvent } from '#app/modules/events/queries.server.ts'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import type { Route } from './+types/portal.events.$eventId_.coverage'
import { BackLink } from '#app/components/back-link.tsx'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Coverage: ${loaderData.event.title}` : 'Coverage' }]

export async function loader(args: Route.LoaderArgs) {
  // Directors see everyone's answers: member.view.all.
  requirePermission(args, 'member.view.all')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const [event, band] = await Promise.all([getEvent(db, args.params.eventId), bandProfile(runtime)])
  if (!event) notFound('There is no such event. It may have been removed.')
  const coverage = await getEventCoverage(db, event.id, band.timeZone)
  return { event: { id: event.id, title: event.title, kind: event.kind, startsAt: event.startsAt, status: event.status }, timeZone: band.timeZone, ...coverage }
}

function PieceParts({ piece }: { piece: PieceCoverage }) {
  const problems = piece.parts.filter((part) => part.state !== 'covered')
  const captionId = `piece-${piece.position}`
  return (
    <div className="space-y-2 rounded-lg border border-stone-200 bg-white p-3">
      <h3 className="font-semibold">
        {piece.position}. {piece.title}
      </h3>
      {problems.length === 0 ? (
        <p className="text-sm font-medium text-green-900">All {piece.parts.length} parts have someone going.</p>
      ) : (
        <ul aria-label={`Missing parts in ${piece.title}`} className="flex flex-wrap gap-1.5 text-sm">
          {problems.map((part) => (
            <li key={part.partId} className={`rounded px-2 py-0.5 font-semibold ${part.state === 'nobody' ? 'bg-red-100 text-red-900' : 'bg-amber-100 text-amber-900'}`}>
              {`${part.label}: ${part.state === 'nobody' ? 'nobody' : 'only maybe'}`}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary className="inline-flex min-h-11 cursor-pointer items-center text-brand-800 underline">
          All {piece.parts.length} parts and who plays them
        </summary>
        <div role="region" aria-labelledby={captionId} tabIndex={0} className="mt-2 overflow-x-auto">
          <table className="w-full min-w-72 text-left text-sm">
            <caption id={captionId} className="sr-only">
              Parts of {piece.title}
            </caption>
            <thead className="border-b border-stone-200 text-stone-700">
              <tr>
                <th scope="col" className="px-2 py-2">Part</th>
                <th scope="col" className="px-2 py-2">Going</th>
                <th scope="col" className="px-2 py-2">Maybe</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {piece.parts.map((part) => (
                <tr key={part.partId} className={part.state === 'nobody' ? 'bg-red-50' : part.state === 'maybe' ? 'bg-amber-50' : undefined}>
                  <th scope="row" className="px-2 py-1.5 font-medium">{part.label}</th>
                  <td className="px-2 py-1.5">{part.going.length ? part.going.join(', ') : part.state === 'nobody' ? 'nobody' : '—'}</td>
                  <td className="px-2 py-1.5">{part.maybe.length ? part.maybe.join(', ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  )
}

export default function EventCoverage({ loaderData }: Route.ComponentProps) {
  const { event, timeZone, sections, totals, pieces, warnings } = loaderData
  const eventLink = href('/portal/events/:eventId', { eventId: event.id })
  return (
    <article className="max-w-4xl space-y-8">
      <p className="flex flex-wrap gap-x-6 gap-y-2">
        <BackLink to={href('/portal/coverage')}>All coverage</BackLink>
        <Link to={eventLink} className="inline-flex min-h-11 items-center font-medium text-brand-800 underline">
          Event details
        </Link>
      </p>
      <header className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-stone-600">Coverage · {event.kind}</p>
        <h1 className="text-3xl font-bold tracking-tight">{event.title}</h1>
        <p className="text-stone-700">
          <time dateTime={new Date(event.startsAt).toISOString()}>{formatEventDate(new Date(event.startsAt), timeZone)}</time>
        </p>
        {event.status === 'cancelled' ? (
          <p role="status" className="rounded border border-red-300 bg-red-50 px-3 py-2 font-semibold text-red-900">
            This event is cancelled.
          </p>
        ) : null}
      </header>

      <section aria-labelledby="totals-heading" className="space-y-3">
        <h2 id="totals-heading" className="text-xl font-semibold">Answers</h2>
        <ul className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          {COUNT_COLUMNS.map(([key, label]) => (
            <li key={key} className="rounded-lg border border-stone-200 bg-white p-3">
              <span className="block text-2xl font-bold">{totals[key]}</span>
              <span className="text-sm text-stone-700">{label}</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="parts-heading" className="space-y-3">
        <h2 id="parts-heading" className="text-xl font-semibold">Parts on the set list</h2>
        {pieces.length === 0 ? (
          <p className="rounded-lg border border-dashed border-stone-300 bg-white p-4 text-stone-700">
            No pieces with parts on the set list yet, so there are no parts to cover.
          </p>
        ) : warnings.length === 0 ? (
          <p className="rounded border border-green-300 bg-green-50 px-4 py-3 font-medium text-green-900">Every part has someone going.</p>
        ) : (
          <p className="rounded border border-red-300 bg-red-50 px-4 py-3 font-semibold text-red-900">
            {warnings.length} {warnings.length === 1 ? 'part needs' : 'parts need'} a player.
          </p>
        )}
        <ol className="space-y-3">
          {pieces.map((piece) => (
            <li key={`${piece.position}:${piece.pieceId}`}>
              <PieceParts piece={piece} />
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="sections-heading" className="space-y-3">
        <h2 id="sections-heading" className="text-xl font-semibold">By section</h2>
        {sections.length === 0 ? (
          <p className="rounded-lg border border-dashed border-stone-300 bg-white p-4 text-stone-700">Nobody is expected at this event.</p>
        ) : (
          <>
            <div role="region" aria-labelledby="section-totals" tabIndex={0} className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
              <table className="w-full min-w-80 text-left text-sm">
                <caption id="section-totals" className="px-3 pt-3 text-left text-base font-semibold">Section totals</caption>
                <thead className="border-b border-stone-200 text-stone-700">
                  <tr>
                    <th scope="col" className="px-3 py-2">Section</th>
                    {COUNT_COLUMNS.map(([key, label]) => (
                      <th key={key} scope="col" className="px-2 py-2 text-right">{label}</th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-stone-100">
                  {sections.map((section) => (
                    <tr key={section.sectionId ?? 'none'}>
                      <th scope="row" className="px-3 py-2 font-medium">
                        <a href={`#section-${section.sectionId ?? 'none'}`} className="text-brand-800 underline">{section.sectionName}</a>
                      </th>
                      {COUNT_COLUMNS.map(([key]) => (
                        <td key={key} className="px-2 py-2 text-right tabular-nums">{section.counts[key]}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {sections.map((section) => (
              <div key={section.sectionId ?? 'none'} id={`section-${section.sectionId ?? 'none'}`} role="region" aria-labelledby={`section-caption-${section.sectionId ?? 'none'}`} tabIndex={0} className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
                <table className="w-full min-w-80 text-left text-sm">
                  <caption id={`section-caption-${section.sectionId ?? 'none'}`} className="px-3 pt-3 text-left">
                    <span className="text-base font-semibold">{section.sectionName}</span>{' '}
                    <span className="text-stone-700">
                      · {section.counts.going} going · {section.counts.not_going} not going · {section.counts.maybe} maybe · {section.counts.none} no answer
                    </span>
                  </caption>
                  <thead className="border-b border-stone-200 text-stone-700">
                    <tr>
                      <th scope="col" className="px-3 py-2">Player</th>
                      <th scope="col" className="px-3 py-2">Instrument</th>
                      <th scope="col" className="px-3 py-2">Answer</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-stone-100">
                    {section.players.map((player) => (
                      <tr key={player.memberId}>
                        <th scope="row" className="px-3 py-1.5 font-medium">
                          {player.name}
                          {player.kind !== 'member' ? <span className="ml-1 text-xs font-normal text-stone-600">({player.kind})</span> : null}
                        </th>
                        <td className="px-3 py-2">
                          {player.instrumentName ?? '—'}
                          {player.chair ? ` ${player.chair}` : ''}
                        </td>
                        <td className="px-3 py-2">
                          <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${answerTone(player)}`}>{answerLabel(player)}</span>
                          {player.note ? <span className="block text-xs text-stone-700">“{player.note}”</span> : null}
                          {player.away && player.awayReason ? <span className="block text-xs text-stone-700">Away: {player.awayReason}</span> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </>
        )}
      </section>
    </article>
  )
}

import { parseWithZod } from '@conform-to/zod/v4'
import { data, href } from 'react-router'
import { AnswerCountsTable, OwnParts, RsvpPanel } from '#app/components/event-rsvp.tsx'
import { ManageLinks, type ManageRights } from '#app/components/manage-links.tsx'
import { attendanceReach, bandDate, reachesAnyone } from '#app/modules/events/attendance-schema.ts'
import { answerCountsFor, ownPartsFor } from '#app/modules/events/event-answers.server.ts'
import { getEvent } from '#app/modules/events/queries.server.ts'
import { RsvpSchema } from '#app/modules/events/rsvp-schema.ts'
import { answerRsvp, answersCloseAt, answersForSomeoneElse, getRsvpTarget, REFUSAL_MESSAGES, refusalStatus, rsvpRefusal, savedMessage } from '#app/modules/events/rsvp.server.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate, formatTimeOfDay } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.events.$eventId'
import { BackLink } from '#app/components/back-link.tsx'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData?.event.title ?? 'Event' }]

export async function loader(args: Route.LoaderArgs) {
  const user = requirePermission(args, 'event.view')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const [event, band] = await Promise.all([getEvent(db, args.params.eventId), bandProfile(runtime)])
  if (!event) notFound('There is no such event. It may have been removed.')
  const { memberId } = user
  const [target, counts, parts] = await Promise.all([
    memberId ? getRsvpTarget(db, { eventId: event.id, memberId, timeZone: band.timeZone }) : undefined,
    answerCountsFor(db, { eventId: event.id, timeZone: band.timeZone, grants: user.grants }),
    memberId ? ownPartsFor(db, { eventId: event.id, memberId }) : [],
  ])
  const refusal = target ? rsvpRefusal(target, new Date()) : null
  const rsvp =
    target?.expected
      ? {
          answer: target.answer,
          note: target.note,
          away: Boolean(target.away),
          closedBecause: refusal ? REFUSAL_MESSAGES[refusal] : null,
          closesAt: formatEventDate(answersCloseAt(target), band.timeZone),
        }
      : null
  // Directors and librarians: links to change the event (the "Manage" list).
  const started = new Date(event.startsAt).getTime() <= Date.now() || bandDate(new Date(event.startsAt), band.timeZone) === bandDate(new Date(), band.timeZone)
  const manage: ManageRights = {
    edit: can(user.grants, 'event.edit'),
    setList: can(user.grants, 'setlist.edit'),
    coverage: can(user.grants, 'member.view.all'),
    // Attendance is taken from the day of the event on.
    attendance: started && event.status !== 'cancelled' && reachesAnyone(attendanceReach(user.grants)),
  }
  return { event, timeZone: band.timeZone, manage, rsvp, hasMember: Boolean(memberId), counts, parts }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'rsvp.respond')
  const runtime = args.context.get(runtimeContext)
  const formData = await args.request.formData()
  const submission = parseWithZod(formData, { schema: RsvpSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  // The member is the signed-in account's own record; a member id in the form is refused, never used.
  if (!user.memberId || answersForSomeoneElse(formData, user.memberId)) {
    return data({ result: submission.reply({ formErrors: ['You can only answer for yourself.'] }) }, { status: 403 })
  }
  const band = await bandProfile(runtime)
  const outcome = await answerRsvp(runtime.db, {
    memberId: user.memberId,
    eventId: args.params.eventId,
    answer: submission.value.answer,
    note: submission.value.note,
    via: 'portal',
    timeZone: band.timeZone,
    audit: auditContextOf(args, user),
  })
  if (outcome.kind === 'refused') {
    return data({ result: submission.reply({ formErrors: [outcome.message] }) }, { status: refusalStatus(outcome.reason) })
  }
  return redirectWithToast(runtime, href('/portal/events/:eventId', { eventId: args.params.eventId }), savedMessage(outcome, band.timeZone))
}

export default function EventPage({ loaderData, actionData }: Route.ComponentProps) {
  const { event, timeZone } = loaderData
  const startsAt = new Date(event.startsAt)
  const address = [event.venueAddress, event.venuePostcode, event.venueCity].filter(Boolean).join(', ')
  const mapQuery = [event.venueName, address].filter(Boolean).join(', ')
  return (
    <article className="max-w-3xl space-y-6">
      <p>
        <BackLink to={href('/portal/events')}>Schedule</BackLink>
      </p>
      <header className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-stone-600">
          {event.kind}
          {event.sectionName ? ` · ${event.sectionName}` : ''}
        </p>
        <h1 className="text-3xl font-bold tracking-tight">{event.title}</h1>
        {event.status === 'cancelled' ? (
          <p role="status" className="rounded border border-red-300 bg-red-50 px-3 py-2 font-semibold text-red-900">
            {event.cancelReason ? `Cancelled: ${event.cancelReason}` : 'This event is cancelled.'}
          </p>
        ) : null}
      </header>

      {Object.values(loaderData.manage).some(Boolean) ? <ManageLinks eventId={event.id} seriesId={event.seriesId} cancelled={event.status === 'cancelled'} {...loaderData.manage} /> : null}

      <dl className="grid gap-x-6 gap-y-2 rounded-lg border border-stone-200 bg-white p-5 sm:grid-cols-[auto_1fr]">
        <dt className="font-semibold">When</dt>
        <dd>
          <time dateTime={startsAt.toISOString()}>{formatEventDate(startsAt, timeZone)}</time> – {formatTimeOfDay(new Date(event.endsAt), timeZone)}
        </dd>
        {event.callTime ? (
          <>
            <dt className="font-semibold">Call time</dt>
            <dd>{formatTimeOfDay(new Date(event.callTime), timeZone)}</dd>
          </>
        ) : null}
        {event.venueName ? (
          <>
            <dt className="font-semibold">Where</dt>
            <dd>
              {event.venueName}
              {address ? `, ${address}` : ''}{' '}
              <a className="text-brand-800 underline" href={event.venueMapUrl ?? `https://www.openstreetmap.org/search?${new URLSearchParams({ query: mapQuery })}`}>
                Map
              </a>
            </dd>
          </>
        ) : null}
        {event.dress ? (
          <>
            <dt className="font-semibold">Dress</dt>
            <dd>{event.dress}</dd>
          </>
        ) : null}
      </dl>

      <RsvpPanel rsvp={loaderData.rsvp} hasMember={loaderData.hasMember} lastResult={actionData?.result} />

      {event.description ? <p className="whitespace-pre-line">{event.description}</p> : null}

      <section aria-labelledby="set-list" className="space-y-3">
        <h2 id="set-list" className="text-xl font-semibold">
          Set list
        </h2>
        {event.setList.length === 0 ? (
          <p className="text-stone-700">No pieces on the set list yet.</p>
        ) : (
          <ol className="list-decimal space-y-1 rounded-lg border border-stone-200 bg-white py-4 pl-10 pr-4">
            {event.setList.map((item) => (
              <li key={item.position}>
                <span className="font-medium">{item.title}</span>
                {item.composer ? <span className="text-stone-700"> — {item.composer}</span> : null}
                {item.notes ? <span className="block text-sm text-stone-600">{item.notes}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      <OwnParts parts={loaderData.parts} hasSetList={event.setList.length > 0} />
      {loaderData.counts ? <AnswerCountsTable counts={loaderData.counts} /> : null}
    </article>
  )
}

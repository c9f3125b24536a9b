import { parseWithZod } from '@conform-to/zod/v4'
import { data, href, Link } from 'react-router'
import { FormAlert } from '#app/components/forms.tsx'
import { AnswerBadge, OneTapAnswers } from '#app/components/rsvp.tsx'
import { getMemberGreeting, nextEventsFor } from '#app/modules/events/member-schedule.server.ts'
import { QuickRsvpSchema } from '#app/modules/events/rsvp-schema.ts'
import { answerRsvp, answersForSomeoneElse, REFUSAL_MESSAGES, refusalStatus, savedMessage } from '#app/modules/events/rsvp.server.ts'
import { auditContextOf, requirePermission, requireUser } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate, formatTimeOfDay } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal._index'

export const meta: Route.MetaFunction = () => [{ title: 'Members’ portal' }]

const NEXT_EVENTS = 6

export async function loader(args: Route.LoaderArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const band = await bandProfile(runtime)
  const firstName = user.displayName.split(' ')[0] || user.displayName
  const member = user.memberId ? await getMemberGreeting(db, user.memberId) : undefined
  if (!member) return { firstName, member: false as const, timeZone: band.timeZone, events: [] }
  const events = await nextEventsFor(db, { memberId: member.id, timeZone: band.timeZone, now: new Date(), limit: NEXT_EVENTS })
  return { firstName: member.firstName, member: true as const, timeZone: band.timeZone, events }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'rsvp.respond')
  const runtime = args.context.get(runtimeContext)
  const formData = await args.request.formData()
  const submission = parseWithZod(formData, { schema: QuickRsvpSchema })
  if (submission.status !== 'success') return data({ message: 'Choose Going, Not going or Maybe for one of your events.' }, { status: 400 })
  // The member is always the signed-in account's own record, never a form field.
  if (!user.memberId) return data({ message: REFUSAL_MESSAGES['not-expected'] }, { status: 403 })
  if (answersForSomeoneElse(formData, user.memberId)) return data({ message: 'You can only answer for yourself.' }, { status: 403 })
  const band = await bandProfile(runtime)
  const outcome = await answerRsvp(runtime.db, {
    memberId: user.memberId,
    eventId: submission.value.eventId,
    answer: submission.value.answer,
    via: 'portal',
    timeZone: band.timeZone,
    audit: auditContextOf(args, user),
  })
  if (outcome.kind === 'refused') return data({ message: outcome.message }, { status: refusalStatus(outcome.reason) })
  return redirectWithToast(runtime, href('/portal'), savedMessage(outcome, band.timeZone))
}

export default function PortalHome({ loaderData, actionData }: Route.ComponentProps) {
  const { timeZone, events } = loaderData
  return (
    <div className="max-w-3xl space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">{`Hello, ${loaderData.firstName}`}</h1>
        {loaderData.member ? <p className="text-stone-700">Your next rehearsals and concerts. Tap your answer; you can change it until the RSVP deadline.</p> : null}
      </header>
      {actionData ? <FormAlert>{actionData.message}</FormAlert> : null}

      {!loaderData.member ? (
        <p className="rounded-lg border border-stone-200 bg-white p-5">
          Your account is not linked to a player on the band’s roster, so there is nothing for you to answer here. You can still read the{' '}
          <Link className="text-brand-800 underline" to={href('/portal/events')}>
            schedule
          </Link>
          .
        </p>
      ) : (
        <section aria-labelledby="next-events" className="space-y-3">
          <h2 id="next-events" className="text-xl font-semibold">
            Coming up for you
          </h2>
          {events.length === 0 ? (
            <p className="rounded-lg border border-dashed border-stone-300 bg-white p-5 text-stone-700">
              Nothing is scheduled for you yet. New rehearsals and concerts will show here.
            </p>
          ) : (
            <ol className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
              {events.map((event) => {
                const startsAt = new Date(event.startsAt)
                return (
                  <li key={event.id} className="space-y-2 p-4">
                    <h3 className="text-lg font-semibold">
                      <Link to={href('/portal/events/:eventId', { eventId: event.id })} className="text-brand-800 underline">
                        {event.title}
                      </Link>
                    </h3>
                    <p className="text-stone-700">
                      {/* "Rehearsal · …" only where the title does not already say it. */}
                      {event.title.toLowerCase().includes(event.kind) ? null : <span className="font-medium capitalize">{`${event.kind} · `}</span>}
                      <time dateTime={startsAt.toISOString()}>{formatEventDate(startsAt, timeZone)}</time>
                      {' – '}
                      {formatTimeOfDay(new Date(event.endsAt), timeZone)}
                      {event.venueName ? ` · ${event.venueName}` : ''}
                    </p>
                    {event.refusal === 'cancelled' ? (
                      <p className="font-semibold text-red-900">{event.cancelReason ? `Cancelled: ${event.cancelReason}` : 'Cancelled'}</p>
                    ) : (
                      <>
                        <p>
                          <AnswerBadge answer={event.answer} away={event.away} />
                          {event.note ? <span className="ml-1 text-sm text-stone-700">{` “${event.note}”`}</span> : null}
                        </p>
                        {event.refusal === null ? (
                          <OneTapAnswers eventId={event.id} answer={event.answer} action={`${href('/portal')}?index`} label={`Your answer for ${event.title}, ${formatEventDate(startsAt, timeZone)}`} />
                        ) : (
                          <p className="text-sm text-stone-700">Answers are closed.</p>
                        )}
                      </>
                    )}
                  </li>
                )
              })}
            </ol>
          )}
        </section>
      )}

      <nav aria-label="More in the portal">
        <ul className="flex flex-wrap gap-x-6 gap-y-2">
          <li>
            <Link className="inline-flex min-h-11 items-center text-brand-800 underline" to={href('/portal/events')}>
              Whole schedule
            </Link>
          </li>
          {loaderData.member ? (
            <li>
              <Link className="inline-flex min-h-11 items-center text-brand-800 underline" to={href('/portal/availability')}>
                Dates you are away
              </Link>
            </li>
          ) : null}
        </ul>
      </nav>
    </div>
  )
}

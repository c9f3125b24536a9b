import { parseWithZod } from '@conform-to/zod/v4'
import { data, href, Link } from 'react-router'
import { EventForm } from '#app/components/event-form.tsx'
import { FormAlert } from '#app/components/forms.tsx'
import { getEventForEdit, updateEvent } from '#app/modules/events/events.server.ts'
import { eventFormSchema } from '#app/modules/events/schedule-schema.ts'
import { listVenueChoices } from '#app/modules/events/venues.server.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.events.$eventId_.edit'
import { hydrated } from '#app/components/hydration.ts'
import { BackLink } from '#app/components/back-link.tsx'

// A director's page with Conform forms: errors clear as you type (ADR 010).
export const handle = hydrated

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Edit ${loaderData.event.title}` : 'Edit event' }]

const NO_EVENT = 'There is no such event. It may have been removed.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const band = await bandProfile(runtime)
  const [event, venues, sections] = await Promise.all([getEventForEdit(db, args.params.eventId, band.timeZone), listVenueChoices(db), listSections(db)])
  if (!event) notFound(NO_EVENT)
  return { event, timeZone: band.timeZone, venues, sections }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const { timeZone } = await bandProfile(runtime)
  const submission = parseWithZod(await args.request.formData(), { schema: eventFormSchema(timeZone) })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await updateEvent(runtime.db, args.params.eventId, submission.value, { timeZone, audit: auditContextOf(args, user) })
  if (!outcome.ok) {
    if (outcome.status === 404) notFound(NO_EVENT)
    return data({ result: submission.reply({ fieldErrors: outcome.fieldErrors }) }, { status: 400 })
  }
  return redirectWithToast(runtime, href('/portal/events/:eventId', { eventId: outcome.id }), 'Your changes are saved.')
}

export default function EditEvent({ loaderData, actionData, params }: Route.ComponentProps) {
  const { event } = loaderData
  const eventPage = href('/portal/events/:eventId', params)
  return (
    <div className="space-y-6">
      <p>
        <BackLink to={eventPage}>{event.title}</BackLink>
      </p>
      <header className="space-y-3">
        <h1 className="text-3xl font-bold tracking-tight">Edit event</h1>
        {event.status === 'cancelled' ? (
          <FormAlert tone="info">
            This event is cancelled{event.cancelReason ? `: ${event.cancelReason}` : ''}.{' '}
            <Link to={href('/portal/events/:eventId/cancel', params)} className="underline">Restore it</Link>
          </FormAlert>
        ) : null}
        {event.seriesId ? (
          <FormAlert tone="info">
            This date is part of a <Link to={href('/portal/events/series/:seriesId', { seriesId: event.seriesId })} className="underline">weekly series</Link>.
            {event.seriesDetached
              ? ' It was changed by hand, so changes to the series leave it as it is.'
              : ' Saving here changes this date only, and later changes to the series will leave it as you set it.'}
          </FormAlert>
        ) : null}
      </header>
      <EventForm
        timeZone={loaderData.timeZone}
        lastResult={actionData?.result}
        stored={event.form}
        venues={loaderData.venues}
        sections={loaderData.sections}
        submitLabel="Save changes"
        cancelTo={eventPage}
      />
    </div>
  )
}

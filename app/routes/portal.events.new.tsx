import { parseWithZod } from '@conform-to/zod/v4'
import { data, href, Link } from 'react-router'
import { EventForm } from '#app/components/event-form.tsx'
import { createEvent } from '#app/modules/events/events.server.ts'
import { eventFormSchema } from '#app/modules/events/schedule-schema.ts'
import { listVenueChoices } from '#app/modules/events/venues.server.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.events.new'
import { hydrated } from '#app/components/hydration.ts'
import { BackLink } from '#app/components/back-link.tsx'

// A director's page with Conform forms: errors clear as you type (ADR 010).
export const handle = hydrated

export const meta: Route.MetaFunction = () => [{ title: 'New event' }]

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'event.create')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const [band, venues, sections] = await Promise.all([bandProfile(runtime), listVenueChoices(db), listSections(db)])
  return { timeZone: band.timeZone, venues, sections }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'event.create')
  const runtime = args.context.get(runtimeContext)
  const { timeZone } = await bandProfile(runtime)
  const submission = parseWithZod(await args.request.formData(), { schema: eventFormSchema(timeZone) })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await createEvent(runtime.db, submission.value, { timeZone, audit: auditContextOf(args, user) })
  if (!outcome.ok) {
    return data({ result: submission.reply(outcome.status === 400 ? { fieldErrors: outcome.fieldErrors } : { formErrors: [outcome.message] }) }, { status: outcome.status })
  }
  return redirectWithToast(runtime, href('/portal/events/:eventId', { eventId: outcome.id }), `${submission.value.title} is on the schedule.`)
}

export default function NewEvent({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="space-y-6">
      <p>
        <BackLink to={href('/portal/events')}>Schedule</BackLink>
      </p>
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">New event</h1>
        <p className="text-stone-700">
          One rehearsal, sectional or concert. For a weekly rehearsal, <Link to={href('/portal/events/series/new')} className="text-brand-800 underline">make a series</Link> instead.
        </p>
      </header>
      <EventForm
        timeZone={loaderData.timeZone}
        lastResult={actionData?.result}
        stored={null}
        venues={loaderData.venues}
        sections={loaderData.sections}
        submitLabel="Add to the schedule"
        cancelTo={href('/portal/events')}
      />
    </div>
  )
}

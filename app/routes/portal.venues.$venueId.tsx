import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, useNavigation } from 'react-router'
import { FormAlert } from '#app/components/forms.tsx'
import { dangerButton } from '#app/components/schedule-fields.tsx'
import { VenueForm } from '#app/components/venue-form.tsx'
import { DeleteVenueSchema, VenueSchema } from '#app/modules/events/schedule-schema.ts'
import { deleteVenue, getVenue, updateVenue } from '#app/modules/events/venues.server.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { SubmissionResult } from '@conform-to/react'
import type { Route } from './+types/portal.venues.$venueId'
import { hydrated } from '#app/components/hydration.ts'
import { BackLink } from '#app/components/back-link.tsx'

// A director's page with Conform forms: errors clear as you type (ADR 010).
export const handle = hydrated

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData?.venue.name ?? 'Venue' }]

const NO_VENUE = 'There is no such venue. It may have been deleted.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'event.edit')
  const { db } = args.context.get(runtimeContext)
  const venue = await getVenue(db, args.params.venueId)
  if (!venue) notFound(NO_VENUE)
  return { venue }
}

type ActionResult = { intent: 'save'; result: SubmissionResult<string[]> } | { intent: 'delete'; errors: string[] }

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const formData = await args.request.formData()
  const audit = auditContextOf(args, user)
  const { venueId } = args.params
  if (formData.get('intent') === 'delete') {
    const submission = parseWithZod(formData, { schema: DeleteVenueSchema })
    if (submission.status !== 'success') return data<ActionResult>({ intent: 'delete', errors: ['Tick the box to confirm you want it deleted.'] }, { status: 400 })
    const outcome = await deleteVenue(runtime.db, venueId, audit)
    if (!outcome.ok) {
      if (outcome.status === 404) notFound(NO_VENUE)
      return data<ActionResult>({ intent: 'delete', errors: [outcome.message] }, { status: outcome.status })
    }
    return redirectWithToast(runtime, href('/portal/venues'), 'The venue is deleted.')
  }
  const submission = parseWithZod(formData, { schema: VenueSchema })
  if (submission.status !== 'success') return data<ActionResult>({ intent: 'save', result: submission.reply() }, { status: 400 })
  if (!(await updateVenue(runtime.db, venueId, submission.value, audit))) notFound(NO_VENUE)
  return redirectWithToast(runtime, href('/portal/venues'), `${submission.value.name} is saved.`)
}

export default function VenuePage({ loaderData, actionData }: Route.ComponentProps) {
  const { venue } = loaderData
  const result = actionData as ActionResult | undefined
  const busy = useNavigation().state === 'submitting'
  return (
    <div className="space-y-8">
      <p>
        <BackLink to={href('/portal/venues')}>Venues</BackLink>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">{venue.name}</h1>
      <VenueForm
        lastResult={result?.intent === 'save' ? result.result : undefined}
        stored={{
          name: venue.name,
          address: venue.address ?? '',
          city: venue.city ?? '',
          postcode: venue.postcode ?? '',
          mapUrl: venue.mapUrl ?? '',
          notes: venue.notes ?? '',
        }}
        submitLabel="Save the venue"
        cancelTo={href('/portal/venues')}
      />

      <section aria-labelledby="delete-heading" className="max-w-3xl space-y-3 rounded-lg border border-red-200 bg-white p-4 sm:p-5">
        <h2 id="delete-heading" className="text-xl font-semibold">Delete this venue</h2>
        <p className="text-stone-700">Only a venue no event or series uses can be deleted: move those events to another venue first.</p>
        {result?.intent === 'delete' ? <FormAlert>{result.errors.join(' ')}</FormAlert> : null}
        <Form method="post" className="space-y-3">
          <input type="hidden" name="intent" value="delete" />
          <label htmlFor="confirm-delete" className="flex min-h-11 items-center gap-3">
            <input type="checkbox" id="confirm-delete" name="confirm" required className="size-5 accent-red-800" />
            Yes, delete {venue.name}
          </label>
          <button type="submit" className={dangerButton} disabled={busy}>
            Delete the venue
          </button>
        </Form>
      </section>
    </div>
  )
}

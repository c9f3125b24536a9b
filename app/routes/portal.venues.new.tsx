import { parseWithZod } from '@conform-to/zod/v4'
import { data, href } from 'react-router'
import { VenueForm } from '#app/components/venue-form.tsx'
import { VenueSchema } from '#app/modules/events/schedule-schema.ts'
import { createVenue } from '#app/modules/events/venues.server.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.venues.new'
import { hydrated } from '#app/components/hydration.ts'
import { BackLink } from '#app/components/back-link.tsx'

// A director's page with Conform forms: errors clear as you type (ADR 010).
export const handle = hydrated

export const meta: Route.MetaFunction = () => [{ title: 'New venue' }]

export function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'event.edit')
  return null
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: VenueSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  await createVenue(runtime.db, submission.value, auditContextOf(args, user))
  return redirectWithToast(runtime, href('/portal/venues'), `${submission.value.name} is added. Choose it on an event’s form.`)
}

export default function NewVenue({ actionData }: Route.ComponentProps) {
  return (
    <div className="space-y-6">
      <p>
        <BackLink to={href('/portal/venues')}>Venues</BackLink>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">New venue</h1>
      <VenueForm lastResult={actionData?.result} stored={null} submitLabel="Add the venue" cancelTo={href('/portal/venues')} />
    </div>
  )
}

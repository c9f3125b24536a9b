import { getFormProps, getInputProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { Field, FormAlert, useSchemaForm } from '#app/components/forms.tsx'
import { dangerButton, primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { cancelEvent, getEventForEdit, restoreEvent } from '#app/modules/events/events.server.ts'
import { CancelEventSchema, CancelReasonSchema } from '#app/modules/events/schedule-schema.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.events.$eventId_.cancel'
import { hydrated } from '#app/components/hydration.ts'
import { BackLink } from '#app/components/back-link.tsx'

// A director's page with Conform forms: errors clear as you type (ADR 010).
export const handle = hydrated

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `${loaderData.event.status === 'cancelled' ? 'Restore' : 'Cancel'} ${loaderData.event.title}` : 'Cancel event' },
]

const NO_EVENT = 'There is no such event. It may have been removed.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const band = await bandProfile(runtime)
  const event = await getEventForEdit(db, args.params.eventId, band.timeZone)
  if (!event) notFound(NO_EVENT)
  return { event: { title: event.title, status: event.status, cancelReason: event.cancelReason, startsAt: event.startsAt }, timeZone: band.timeZone }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: CancelEventSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const audit = auditContextOf(args, user)
  const { eventId } = args.params
  const outcome =
    submission.value.intent === 'cancel' ? await cancelEvent(runtime.db, eventId, submission.value.reason, audit) : await restoreEvent(runtime.db, eventId, audit)
  if (!outcome.ok) {
    if (outcome.status === 404) notFound(NO_EVENT)
    return data({ result: submission.reply({ formErrors: [outcome.message] }) }, { status: outcome.status })
  }
  return redirectWithToast(
    runtime,
    href('/portal/events/:eventId', { eventId }),
    submission.value.intent === 'cancel' ? 'The event is cancelled. Members see your reason.' : 'The event is back on the schedule.',
  )
}

export default function CancelEvent({ loaderData, actionData, params }: Route.ComponentProps) {
  const { event, timeZone } = loaderData
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useSchemaForm('cancel-form', CancelReasonSchema, actionData?.result)
  const eventPage = href('/portal/events/:eventId', params)
  const cancelled = event.status === 'cancelled'
  return (
    <div className="max-w-2xl space-y-6">
      <p>
        <BackLink to={eventPage}>{event.title}</BackLink>
      </p>
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">{cancelled ? 'Restore this event?' : 'Cancel this event?'}</h1>
        <p className="text-lg">
          {event.title}, {formatEventDate(new Date(event.startsAt), timeZone)}
        </p>
      </header>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <div className="space-y-5 rounded-lg border border-stone-200 bg-white p-5 sm:p-6">
        {cancelled ? (
          <>
            <p>
              It was cancelled{event.cancelReason ? `: “${event.cancelReason}”` : ''}. Restoring puts it back on everyone’s schedule; answers members gave are kept.
            </p>
            <Form method="post" className="flex flex-wrap gap-3">
              <input type="hidden" name="intent" value="restore" />
              <button type="submit" className={primaryButton} disabled={busy}>Restore the event</button>
              <Link to={eventPage} className={secondaryButton}>Leave it cancelled</Link>
            </Form>
          </>
        ) : (
          <>
            <p>Members see “Cancelled” and your reason on the event and in the schedule. You can restore it later.</p>
            <Form method="post" {...getFormProps(form)} className="space-y-5">
              <input type="hidden" name="intent" value="cancel" />
              <Field
                label="Reason"
                hint="For example “The hall is a polling station this week”."
                errors={fields.reason.errors}
                inputProps={{ ...getInputProps(fields.reason, { type: 'text' }), autoComplete: 'off', maxLength: 200 }}
              />
              <div className="flex flex-wrap gap-3">
                <button type="submit" className={dangerButton} disabled={busy}>Cancel the event</button>
                <Link to={eventPage} className={secondaryButton}>Keep it on</Link>
              </div>
            </Form>
          </>
        )}
      </div>
    </div>
  )
}

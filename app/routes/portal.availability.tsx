import { getFormProps, getInputProps, getTextareaProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { ErrorList, Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { addAbsence, type CoveredEvent, getOwnAbsence, listOwnAbsences, removeAbsence, todayIn } from '#app/modules/events/absences.server.ts'
import { AbsenceSchema, ANSWER_LABELS, NOTE_MAX, RemoveAbsenceSchema } from '#app/modules/events/rsvp-schema.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.availability'

export const meta: Route.MetaFunction = () => [{ title: 'Dates you are away' }]

/** The signed-in member's own record: the only absences this page ever touches. */
function ownMemberId(user: { memberId: string | null }): string {
  if (!user.memberId) notFound('Your account is not linked to a player on the band’s roster, so there are no dates to keep here.')
  return user.memberId
}

export async function loader(args: Route.LoaderArgs) {
  const user = requirePermission(args, 'availability.edit.own')
  const memberId = ownMemberId(user)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const band = await bandProfile(runtime)
  const removeId = new URL(args.request.url).searchParams.get('remove')
  const parsedRemove = RemoveAbsenceSchema.safeParse({ absenceId: removeId })
  const [absences, removing] = await Promise.all([
    listOwnAbsences(db, { memberId, timeZone: band.timeZone }),
    parsedRemove.success ? getOwnAbsence(db, { memberId, absenceId: parsedRemove.data.absenceId }) : undefined,
  ])
  const today = todayIn(band.timeZone)
  return {
    timeZone: band.timeZone,
    today,
    removing: removing ?? null,
    // Upcoming and current ranges first, soonest first; past ones after, latest first.
    upcoming: absences.filter((absence) => absence.endsOn >= today).reverse(),
    past: absences.filter((absence) => absence.endsOn < today),
  }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'availability.edit.own')
  const memberId = ownMemberId(user)
  const runtime = args.context.get(runtimeContext)
  const formData = await args.request.formData()
  if (formData.get('intent') === 'remove') {
    const parsed = RemoveAbsenceSchema.safeParse({ absenceId: formData.get('absenceId') })
    // Only the member's own absences: someone else's id removes nothing.
    const removed = parsed.success && (await removeAbsence(runtime.db, { memberId, absenceId: parsed.data.absenceId, audit: auditContextOf(args, user) }))
    if (!removed) return data({ intent: 'remove' as const, message: 'That absence is not one of yours, or it was already removed.', result: null }, { status: 404 })
    return redirectWithToast(runtime, href('/portal/availability'), 'The absence is removed. Its events are back to your own answers.')
  }
  const submission = parseWithZod(formData, { schema: AbsenceSchema })
  if (submission.status !== 'success') return data({ intent: 'add' as const, message: null, result: submission.reply() }, { status: 400 })
  await addAbsence(runtime.db, { memberId, ...submission.value, audit: auditContextOf(args, user) })
  return redirectWithToast(runtime, href('/portal/availability'), 'Your dates away are saved. The events in them are marked Away.')
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' })
/** "Wed 3 March 2027" for a 'YYYY-MM-DD' date (a calendar day, so no zone shifts it). */
const formatDay = (date: string) => dayFormat.format(new Date(`${date}T00:00:00Z`))
const formatRange = (from: string, to: string) => (from === to ? formatDay(from) : `${formatDay(from)} – ${formatDay(to)}`)

export default function Availability({ loaderData, actionData }: Route.ComponentProps) {
  const { upcoming, past, removing, timeZone } = loaderData
  const [form, fields] = useSchemaForm('absence-form', AbsenceSchema, actionData?.intent === 'add' ? actionData.result : null)
  return (
    <div className="max-w-3xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Dates you are away</h1>
        <p className="text-stone-700">
          Enter the days you cannot come. Events on those days count as “not going” unless you answer them yourself.
        </p>
      </header>

      {actionData?.message ? <FormAlert>{actionData.message}</FormAlert> : null}

      {removing ? (
        <section aria-labelledby="remove-title" className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-5">
          <h2 id="remove-title" className="text-xl font-semibold">
            Remove {formatRange(removing.startsOn, removing.endsOn)}?
          </h2>
          <p>The events in these dates go back to “no answer” unless you answered them.</p>
          <div className="flex flex-wrap items-center gap-4">
            <Form method="post">
              <input type="hidden" name="intent" value="remove" />
              <input type="hidden" name="absenceId" value={removing.id} />
              <button type="submit" className="min-h-11 rounded bg-red-800 px-4 py-2 font-semibold text-white hover:bg-red-900">
                Yes, remove these dates
              </button>
            </Form>
            <Link className="inline-flex min-h-11 items-center text-brand-800 underline" to={href('/portal/availability')}>
              Keep them
            </Link>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="add-title" className="space-y-4 rounded-lg border border-stone-200 bg-white p-5">
        <h2 id="add-title" className="text-xl font-semibold">
          Add dates away
        </h2>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <input type="hidden" name="intent" value="add" />
          {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="First day away" errors={fields.startsOn.errors} inputProps={{ ...getInputProps(fields.startsOn, { type: 'date' }) }} />
            <Field
              label="Last day away"
              hint="The same day for one day."
              errors={fields.endsOn.errors}
              inputProps={{ ...getInputProps(fields.endsOn, { type: 'date' }) }}
            />
          </div>
          <div className="space-y-1">
            <label htmlFor={fields.reason.id} className="block font-medium">
              Reason (optional)
            </label>
            <p id={`${fields.reason.id}-hint`} className="text-sm text-stone-700">
              For example “holiday” or “night shifts”. Directors and your section leader may see it. Up to {NOTE_MAX} characters.
            </p>
            <textarea
              {...getTextareaProps(fields.reason)}
              rows={2}
              aria-invalid={fields.reason.errors?.length ? true : undefined}
              aria-describedby={[`${fields.reason.id}-hint`, fields.reason.errors?.length ? `${fields.reason.id}-error` : ''].filter(Boolean).join(' ')}
              className="block w-full max-w-md rounded border border-stone-400 bg-white px-3 py-2 text-base aria-invalid:border-red-700"
            />
            <ErrorList id={`${fields.reason.id}-error`} errors={fields.reason.errors} />
          </div>
          <SubmitButton>Save dates away</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="upcoming-title" className="space-y-3">
        <h2 id="upcoming-title" className="text-xl font-semibold">
          Coming up
        </h2>
        {upcoming.length === 0 ? (
          <p className="rounded-lg border border-dashed border-stone-300 bg-white p-5 text-stone-700">You have no dates away coming up.</p>
        ) : (
          <AbsenceList absences={upcoming} timeZone={timeZone} removable />
        )}
      </section>

      {past.length > 0 ? (
        <details className="rounded-lg border border-stone-200 bg-white p-4">
          <summary className="min-h-11 cursor-pointer py-2 font-semibold">Past dates away ({past.length})</summary>
          <AbsenceList absences={past} timeZone={timeZone} removable={false} />
        </details>
      ) : null}
    </div>
  )
}

type AbsenceRow = { id: string; startsOn: string; endsOn: string; reason: string | null; events: CoveredEvent[] }

function AbsenceList({ absences, timeZone, removable }: { absences: AbsenceRow[]; timeZone: string; removable: boolean }) {
  return (
    <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
      {absences.map((absence) => (
        <li key={absence.id} className="space-y-2 p-4">
          <h3 className="font-semibold">{formatRange(absence.startsOn, absence.endsOn)}</h3>
          {absence.reason ? <p className="text-stone-700">{absence.reason}</p> : null}
          {absence.events.length === 0 ? (
            <p className="text-sm text-stone-700">No events on these dates.</p>
          ) : (
            <>
              <p className="text-sm font-medium">Events on these dates:</p>
              <ul className="space-y-1 text-sm">
                {absence.events.map((event) => (
                  <li key={event.id}>
                    <Link className="text-brand-800 underline" to={href('/portal/events/:eventId', { eventId: event.id })}>
                      {event.title}
                    </Link>{' '}
                    {formatEventDate(new Date(event.startsAt), timeZone)} —{' '}
                    <strong>
                      {event.status === 'cancelled' ? 'Cancelled' : event.answer ? `You answered ${ANSWER_LABELS[event.answer]}` : 'Away'}
                    </strong>
                  </li>
                ))}
              </ul>
            </>
          )}
          {removable ? (
            <p>
              <Link
                className="inline-flex min-h-11 items-center text-red-800 underline"
                to={`${href('/portal/availability')}?${new URLSearchParams({ remove: absence.id })}`}
                aria-label={`Remove ${formatRange(absence.startsOn, absence.endsOn)}`}
              >
                Remove
              </Link>
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  )
}

import { getFormProps, getInputProps, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { KIND_NAMES } from '#app/components/event-form.tsx'
import { Field, FormAlert, useSchemaForm } from '#app/components/forms.tsx'
import { primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { SeriesForm } from '#app/components/series-form.tsx'
import { describeDate, WEEKDAYS } from '#app/modules/events/local-time.ts'
import { AddExceptionSchema, SeriesExceptionSchema, seriesFormSchema } from '#app/modules/events/schedule-schema.ts'
import { addSeriesException, getSeries, removeSeriesException, updateSeries } from '#app/modules/events/series.server.ts'
import { listVenueChoices } from '#app/modules/events/venues.server.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.events.series.$seriesId'
import { hydrated } from '#app/components/hydration.ts'
import { BackLink } from '#app/components/back-link.tsx'

// A director's page with Conform forms: errors clear as you type (ADR 010).
export const handle = hydrated

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Series: ${loaderData.series.title}` : 'Series' }]

const NO_SERIES = 'There is no such series. It may have been removed.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const [series, band, venues, sections] = await Promise.all([getSeries(db, args.params.seriesId), bandProfile(runtime), listVenueChoices(db), listSections(db)])
  if (!series) notFound(NO_SERIES)
  return { series, timeZone: band.timeZone, venues, sections, now: new Date().toISOString() }
}

type ActionResult = { intent: 'update' | 'exception'; result: SubmissionResult<string[]> }

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'event.edit')
  const runtime = args.context.get(runtimeContext)
  const { timeZone } = await bandProfile(runtime)
  const formData = await args.request.formData()
  const audit = auditContextOf(args, user)
  const { seriesId } = args.params
  const page = href('/portal/events/series/:seriesId', { seriesId })

  if (formData.get('intent') === 'update') {
    const submission = parseWithZod(formData, { schema: seriesFormSchema(timeZone) })
    if (submission.status !== 'success') return data<ActionResult>({ intent: 'update', result: submission.reply() }, { status: 400 })
    const outcome = await updateSeries(runtime.db, seriesId, submission.value, { timeZone, audit })
    if (!outcome.ok) {
      if (outcome.status === 404) notFound(NO_SERIES)
      return data<ActionResult>({ intent: 'update', result: submission.reply({ fieldErrors: outcome.fieldErrors }) }, { status: 400 })
    }
    const { counts } = outcome
    const changed = [
      `${counts.updated} future date${counts.updated === 1 ? '' : 's'} updated`,
      counts.created ? `${counts.created} added` : '',
      counts.removed ? `${counts.removed} removed` : '',
      counts.cancelled ? `${counts.cancelled} cancelled (members had answered)` : '',
    ]
    return redirectWithToast(runtime, page, `Series saved: ${changed.filter(Boolean).join(', ')}. Past dates and dates changed by hand are as they were.`)
  }

  const submission = parseWithZod(formData, { schema: SeriesExceptionSchema })
  if (submission.status !== 'success') return data<ActionResult>({ intent: 'exception', result: submission.reply() }, { status: 400 })
  const outcome =
    submission.value.intent === 'add-exception'
      ? await addSeriesException(runtime.db, seriesId, submission.value, { audit })
      : await removeSeriesException(runtime.db, seriesId, submission.value.onDate, { timeZone, audit })
  if (!outcome.ok) {
    if (outcome.status === 404) notFound(NO_SERIES)
    return data<ActionResult>({ intent: 'exception', result: submission.reply({ fieldErrors: outcome.fieldErrors }) }, { status: 400 })
  }
  return redirectWithToast(runtime, page, outcome.message)
}

export default function SeriesPage({ loaderData, actionData }: Route.ComponentProps) {
  const { series, timeZone } = loaderData
  const result = actionData as ActionResult | undefined
  const now = new Date(loaderData.now)
  const upcoming = series.events.filter((event) => new Date(event.startsAt) > now)
  const past = series.events.length - upcoming.length
  return (
    <div className="space-y-10">
      <div className="space-y-4">
        <p>
          <BackLink to={href('/portal/events')}>Schedule</BackLink>
        </p>
        <header className="space-y-2">
          <p className="text-sm font-semibold uppercase tracking-wide text-stone-600">Weekly series · {KIND_NAMES[series.kind]}</p>
          <h1 className="text-3xl font-bold tracking-tight">{series.title}</h1>
          <p className="text-lg text-stone-800">
            Every {WEEKDAYS[series.weekday]}, {series.startTime}–{series.endTime}, from {describeDate(series.startsOn)} to {describeDate(series.endsOn)}.
          </p>
        </header>
      </div>

      <section aria-labelledby="dates-heading" className="max-w-3xl space-y-3">
        <h2 id="dates-heading" className="text-2xl font-semibold">Dates coming up</h2>
        <p className="text-stone-700">
          {upcoming.length} to come{past ? `, ${past} already past` : ''}. Open a date to change it alone.
        </p>
        {upcoming.length === 0 ? (
          <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">No dates left in this series.</p>
        ) : (
          <ol className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
            {upcoming.map((event) => (
              <li key={event.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-1">
                <Link to={href('/portal/events/:eventId', { eventId: event.id })} className="inline-flex min-h-11 items-center font-semibold text-brand-800 underline">
                  <time dateTime={new Date(event.startsAt).toISOString()}>{formatEventDate(new Date(event.startsAt), timeZone)}</time>
                </Link>
                {event.status === 'cancelled' ? (
                  <span className="rounded bg-red-100 px-2.5 py-0.5 text-sm font-semibold text-red-900">Cancelled{event.cancelReason ? `: ${event.cancelReason}` : ''}</span>
                ) : null}
                {event.detached ? <span className="rounded-full bg-amber-100 px-2.5 py-0.5 text-sm font-semibold text-amber-900">Changed by hand</span> : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="skipped-heading" className="max-w-3xl space-y-4">
        <h2 id="skipped-heading" className="text-2xl font-semibold">Dates skipped</h2>
        <p className="text-stone-700">
          Skipping a date takes its event off the schedule; if members have already answered, it stays on as cancelled, with your reason.
        </p>
        {series.exceptions.length === 0 ? (
          <p className="text-stone-700">No dates skipped.</p>
        ) : (
          <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
            {series.exceptions.map((exception) => (
              <li key={exception.onDate} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                <span>
                  <span className="font-semibold">{describeDate(exception.onDate)}</span>
                  {exception.reason ? <span className="text-stone-700"> — {exception.reason}</span> : null}
                </span>
                <Form method="post">
                  <input type="hidden" name="intent" value="remove-exception" />
                  <input type="hidden" name="onDate" value={exception.onDate} />
                  <button type="submit" className={secondaryButton} aria-label={`Put back on: ${describeDate(exception.onDate)}`}>
                    Put back on
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <SkipDateForm lastResult={result?.intent === 'exception' ? result.result : undefined} weekday={WEEKDAYS[series.weekday] ?? ''} />
      </section>

      <section aria-labelledby="edit-heading" className="space-y-4">
        <h2 id="edit-heading" className="text-2xl font-semibold">Change the series</h2>
        <p className="max-w-3xl text-stone-700">Changes apply to the dates still to come, except those changed by hand. Past dates never change.</p>
        <SeriesForm
          timeZone={timeZone}
          lastResult={result?.intent === 'update' ? result.result : undefined}
          stored={{
            kind: series.kind,
            title: series.title,
            weekday: String(series.weekday),
            startTime: series.startTime,
            endTime: series.endTime,
            callMinutesBefore: series.callMinutesBefore === null ? '' : String(series.callMinutesBefore),
            startsOn: series.startsOn,
            endsOn: series.endsOn,
            venueId: series.venueId ?? '',
            sectionId: series.sectionId ?? '',
            dress: series.dress ?? '',
            description: series.description ?? '',
          }}
          venues={loaderData.venues}
          sections={loaderData.sections}
          submitLabel="Save the series"
        />
      </section>
    </div>
  )
}

function SkipDateForm({ lastResult, weekday }: { lastResult: SubmissionResult<string[]> | undefined; weekday: string }) {
  const [form, fields] = useSchemaForm('skip-date', AddExceptionSchema, lastResult)
  const busy = useNavigation().state === 'submitting'
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4 rounded-lg border border-stone-200 bg-white p-4 sm:p-5">
      <h3 className="text-lg font-semibold">Skip a date</h3>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <input type="hidden" name="intent" value="add-exception" />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Date" hint={`A ${weekday} of this series.`} errors={fields.onDate.errors} inputProps={getInputProps(fields.onDate, { type: 'date' })} />
        <Field label="Reason" hint="Optional; members see it if the date stays on as cancelled." errors={fields.reason.errors} inputProps={{ ...getInputProps(fields.reason, { type: 'text' }), autoComplete: 'off' }} />
      </div>
      <button type="submit" className={primaryButton} disabled={busy}>
        Skip this date
      </button>
    </Form>
  )
}

import { getFormProps, getInputProps, getSelectProps } from '@conform-to/react'
import { data, Form, href, Link } from 'react-router'
import { ErrorList, Field, FormAlert, useSchemaForm } from '#app/components/forms.tsx'
import { authoriseHistory } from '#app/modules/events/attendance-access.server.ts'
import { listRecentEvents } from '#app/modules/events/attendance.server.ts'
import { attendanceRates, type MemberRate, type SectionRate } from '#app/modules/events/attendance-history.server.ts'
import { AttendanceRangeSchema, formatRate } from '#app/modules/events/attendance-schema.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/portal.attendance._index'

// Leaders mark at rehearsal or soon after: the last two weeks are offered first.
const RECENT_DAYS = 14

export const meta: Route.MetaFunction = () => [{ title: 'Attendance' }]

export async function loader(args: Route.LoaderArgs) {
  const { reach, timeZone, values, submission, pickable } = await authoriseHistory(args)
  const { db } = args.context.get(runtimeContext)
  const recent = await listRecentEvents(db, { now: new Date(), timeZone, days: RECENT_DAYS, reach })
  const base = { values, pickable, everyone: reach.everyone, recent, timeZone }
  if (submission.status !== 'success') return data({ ...base, result: submission.reply(), rates: null }, { status: 400 })
  const rates = await attendanceRates(db, { range: submission.value, reach, timeZone })
  return { ...base, result: null, rates }
}

export default function AttendanceHistory({ loaderData }: Route.ComponentProps) {
  const { values, pickable, everyone, result, rates, recent, timeZone } = loaderData
  const [form, fields] = useSchemaForm('attendance-range', AttendanceRangeSchema, result)
  const query = new URLSearchParams(values).toString()
  return (
    <div className="max-w-5xl space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Attendance</h1>
        <p className="text-stone-700">
          {everyone ? 'Everyone’s' : 'Your section’s'} attendance over a date range. The rate counts present and late over the events each
          member was marked at.
        </p>
      </header>

      <section aria-labelledby="recent-heading" className="space-y-3">
        <h2 id="recent-heading" className="text-xl font-semibold">Take attendance</h2>
        {recent.length === 0 ? (
          <p className="rounded-lg border border-dashed border-stone-300 bg-white p-4 text-stone-700">
            No events in the last {RECENT_DAYS} days. Attendance can be taken from the day of an event.
          </p>
        ) : (
          <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
            {recent.map((event) => (
              <li key={event.id}>
                <Link
                  to={href('/portal/events/:eventId/attendance', { eventId: event.id })}
                  className="flex min-h-11 flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-4 py-3 hover:bg-stone-50"
                >
                  <span>
                    <span className="font-semibold text-brand-800 underline">{event.title}</span>
                    <span className="block text-sm text-stone-700">
                      <time dateTime={new Date(event.startsAt).toISOString()}>{formatEventDate(new Date(event.startsAt), timeZone)}</time>
                    </span>
                  </span>
                  <span className="text-sm text-stone-700">{event.marked ? `${event.marked} marked${everyone ? '' : ' in your section'}` : 'Not taken yet'}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <h2 className="text-xl font-semibold">History</h2>
      <Form method="get" {...getFormProps(form)} className="flex flex-wrap items-start gap-4 rounded-lg border border-stone-200 bg-white p-4">
        <Field label="From" errors={fields.from.errors} inputProps={{ ...getInputProps(fields.from, { type: 'date' }), defaultValue: values.from }} />
        <Field label="To" errors={fields.to.errors} inputProps={{ ...getInputProps(fields.to, { type: 'date' }), defaultValue: values.to }} />
        <div className="space-y-1">
          <label htmlFor={fields.section.id} className="block font-medium">Section</label>
          <select
            {...getSelectProps(fields.section)}
            defaultValue={values.section ?? ''}
            className="block min-h-11 rounded border border-stone-400 bg-white px-3 py-2"
          >
            <option value="">{everyone ? 'All sections' : 'All my sections'}</option>
            {pickable.map((section) => (
              <option key={section.id} value={section.id}>{section.name}</option>
            ))}
          </select>
          <ErrorList id={fields.section.errorId} errors={fields.section.errors} />
        </div>
        <div className="self-end">
          <button type="submit" className="min-h-11 rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">Show</button>
        </div>
      </Form>

      {rates === null ? (
        <FormAlert>Check the dates above: the history needs a range of two years or less, first date first.</FormAlert>
      ) : (
        <>
          <p className="flex flex-wrap items-center gap-x-6 gap-y-2">
            <span>
              <strong>{rates.markedEvents}</strong> {rates.markedEvents === 1 ? 'event' : 'events'} marked from {values.from} to {values.to}.
            </span>
            <a href={`${href('/portal/attendance/export.csv')}?${query}`} className="inline-flex min-h-11 items-center font-medium text-brand-800 underline" download>
              Download as CSV
            </a>
          </p>
          {rates.members.length === 0 ? (
            <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
              No attendance was taken in this range. Pick other dates, or take attendance from an event’s page.
            </p>
          ) : (
            <>
              <RateTable caption="By section" rows={rates.sections} />
              <RateTable caption="By member" rows={rates.members} query={query} />
            </>
          )}
        </>
      )}
    </div>
  )
}

function RateTable({ caption, rows, query }: { caption: string; rows: (MemberRate | SectionRate)[]; query?: string }) {
  const id = `rates-${caption.replace(/\W+/g, '-').toLowerCase()}`
  return (
    <div role="region" aria-labelledby={id} tabIndex={0} className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption id={id} className="px-3 pt-3 text-left text-lg font-semibold">{caption}</caption>
        <thead className="border-b border-stone-200 text-stone-700">
          <tr>
            <th scope="col" className="px-3 py-2">{query === undefined ? 'Section' : 'Member'}</th>
            {/* The rate first, so it shows on a narrow phone without scrolling. */}
            <th scope="col" className="px-2 py-2 text-right">Rate</th>
            <th scope="col" className="px-2 py-2 text-right">Present</th>
            <th scope="col" className="px-2 py-2 text-right">Late</th>
            <th scope="col" className="px-2 py-2 text-right">Excused</th>
            <th scope="col" className="px-2 py-2 text-right">Absent</th>
            {query === undefined ? <th scope="col" className="px-3 py-2 text-right">Members</th> : <th scope="col" className="px-3 py-2">Section</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map((row) => (
            <tr key={'memberId' in row ? row.memberId : (row.sectionId ?? 'none')}>
              <th scope="row" className="px-3 py-0.5 font-medium">
                {'memberId' in row ? (
                  <Link
                    to={`${href('/portal/attendance/members/:memberId', { memberId: row.memberId })}?${query ?? ''}`}
                    className="inline-flex min-h-11 items-center text-brand-800 underline"
                  >
                    {row.name}
                  </Link>
                ) : (
                  (row.sectionName ?? 'No section')
                )}
              </th>
              <td className="px-2 py-2 text-right font-semibold tabular-nums">{formatRate(row.rate)}</td>
              <td className="px-2 py-2 text-right tabular-nums">{row.present}</td>
              <td className="px-2 py-2 text-right tabular-nums">{row.late}</td>
              <td className="px-2 py-2 text-right tabular-nums">{row.excused}</td>
              <td className="px-2 py-2 text-right tabular-nums">{row.absent}</td>
              {'memberId' in row ? (
                <td className="px-3 py-2">{row.sectionName ?? 'No section'}</td>
              ) : (
                <td className="px-3 py-2 text-right tabular-nums">{row.members}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

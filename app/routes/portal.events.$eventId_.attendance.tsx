import { getFormProps, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { FormAlert, useSchemaForm } from '#app/components/forms.tsx'
import { answerLabel } from '#app/modules/events/answer-labels.ts'
import {
  ATTENDANCE_LABELS,
  ATTENDANCE_STATUSES,
  AttendanceSheetSchema,
  attendanceReach,
  reachesAnyone,
  reachesSection,
} from '#app/modules/events/attendance-schema.ts'
import { getAttendanceSheet, saveAttendance, type SheetRow, whyNotMarkable } from '#app/modules/events/attendance.server.ts'
import { getEvent } from '#app/modules/events/queries.server.ts'
import { auditContextOf, requirePermission, requireSectionPermission, requireUser } from '#app/modules/identity/auth.server.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { requestInfoContext, runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.events.$eventId_.attendance'
import { BackLink } from '#app/components/back-link.tsx'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Attendance: ${loaderData.event.title}` : 'Attendance' }]

type Args = Route.LoaderArgs | Route.ActionArgs

/**
 * Who is asking, whose attendance they may take, the event and the section
 * asked for (`?section=`): a leader asking for a section they do not lead
 * gets 403, whatever the event.
 */
async function authorise(args: Args) {
  const user = requireUser(args)
  const reach = attendanceReach(user.grants)
  // Nobody to mark: refused (and logged) as lacking attendance.mark.
  if (!reachesAnyone(reach)) requirePermission(args, 'attendance.mark')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const [event, band, sections] = await Promise.all([getEvent(db, args.params.eventId), bandProfile(runtime), listSections(db)])
  const asked = new URL(args.request.url).searchParams.get('section') || null
  let section: { id: string; name: string } | null = null
  if (asked) {
    section = sections.find((candidate) => candidate.id === asked) ?? null
    if (!section) notFound('There is no such section.')
    requireSectionPermission(args, 'attendance.mark.section', section.id)
  }
  if (!event) notFound('There is no such event. It may have been removed.')
  return { user, reach, event, timeZone: band.timeZone, section, pickable: sections.filter((candidate) => reachesSection(reach, candidate.id)) }
}

export async function loader(args: Route.LoaderArgs) {
  const { reach, event, timeZone, section, pickable } = await authorise(args)
  const { db } = args.context.get(runtimeContext)
  const refusal = whyNotMarkable(event, new Date(), timeZone)
  const rows = refusal ? [] : await getAttendanceSheet(db, { eventId: event.id, timeZone, reach, sectionId: section?.id })
  return {
    event: { id: event.id, title: event.title, kind: event.kind, startsAt: event.startsAt },
    timeZone,
    refusal,
    rows,
    section,
    pickable,
    everyone: reach.everyone,
  }
}

type ActionResult = { result: SubmissionResult<string[]>; message?: string }

export async function action(args: Route.ActionArgs) {
  const { user, reach, event, timeZone, section } = await authorise(args)
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: AttendanceSheetSchema })
  if (submission.status !== 'success') {
    return data<ActionResult>({ result: submission.reply(), message: 'Some marks were not understood. Choose one of the four for each member.' }, { status: 400 })
  }
  const outcome = await saveAttendance(runtime.db, {
    eventId: event.id,
    marks: submission.value.marks ?? {},
    reach,
    markedBy: user.id,
    timeZone,
    now: new Date(),
    audit: auditContextOf(args, user),
    sectionName: section?.name ?? null,
  })
  if (!outcome.ok) {
    if (outcome.status === 404) notFound(outcome.message)
    if (outcome.status === 403) {
      // A form naming members outside the marker's sections: logged like any refusal (ASVS 16.3.2).
      const info = args.context.get(requestInfoContext)
      runtime.logger.warn(
        { event: 'authorisation.denied', requestId: info.requestId, userId: user.id, ip: info.clientIp, permission: 'attendance.mark.section', method: 'POST', path: new URL(args.request.url).pathname },
        'permission denied',
      )
    }
    return data<ActionResult>({ result: submission.reply({ formErrors: [outcome.message] }), message: outcome.message }, { status: outcome.status })
  }
  const { counts } = outcome
  const total = counts.present + counts.late + counts.excused + counts.absent
  const page = href('/portal/events/:eventId/attendance', { eventId: event.id })
  return redirectWithToast(
    runtime,
    section ? `${page}?${new URLSearchParams({ section: section.id })}` : page,
    `Attendance saved for ${total} ${total === 1 ? 'member' : 'members'}: ${counts.present} present, ${counts.late} late, ${counts.excused} excused, ${counts.absent} absent.`,
  )
}

export default function AttendanceSheet({ loaderData, actionData }: Route.ComponentProps) {
  const { event, timeZone, refusal, rows, section, pickable, everyone } = loaderData
  const result = actionData as ActionResult | undefined
  const busy = useNavigation().state === 'submitting'
  const [form] = useSchemaForm('attendance-sheet', AttendanceSheetSchema, result?.result)
  const groups = groupRows(rows)
  return (
    <article className="max-w-3xl space-y-6">
      <p className="flex flex-wrap gap-x-6 gap-y-2">
        <BackLink to={href('/portal/attendance')}>All attendance</BackLink>
        <Link to={href('/portal/events/:eventId', { eventId: event.id })} className="inline-flex min-h-11 items-center font-medium text-brand-800 underline">
          Event details
        </Link>
      </p>
      <header className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-stone-600">Attendance · {event.kind}</p>
        <h1 className="text-3xl font-bold tracking-tight">{event.title}</h1>
        <p className="text-stone-700">
          <time dateTime={new Date(event.startsAt).toISOString()}>{formatEventDate(new Date(event.startsAt), timeZone)}</time>
        </p>
      </header>

      {pickable.length > 1 || everyone ? <SectionPicker pickable={pickable} section={section} everyone={everyone} /> : null}

      {refusal ? (
        <FormAlert tone="info">{refusal}</FormAlert>
      ) : rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          Nobody {section ? `in ${section.name} ` : ''}is expected at this event.
        </p>
      ) : (
        <Form method="post" {...getFormProps(form)} className="space-y-6">
          {result?.message ? <FormAlert>{result.message}</FormAlert> : null}
          <p className="text-sm text-stone-700">
            Marks start from the RSVPs: going is present, not going or away is excused. Maybe and no answer start blank: choose what
            happened. Members left blank are not marked.
          </p>
          {groups.map((group) => (
            <section key={group.sectionId ?? 'none'} aria-labelledby={`sheet-${group.sectionId ?? 'none'}`} className="space-y-2">
              <h2 id={`sheet-${group.sectionId ?? 'none'}`} className="text-xl font-semibold">
                {group.sectionName} <span className="text-base font-normal text-stone-600">({group.rows.length})</span>
              </h2>
              <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
                {group.rows.map((row) => (
                  <li key={row.memberId}>
                    <MemberMarks row={row} />
                  </li>
                ))}
              </ul>
            </section>
          ))}
          <button type="submit" disabled={busy} className="min-h-11 w-full rounded bg-brand-800 px-5 py-2 font-semibold text-white hover:bg-brand-900 disabled:opacity-60 sm:w-auto">
            Save attendance
          </button>
        </Form>
      )}
    </article>
  )
}

function SectionPicker({ pickable, section, everyone }: { pickable: { id: string; name: string }[]; section: { id: string } | null; everyone: boolean }) {
  return (
    <Form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4">
      <div className="space-y-1">
        <label htmlFor="sheet-section" className="block text-sm font-medium">Section</label>
        <select id="sheet-section" name="section" defaultValue={section?.id ?? ''} className="block min-h-11 rounded border border-stone-400 bg-white px-3 py-2">
          <option value="">{everyone ? 'Everyone' : 'All my sections'}</option>
          {pickable.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>{candidate.name}</option>
          ))}
        </select>
      </div>
      <button type="submit" className="min-h-11 rounded border border-stone-400 px-4 py-2 font-semibold hover:bg-stone-100">Show</button>
    </Form>
  )
}

function MemberMarks({ row }: { row: SheetRow }) {
  const chosen = row.saved ?? row.suggested
  const legendId = `member-${row.memberId}`
  return (
    <fieldset className="p-3" aria-describedby={`${legendId}-hint`}>
      {/* Floated, so the legend sits inside the padding like any heading, not on the border. */}
      <legend id={legendId} className="float-left w-full font-semibold">
        {row.name}
      </legend>
      <p id={`${legendId}-hint`} className="clear-left pt-0.5 text-sm text-stone-700">
        {row.instrumentName ?? 'No instrument'}
        {row.chair ? ` ${row.chair}` : ''} · RSVP: {answerLabel(row)}
        {row.note ? ` (“${row.note}”)` : ''}
        {row.saved ? ` · marked ${ATTENDANCE_LABELS[row.saved].toLowerCase()}` : ''}
      </p>
      <div className="mt-2 grid grid-cols-4 gap-1.5">
        {ATTENDANCE_STATUSES.map((status) => (
          <label
            key={status}
            className="flex min-h-11 cursor-pointer flex-col items-center justify-center gap-0.5 rounded border border-stone-300 px-1 py-1.5 text-sm has-checked:border-brand-800 has-checked:bg-brand-50 has-checked:font-semibold"
          >
            <input type="radio" name={`marks.${row.memberId}`} value={status} defaultChecked={chosen === status} className="size-4" />
            {ATTENDANCE_LABELS[status]}
          </label>
        ))}
      </div>
    </fieldset>
  )
}

function groupRows(rows: SheetRow[]) {
  const groups: { sectionId: string | null; sectionName: string; rows: SheetRow[] }[] = []
  for (const row of rows) {
    const last = groups.at(-1)
    if (last && last.sectionId === row.sectionId) last.rows.push(row)
    else groups.push({ sectionId: row.sectionId, sectionName: row.sectionName ?? 'No section', rows: [row] })
  }
  return groups
}

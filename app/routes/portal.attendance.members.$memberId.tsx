import { data, href, Link } from 'react-router'
import { authoriseHistory } from '#app/modules/events/attendance-access.server.ts'
import { getMemberHeading, listMemberMarks } from '#app/modules/events/attendance-history.server.ts'
import { ATTENDANCE_LABELS, attendanceRate, formatRate, reachesSection } from '#app/modules/events/attendance-schema.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import type { Route } from './+types/portal.attendance.members.$memberId'
import { BackLink } from '#app/components/back-link.tsx'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData?.member ? `Attendance: ${loaderData.member.name}` : 'Attendance' }]

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const STATUS_TONES = {
  present: 'bg-green-100 text-green-900',
  late: 'bg-amber-100 text-amber-900',
  excused: 'bg-stone-100 text-stone-800',
  absent: 'bg-red-100 text-red-900',
} as const

export async function loader(args: Route.LoaderArgs) {
  const { reach, timeZone, values, submission } = await authoriseHistory(args)
  const { db } = args.context.get(runtimeContext)
  const member = UUID.test(args.params.memberId) ? await getMemberHeading(db, args.params.memberId) : undefined
  if (!member) notFound('There is no such member.')
  // A section leader reads their own section's members only.
  if (!reachesSection(reach, member.sectionId)) throw data({ reason: 'forbidden' }, { status: 403 })
  if (submission.status !== 'success') return data({ member, values, timeZone, marks: null }, { status: 400 })
  const marks = await listMemberMarks(db, { memberId: member.id, from: submission.value.from, to: submission.value.to, timeZone })
  return { member, values, timeZone, marks }
}

export default function MemberAttendance({ loaderData }: Route.ComponentProps) {
  const { member, values, timeZone, marks } = loaderData
  const back = `${href('/portal/attendance')}?${new URLSearchParams(values)}`
  const counts = { present: 0, late: 0, excused: 0, absent: 0 }
  for (const mark of marks ?? []) counts[mark.status] += 1
  const rate = attendanceRate({ ...counts, marked: marks?.length ?? 0 })
  return (
    <article className="max-w-3xl space-y-6">
      <p>
        <BackLink to={back}>Attendance</BackLink>
      </p>
      <header className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-stone-600">
          Attendance{member.sectionName ? ` · ${member.sectionName}` : ''}
        </p>
        <h1 className="text-3xl font-bold tracking-tight">{member.name}</h1>
        <p className="text-stone-700">
          {member.instrumentName ?? 'No instrument'} · from {values.from} to {values.to}
        </p>
      </header>
      {marks === null ? (
        <p role="alert" className="rounded border border-red-300 bg-red-50 px-4 py-3 text-red-900">
          Those dates do not make a range of two years or less. <Link to={back} className="underline">Choose the range again</Link>.
        </p>
      ) : marks.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">No attendance marked for {member.name} in this range.</p>
      ) : (
        <>
          <p className="text-lg">
            Rate <strong>{formatRate(rate)}</strong> over {marks.length} marked {marks.length === 1 ? 'event' : 'events'}: {counts.present} present,{' '}
            {counts.late} late, {counts.excused} excused, {counts.absent} absent.
          </p>
          <ol className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
            {marks.map((mark) => (
              <li key={mark.eventId} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 p-3">
                <span>
                  <Link to={href('/portal/events/:eventId', { eventId: mark.eventId })} className="font-medium text-brand-800 underline">
                    {mark.title}
                  </Link>
                  <span className="block text-sm text-stone-700">
                    <time dateTime={new Date(mark.startsAt).toISOString()}>{formatEventDate(new Date(mark.startsAt), timeZone)}</time> · {mark.kind}
                  </span>
                </span>
                <span className={`rounded-full px-2.5 py-0.5 text-sm font-semibold ${STATUS_TONES[mark.status]}`}>{ATTENDANCE_LABELS[mark.status]}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </article>
  )
}

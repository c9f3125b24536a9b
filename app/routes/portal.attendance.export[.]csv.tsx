import { authoriseHistory } from '#app/modules/events/attendance-access.server.ts'
import { listMarksForExport, toCsv } from '#app/modules/events/attendance-history.server.ts'
import { ATTENDANCE_LABELS } from '#app/modules/events/attendance-schema.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/portal.attendance.export[.]csv'

/** The history's range as a spreadsheet: one row per mark. */
export async function loader(args: Route.LoaderArgs) {
  const { reach, timeZone, submission } = await authoriseHistory(args)
  if (submission.status !== 'success') {
    const errors = Object.values(submission.error ?? {}).flat().join(' ')
    return new Response(`The range is not valid: ${errors}\n`, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  }
  const { db } = args.context.get(runtimeContext)
  const rows = await listMarksForExport(db, { range: submission.value, reach, timeZone })
  const csv = toCsv(
    ['Date', 'Event', 'Kind', 'Member', 'Section', 'Mark', 'Marked by'],
    rows.map((row) => [row.startsAt, row.title, row.kind, row.name, row.sectionName, ATTENDANCE_LABELS[row.status], row.markedBy]),
  )
  const { from, to } = submission.value
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="attendance-${from}-to-${to}.csv"`,
    },
  })
}

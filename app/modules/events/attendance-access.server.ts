import { parseWithZod } from '@conform-to/zod/v4'
import type { RouterContextProvider } from 'react-router'
import { requirePermission, requireSectionPermission, requireUser } from '#app/modules/identity/auth.server.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import { getBandProfile } from '#app/modules/settings/band-profile.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { AttendanceRangeSchema, attendanceReach, defaultRange, reachesAnyone, reachesSection } from './attendance-schema.ts'

type Args = { request: Request; context: Readonly<RouterContextProvider> }

/**
 * The history pages and the export share one gate: directors read
 * everyone's attendance, section leaders their own sections' (a section
 * asked for by `?section=` must be theirs: 403 otherwise), nobody else.
 * Then the range from the query, with the last three months by default.
 */
export async function authoriseHistory(args: Args) {
  const user = requireUser(args)
  const reach = attendanceReach(user.grants)
  if (!reachesAnyone(reach)) requirePermission(args, 'attendance.mark')
  const { db } = args.context.get(runtimeContext)
  const [band, sections] = await Promise.all([getBandProfile(db), listSections(db)])
  const params = new URL(args.request.url).searchParams
  const defaults = defaultRange(new Date(), band.timeZone)
  const values = {
    from: params.get('from') || defaults.from,
    to: params.get('to') || defaults.to,
    ...(params.get('section') ? { section: params.get('section') ?? '' } : {}),
  }
  const submission = parseWithZod(new URLSearchParams(values), { schema: AttendanceRangeSchema })
  const section = submission.status === 'success' ? submission.value.section : undefined
  if (section) requireSectionPermission(args, 'attendance.mark.section', section)
  return {
    user,
    reach,
    timeZone: band.timeZone,
    values,
    submission,
    pickable: sections.filter((candidate) => reachesSection(reach, candidate.id)),
  }
}

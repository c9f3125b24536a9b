import { requireGrants } from '#app/modules/identity/auth.server.ts'
import { visibleSections } from '#app/modules/identity/permissions.ts'
import { mayViewRoster } from '#app/modules/members/access.ts'
import { toCsv } from '#app/modules/members/csv-export.ts'
import { todayIn } from '#app/modules/members/member-record.server.ts'
import { rosterForExport } from '#app/modules/members/roster.server.ts'
import { RosterQuerySchema } from '#app/modules/members/schema.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/admin.members.export[.csv]'

/** The roster as it is filtered on /admin/members, as CSV; a section leader gets their section only. */
export async function loader(args: Route.LoaderArgs) {
  const user = requireGrants(args, mayViewRoster, 'member.view.all | member.view.section')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const query = RosterQuerySchema.parse(Object.fromEntries(new URL(args.request.url).searchParams))
  const [rows, band] = await Promise.all([
    rosterForExport(
      db,
      { q: query.q || undefined, section: query.section, instrument: query.instrument, status: query.status, kind: query.kind, visible: visibleSections(user.grants) },
      query.sort,
    ),
    bandProfile(runtime),
  ])
  const csv = toCsv(
    ['first_name', 'last_name', 'preferred_name', 'email', 'phone', 'section', 'instrument', 'chair', 'status', 'kind', 'joined_on', 'account'],
    rows.map((row) => [row.firstName, row.lastName, row.preferredName, row.email, row.phone, row.section, row.instrument, row.chair, row.status, row.kind, row.joinedOn, row.account]),
  )
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="members-${todayIn(band.timeZone)}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}

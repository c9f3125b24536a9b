import { Form, href, Link } from 'react-router'
import { AccountBadge, Badge, buttonLink, primaryLink, StatusBadge } from '#app/components/member-ui.tsx'
import { requireGrants } from '#app/modules/identity/auth.server.ts'
import { can, canAny, visibleSections } from '#app/modules/identity/permissions.ts'
import { mayViewRoster } from '#app/modules/members/access.ts'
import { listInstruments } from '#app/modules/members/member-record.server.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import { countRoster, decodeCursor, listRoster, type RosterFilters } from '#app/modules/members/roster.server.ts'
import { KIND_LABELS, MEMBER_KINDS, MEMBER_STATUSES, RosterQuerySchema, rosterParams, STATUS_LABELS } from '#app/modules/members/schema.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/admin.members._index'

export const meta: Route.MetaFunction = () => [{ title: 'Members' }]

const PAGE_SIZE = 50

export async function loader(args: Route.LoaderArgs) {
  const user = requireGrants(args, mayViewRoster, 'member.view.all | member.view.section')
  const { db } = args.context.get(runtimeContext)
  const query = RosterQuerySchema.parse(Object.fromEntries(new URL(args.request.url).searchParams))
  const visible = visibleSections(user.grants)
  const filters: RosterFilters = { q: query.q || undefined, section: query.section, instrument: query.instrument, status: query.status, kind: query.kind, visible }
  const [page, counts, sections, instruments] = await Promise.all([
    listRoster(db, filters, { sort: query.sort, after: decodeCursor(query.sort, query.after), before: decodeCursor(query.sort, query.before), limit: PAGE_SIZE }),
    countRoster(db, filters),
    listSections(db),
    listInstruments(db),
  ])
  const shownSections = visible === 'all' ? sections : sections.filter((section) => visible.includes(section.id))
  return {
    query: { ...query, after: undefined, before: undefined },
    page,
    counts,
    sections: shownSections,
    instruments: visible === 'all' ? instruments : instruments.filter((instrument) => instrument.sectionId && visible.includes(instrument.sectionId)),
    ownSectionsOnly: visible !== 'all',
    mayEdit: can(user.grants, 'member.edit'),
    mayManageAccounts: canAny(user.grants, ['user.invite', 'user.manage']),
  }
}

const selectClass = 'block min-h-11 w-full rounded border border-stone-400 bg-white px-3 py-2'

export default function Roster({ loaderData }: Route.ComponentProps) {
  const { query, page, counts, sections, instruments } = loaderData
  const kept = rosterParams(query)
  const total = query.status ? counts[query.status] : Object.values(counts).reduce((sum, count) => sum + count, 0)
  const filtered = Boolean(query.q || query.section || query.instrument || query.status || query.kind)
  const pageLink = (cursor: { after: string } | { before: string }) => `?${new URLSearchParams([...kept, ...Object.entries(cursor)])}`
  const exportLink = `${href('/admin/members/export.csv')}${kept.size ? `?${kept}` : ''}`
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-3xl font-bold tracking-tight">Members</h1>
          <p className="text-stone-700">
            {loaderData.ownSectionsOnly ? 'The members of your section, ' : 'Everyone in the band, '}with or without an account.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {loaderData.mayEdit ? (
            <>
              <Link to={href('/admin/members/new')} className={primaryLink}>Add a member</Link>
              <Link to={href('/admin/members/import')} className={buttonLink}>Import from CSV</Link>
            </>
          ) : null}
          <a href={exportLink} className={buttonLink} download>Export CSV</a>
          {loaderData.mayManageAccounts ? <Link to={href('/admin/members/accounts')} className={buttonLink}>Accounts</Link> : null}
        </div>
      </header>

      <Form method="get" role="search" aria-label="Find members" className="grid grid-cols-2 gap-3 rounded-lg border border-stone-200 bg-white p-4 lg:grid-cols-6">
        <div className="col-span-2 space-y-1">
          <label htmlFor="roster-q" className="block text-sm font-medium">Name</label>
          <input id="roster-q" name="q" type="search" defaultValue={query.q ?? ''} maxLength={100} className={selectClass} placeholder="First, last or preferred name" />
        </div>
        <div className="space-y-1">
          <label htmlFor="roster-section" className="block text-sm font-medium">Section</label>
          <select id="roster-section" name="section" defaultValue={query.section ?? ''} className={selectClass}>
            <option value="">{loaderData.ownSectionsOnly ? 'My sections' : 'All sections'}</option>
            {sections.map((section) => <option key={section.id} value={section.id}>{section.name}</option>)}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="roster-instrument" className="block text-sm font-medium">Instrument</label>
          <select id="roster-instrument" name="instrument" defaultValue={query.instrument ?? ''} className={selectClass}>
            <option value="">Any instrument</option>
            {instruments.map((instrument) => <option key={instrument.id} value={instrument.id}>{instrument.name}</option>)}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="roster-status" className="block text-sm font-medium">Status</label>
          <select id="roster-status" name="status" defaultValue={query.status ?? ''} className={selectClass}>
            <option value="">Any status</option>
            {MEMBER_STATUSES.map((status) => <option key={status} value={status}>{STATUS_LABELS[status]}</option>)}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="roster-kind" className="block text-sm font-medium">Kind</label>
          <select id="roster-kind" name="kind" defaultValue={query.kind ?? ''} className={selectClass}>
            <option value="">Any kind</option>
            {MEMBER_KINDS.map((kind) => <option key={kind} value={kind}>{KIND_LABELS[kind]}s</option>)}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="roster-sort" className="block text-sm font-medium">Sort by</label>
          <select id="roster-sort" name="sort" defaultValue={query.sort} className={selectClass}>
            <option value="name">Name</option>
            <option value="section">Section and chair</option>
            <option value="joined">Joined date</option>
          </select>
        </div>
        <div className="col-span-2 flex items-end gap-3 lg:col-span-5">
          <button type="submit" className="min-h-11 rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">Show</button>
          {filtered ? <Link to={href('/admin/members')} className="inline-flex min-h-11 items-center text-brand-800 underline">Clear filters</Link> : null}
        </div>
      </Form>

      <section aria-labelledby="roster-count" className="space-y-3">
        <h2 id="roster-count" className="text-lg font-semibold">
          {total === 1 ? '1 member matches' : `${total} members match`}
        </h2>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-stone-700" aria-label="By status">
          {MEMBER_STATUSES.map((status) => (
            <li key={status}>
              <Link className="inline-flex min-h-11 items-center underline" to={`?${withParam(kept, 'status', status)}`} aria-current={query.status === status ? 'true' : undefined}>
                {STATUS_LABELS[status]}: {counts[status]}
              </Link>
            </li>
          ))}
        </ul>

        {page.rows.length === 0 ? (
          <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
            No members match. {filtered ? <Link to={href('/admin/members')} className="text-brand-800 underline">Show everyone</Link> : null}
          </p>
        ) : (
          <div className="overflow-hidden rounded-lg border border-stone-200 bg-white">
            <table className="w-full text-left">
              <caption className="sr-only">Members{filtered ? ' matching the filters' : ''}</caption>
              <thead className="hidden border-b border-stone-200 bg-stone-50 text-sm text-stone-700 md:table-header-group">
                <tr>
                  <th scope="col" className="px-4 py-2 font-semibold">Name</th>
                  <th scope="col" className="px-4 py-2 font-semibold">Section · instrument · chair</th>
                  <th scope="col" className="px-4 py-2 font-semibold">Status</th>
                  <th scope="col" className="px-4 py-2 font-semibold">Account</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-200">
                {page.rows.map((member) => (
                  <tr key={member.id} className="block px-4 py-3 md:table-row md:p-0">
                    <th scope="row" className="block text-left font-normal md:table-cell md:px-4 md:py-3">
                      <Link to={href('/admin/members/:memberId', { memberId: member.id })} className="inline-flex min-h-11 items-center text-lg font-semibold text-brand-800 underline md:min-h-0">
                        {member.firstName} {member.lastName}
                      </Link>
                      {member.preferredName && member.preferredName !== member.firstName ? <span className="ml-2 text-stone-700">“{member.preferredName}”</span> : null}
                      {member.kind !== 'member' ? <span className="ml-2"><Badge>{KIND_LABELS[member.kind]}</Badge></span> : null}
                    </th>
                    <td className="block text-stone-800 md:table-cell md:px-4 md:py-3">
                      {member.instrument ? (
                        <>
                          {member.section ?? 'No section'} · {member.instrument}
                          {member.chair ? ` · chair ${member.chair}` : ''}
                        </>
                      ) : (
                        <span className="text-stone-600">No instrument yet</span>
                      )}
                    </td>
                    <td className="inline-block py-1 pr-3 md:table-cell md:px-4 md:py-3">
                      <StatusBadge status={member.status} />
                    </td>
                    <td className="inline-block py-1 md:table-cell md:px-4 md:py-3">
                      <AccountBadge state={member.account} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {page.previous || page.next ? (
          <nav aria-label="Pages" className="flex gap-3">
            {page.previous ? <Link to={pageLink({ before: page.previous })} className={buttonLink} rel="prev">Previous</Link> : null}
            {page.next ? <Link to={pageLink({ after: page.next })} className={buttonLink} rel="next">Next</Link> : null}
          </nav>
        ) : null}
      </section>
    </div>
  )
}

function withParam(params: URLSearchParams, name: string, value: string): URLSearchParams {
  const copy = new URLSearchParams(params)
  copy.set(name, value)
  return copy
}

import { href, Link } from 'react-router'

/** For directors and librarians: where to change this event (kept apart from the members' part of the page). */
export type ManageRights = { edit: boolean; setList: boolean; coverage: boolean; attendance: boolean }

export function ManageLinks({ eventId, seriesId, cancelled, edit, setList, coverage, attendance }: { eventId: string; seriesId: string | null; cancelled: boolean } & ManageRights) {
  const links = [
    ...(edit ? [{ to: href('/portal/events/:eventId/edit', { eventId }), label: 'Edit' }] : []),
    ...(setList ? [{ to: href('/portal/events/:eventId/set-list', { eventId }), label: 'Set list' }] : []),
    ...(edit ? [{ to: href('/portal/events/:eventId/cancel', { eventId }), label: cancelled ? 'Restore event' : 'Cancel event' }] : []),
    ...(edit && seriesId ? [{ to: href('/portal/events/series/:seriesId', { seriesId }), label: 'Series' }] : []),
    ...(coverage ? [{ to: href('/portal/events/:eventId/coverage', { eventId }), label: 'Coverage' }] : []),
    ...(attendance ? [{ to: href('/portal/events/:eventId/attendance', { eventId }), label: 'Take attendance' }] : []),
  ]
  return (
    <nav aria-labelledby="manage-heading" className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-brand-100 bg-brand-50 px-4 py-2">
      <h2 id="manage-heading" className="text-sm font-semibold uppercase tracking-wide text-brand-900">Manage</h2>
      <ul className="flex flex-wrap gap-2">
        {links.map((link) => (
          <li key={link.label}>
            <Link to={link.to} className="inline-flex min-h-11 items-center rounded px-3 font-semibold text-brand-800 underline hover:bg-white">
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

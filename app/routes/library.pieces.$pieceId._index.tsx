import { Form, href, Link } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'
import { primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { requireAnyPermission } from '#app/modules/identity/auth.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { libraryReach } from '#app/modules/library/access.server.ts'
import { listDeletedParts, listPieceParts } from '#app/modules/library/parts.server.ts'
import { performanceHistory } from '#app/modules/library/performance-history.server.ts'
import { ARRANGER_ROLE_LABELS, formatDuration, OWNERSHIP_LABELS, PARTS_STATUS_LABELS, PHYSICAL_SIZE_LABELS } from '#app/modules/library/piece-schema.ts'
import { getPiece, isOverdue } from '#app/modules/library/pieces.server.ts'
import { todayIn } from '#app/modules/members/member-record.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import type { Route } from './+types/library.pieces.$pieceId._index'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `${loaderData.piece.title} · Music library` : 'Piece' }]

export async function loader(args: Route.LoaderArgs) {
  const user = requireAnyPermission(args, ['music.view.all', 'music.view.assigned'])
  const reach = libraryReach(user)
  const runtime = args.context.get(runtimeContext)
  const band = await bandProfile(runtime)
  // Not on the musician's set lists: a 404, so the page does not tell them the piece exists.
  const piece = reach ? await getPiece(runtime.db, args.params.pieceId, reach, band.timeZone) : undefined
  if (!piece || !reach) notFound('There is no such piece, or it is not on your set lists.')
  const librarian = reach.kind === 'all'
  const mayEdit = can(user.grants, 'music.edit')
  const [parts, deletedParts, history] = await Promise.all([
    listPieceParts(runtime.db, piece.id, reach),
    mayEdit ? listDeletedParts(runtime.db, piece.id) : [],
    performanceHistory(runtime.db, piece.id),
  ])
  const today = todayIn(band.timeZone)
  // What only librarians keep: where it sits, whose it is, their notes.
  const shown = librarian
    ? piece
    : { ...piece, shelfLocation: null, ownership: 'owned' as const, lender: null, rentalDueOn: null, notes: null, missingParts: null, createdBy: null, lastChangedBy: null }
  return {
    piece: shown,
    librarian,
    overdue: librarian && isOverdue(piece, today),
    parts,
    deletedParts,
    history,
    timeZone: band.timeZone,
    may: { edit: mayEdit, delete: can(user.grants, 'music.delete'), upload: can(user.grants, 'music.upload') },
  }
}

/** Like secondaryButton, in red: it leads to the delete confirmation. */
const deleteButton = 'inline-flex min-h-11 items-center rounded border border-red-700 bg-white px-4 py-2 font-semibold text-red-800 hover:bg-red-50'

/** A composer or arranger: a link to their page for those who may edit the catalogue (nobody else may open it). */
function Person({ name, personId }: { name: string; personId: string | null }) {
  if (!personId) return <>{name}</>
  return <Link className="text-brand-800 underline" to={href('/library/people/:personId', { personId })}>{name}</Link>
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  if (children === null || children === undefined || children === '') return null
  return (
    <div className="border-b border-stone-100 py-2 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="font-medium text-stone-700">{label}</dt>
      <dd className="sm:col-span-2">{children}</dd>
    </div>
  )
}

export default function PiecePage({ loaderData }: Route.ComponentProps) {
  const { piece, parts, history, deletedParts, may, librarian } = loaderData
  const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: loaderData.timeZone })
  const partsUrl = href('/library/pieces/:pieceId/parts', { pieceId: piece.id })
  return (
    <div className="space-y-8">
      <p>
        <BackLink to={href('/library')}>Catalogue</BackLink>
      </p>
      <header className="space-y-2">
        {piece.libraryNumber ? <p className="font-mono text-sm text-stone-700">{piece.libraryNumber}</p> : null}
        <h1 className="text-3xl font-bold tracking-tight">{piece.title}</h1>
        {piece.subtitle ? <p className="text-lg text-stone-700">{piece.subtitle}</p> : null}
        <p className="text-lg text-stone-800">
          {piece.composer ? <Person name={piece.composer} personId={may.edit ? piece.composerId : null} /> : 'Composer unknown'}
          {piece.arranger ? (
            <> · {ARRANGER_ROLE_LABELS[piece.arrangerRole].toLowerCase()} <Person name={piece.arranger} personId={may.edit ? piece.arrangerId : null} /></>
          ) : null}
        </p>
        {may.edit || may.delete || may.upload ? (
          <div className="flex flex-wrap gap-3 pt-2">
            {may.edit ? <Link to={href('/library/pieces/:pieceId/edit', { pieceId: piece.id })} className={primaryButton}>Edit the piece</Link> : null}
            {may.upload ? <Link to={`${href('/library/upload')}?${new URLSearchParams({ piece: piece.id })}`} className={secondaryButton}>Upload parts</Link> : null}
            {may.delete ? <Link to={href('/library/pieces/:pieceId/delete', { pieceId: piece.id })} className={deleteButton}>Delete…</Link> : null}
          </div>
        ) : null}
      </header>

      <section aria-labelledby="details-heading" className="rounded-lg border border-stone-200 bg-white p-4 sm:p-5">
        <h2 id="details-heading" className="text-xl font-semibold">Details</h2>
        <dl className="mt-2">
          <Fact label="Filed under">{piece.sortTitle !== piece.title ? piece.sortTitle : null}</Fact>
          <Fact label="Also known as">{piece.alternateTitles.length ? piece.alternateTitles.join('; ') : null}</Fact>
          <Fact label="Publisher">{[piece.publisher, piece.edition, piece.year].filter(Boolean).join(', ')}</Fact>
          <Fact label="Genre">{piece.genre}</Fact>
          <Fact label="Tags">{piece.tags.length ? piece.tags.join(', ') : null}</Fact>
          <Fact label="Grade">{piece.grade ? `${Number(piece.grade)}${piece.gradeSource ? ` (graded by ${piece.gradeSource})` : ''}` : null}</Fact>
          <Fact label="Duration">{formatDuration(piece.durationSeconds)}</Fact>
          <Fact label="Instrumentation">{piece.instrumentation ? <span className="font-mono">{piece.instrumentation}</span> : null}</Fact>
          <Fact label="Ensemble">{piece.ensemble}</Fact>
          <Fact label="Size">{piece.physicalSize ? PHYSICAL_SIZE_LABELS[piece.physicalSize] : null}</Fact>
          {librarian ? (
            <>
              <Fact label="Shelf location">{piece.shelfLocation}</Fact>
              <Fact label="Ownership">
                {OWNERSHIP_LABELS[piece.ownership]}
                {piece.lender ? ` from ${piece.lender}` : ''}
                {piece.rentalDueOn ? `, due back ${piece.rentalDueOn}` : ''}
                {loaderData.overdue ? <span className="ml-2 rounded bg-red-100 px-2 py-0.5 text-sm font-semibold text-red-900">Overdue</span> : null}
              </Fact>
              <Fact label="Parts">
                {PARTS_STATUS_LABELS[piece.partsStatus]}
                {piece.missingParts ? `: missing ${piece.missingParts}` : ''}
              </Fact>
              <Fact label="Notes">{piece.notes ? <span className="whitespace-pre-line">{piece.notes}</span> : null}</Fact>
              <Fact label="Added">{`${date.format(new Date(piece.createdAt))}${piece.createdBy ? ` by ${piece.createdBy}` : ''}`}</Fact>
              <Fact label="Last changed">{`${date.format(new Date(piece.updatedAt))}${piece.lastChangedBy ? ` by ${piece.lastChangedBy}` : ''}`}</Fact>
            </>
          ) : null}
        </dl>
      </section>

      <section aria-labelledby="parts-heading" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="parts-heading" className="text-xl font-semibold">{librarian ? 'Parts' : 'Your parts'}</h2>
          {may.edit ? <Link to={partsUrl} className={secondaryButton}>Add or change parts</Link> : null}
        </div>
        {parts.length === 0 ? (
          <p className="text-stone-700">{librarian ? 'No parts yet. Add them, or upload their files.' : 'There is no part for your instrument in this piece.'}</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
            <table className="w-full text-left">
              <thead className="bg-stone-50">
                <tr>
                  <th scope="col" className="px-3 py-2">Part</th>
                  <th scope="col" className="hidden px-3 py-2 sm:table-cell">Instrument</th>
                  <th scope="col" className="hidden px-3 py-2 sm:table-cell">Chairs</th>
                  <th scope="col" className="px-3 py-2">File</th>
                </tr>
              </thead>
              <tbody>
                {parts.map((part) => (
                  <tr key={part.id} className="border-t border-stone-100">
                    <th scope="row" className="px-3 py-1 font-medium">
                      <Link className="inline-flex min-h-11 items-center text-brand-800 underline" to={href('/library/pieces/:pieceId/parts/:partId', { pieceId: piece.id, partId: part.id })}>{part.label}</Link>
                      <span className="-mt-2 block pb-1 text-sm font-normal text-stone-700 sm:hidden">
                        {part.instrument}
                        {part.chairs.length ? ` · ${part.chairs.length > 1 ? 'chairs' : 'chair'} ${part.chairs.join(' & ')}` : ''}
                      </span>
                    </th>
                    <td className="hidden px-3 py-1 sm:table-cell">{part.instrument}</td>
                    <td className="hidden px-3 py-1 sm:table-cell">{part.chairs.length ? part.chairs.join(' & ') : '—'}</td>
                    <td className="px-3 py-1 text-stone-800">
                      {part.pages ? <span className="whitespace-nowrap">{`${part.pages} page${part.pages === 1 ? '' : 's'}`}</span> : <span className="text-stone-600">No file yet</span>}
                      {(part.versions ?? 0) > 1 ? <span className="whitespace-nowrap">{` · ${part.versions} versions`}</span> : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {deletedParts.length ? (
          <details className="rounded-lg border border-stone-200 bg-white p-4">
            <summary className="min-h-11 cursor-pointer font-semibold">Deleted parts ({deletedParts.length})</summary>
            <ul className="mt-2 space-y-2">
              {deletedParts.map((part) => (
                <li key={part.id} className="flex flex-wrap items-center gap-3">
                  <span>{part.label} ({part.instrument})</span>
                  <Form method="post" action={partsUrl}>
                    <input type="hidden" name="intent" value="restore" />
                    <input type="hidden" name="partId" value={part.id} />
                    <button type="submit" className={secondaryButton}>Restore {part.label}</button>
                  </Form>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      <section aria-labelledby="history-heading" className="space-y-3">
        <h2 id="history-heading" className="text-xl font-semibold">Performance history</h2>
        {history.length === 0 ? (
          <p className="text-stone-700">Not on the set list of any past event yet.</p>
        ) : (
          <ul className="space-y-1">
            {history.map((event) => (
              <li key={event.eventId}>
                <time dateTime={new Date(event.startsAt).toISOString()} className="text-stone-700">{date.format(new Date(event.startsAt))}</time>{' '}
                <Link className="text-brand-800 underline" to={href('/portal/events/:eventId', { eventId: event.eventId })}>{event.title}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}

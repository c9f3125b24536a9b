import { Form, href, Link } from 'react-router'
import { Badge } from '#app/components/member-ui.tsx'
import { primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { requireAnyPermission } from '#app/modules/identity/auth.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { libraryReach } from '#app/modules/library/access.server.ts'
import { GRADES, isFiltered, LIBRARY_SORTS, libraryParams, OWNERSHIP_LABELS, OWNERSHIPS, PAGE_SIZE, parseLibraryQuery, SORT_LABELS } from '#app/modules/library/search-schema.ts'
import { searchChoices, searchPieces } from '#app/modules/library/search.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/library._index'

export const meta: Route.MetaFunction = () => [{ title: 'Music library' }]

export async function loader(args: Route.LoaderArgs) {
  const user = requireAnyPermission(args, ['music.view.all', 'music.view.assigned'])
  const runtime = args.context.get(runtimeContext)
  const { query, problems } = parseLibraryQuery(new URL(args.request.url).searchParams)
  const reach = libraryReach(user)
  const { timeZone } = await bandProfile(runtime)
  const [page, choices] = reach
    ? await Promise.all([searchPieces(runtime.db, { reach, timeZone, query }), searchChoices(runtime.db, { reach, timeZone, composerId: query.composerId })])
    : [{ pieces: [], next: null, cursorIgnored: false }, { genres: [], ensembles: [], composer: null }]
  return {
    query: { ...query, after: undefined },
    firstPage: !query.after || page.cursorIgnored,
    problems: page.cursorIgnored ? { ...problems, after: 'That page link was not valid: showing the first page' } : problems,
    page,
    choices,
    seesAll: reach?.kind === 'all',
    mayEdit: can(user.grants, 'music.edit'),
    mayUpload: can(user.grants, 'music.upload'),
  }
}

const controlClass = 'block min-h-11 w-full rounded border border-stone-400 bg-white px-3 py-2'
const labelClass = 'block text-sm font-medium'

// Slice B's piece pages and slice D1's upload page (not typed routes in this branch yet).
const piecePath = (pieceId: string) => href('/library/pieces/:pieceId', { pieceId })

export default function LibrarySearch({ loaderData }: Route.ComponentProps) {
  const { query, page, choices, problems } = loaderData
  const kept = libraryParams(query)
  const filtered = isFiltered(query)
  const next = page.next ? `?${new URLSearchParams([...kept, ['after', page.next]])}` : null
  const firstPage = `?${kept}`
  const problemList = Object.values(problems)
  // Filters beyond the search words and the sort: counted on the (closed) filter panel of a phone.
  const activeFilters = [query.composerId ?? query.composer, query.genre, query.gradeMin, query.gradeMax, query.ensemble, query.ownership, query.hasParts || undefined, query.missingParts || undefined].filter(
    (value) => value !== undefined && value !== null && value !== '',
  ).length
  // On a phone the panel stays folded so the results come first; it opens when the filters found nothing, to widen them.
  const unfold = activeFilters > 0 && page.pieces.length === 0
  // The whole result is on this page: say how many there are.
  const count = loaderData.firstPage && !next ? page.pieces.length : null
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-3xl font-bold tracking-tight">Music library</h1>
          <p className="text-stone-700">{loaderData.seesAll ? 'The band’s whole catalogue.' : 'The pieces on the set lists of your upcoming events.'}</p>
        </div>
        {loaderData.mayEdit || loaderData.mayUpload ? (
          <div className="flex flex-wrap gap-2">
            {loaderData.mayEdit ? <a href={href('/library/pieces/new')} className={primaryButton}>Add a piece</a> : null}
            {loaderData.mayUpload ? <a href={href('/library/upload')} className={secondaryButton}>Upload parts</a> : null}
          </div>
        ) : null}
      </header>

      {problemList.length ? (
        <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950">
          <p className="font-semibold">Part of this search was left out:</p>
          <ul className="list-disc pl-5">
            {problemList.map((problem) => <li key={problem}>{problem}</li>)}
          </ul>
        </div>
      ) : null}

      <Form method="get" role="search" aria-label="Search the catalogue" className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <div className="space-y-2 lg:col-span-2">
          <label htmlFor="library-q" className="block font-medium">Search title, composer, arranger, publisher or tags</label>
          <div className="flex gap-2">
            <input id="library-q" name="q" type="search" defaultValue={query.q ?? ''} maxLength={200} className={controlClass} placeholder="e.g. sousa stars stripes" />
            <button type="submit" className="min-h-11 shrink-0 rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">Search</button>
          </div>
        </div>

        <details
          className="group h-fit rounded-lg border border-stone-200 bg-white p-4 lg:[&::details-content]:block lg:[&::details-content]:[content-visibility:visible]"
          open={unfold || undefined}
        >
          <summary className="flex min-h-11 cursor-pointer items-center gap-2 font-semibold list-none lg:pointer-events-none lg:cursor-auto [&::-webkit-details-marker]:hidden">
            <span aria-hidden="true" className="text-sm text-stone-600 group-open:rotate-90 lg:hidden">▶</span>
            Filters and sorting
            {activeFilters ? <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-semibold text-brand-900">{activeFilters} on</span> : null}
          </summary>
          <div className="mt-3 space-y-4">
            <div className="space-y-1">
              <label htmlFor="library-composer" className={labelClass}>Composer</label>
              {choices.composer ? (
                <p className="text-sm">
                  <input type="hidden" name="composerId" value={choices.composer.id} />
                  {choices.composer.name}{' '}
                  <Link to={`?${withoutParam(kept, 'composerId')}`} className="text-brand-800 underline">any composer</Link>
                </p>
              ) : null}
              <input id="library-composer" name="composer" defaultValue={query.composer ?? ''} maxLength={100} className={controlClass} placeholder="Name or part of it" />
            </div>
            <div className="space-y-1">
              <label htmlFor="library-genre" className={labelClass}>Genre</label>
              <select id="library-genre" name="genre" defaultValue={query.genre ?? ''} className={controlClass}>
                <option value="">Any genre</option>
                {choices.genres.map((genre) => <option key={genre} value={genre}>{genre}</option>)}
              </select>
            </div>
            <fieldset className="space-y-1">
              <legend className={labelClass}>Grade</legend>
              <div className="grid grid-cols-2 gap-2">
                <div>
                  <label htmlFor="library-grade-min" className="block text-sm text-stone-700">From</label>
                  <select id="library-grade-min" name="gradeMin" defaultValue={query.gradeMin ?? ''} className={controlClass}>
                    <option value="">Any</option>
                    {GRADES.map((grade) => <option key={grade} value={grade}>{grade}</option>)}
                  </select>
                </div>
                <div>
                  <label htmlFor="library-grade-max" className="block text-sm text-stone-700">To</label>
                  <select id="library-grade-max" name="gradeMax" defaultValue={query.gradeMax ?? ''} className={controlClass}>
                    <option value="">Any</option>
                    {GRADES.map((grade) => <option key={grade} value={grade}>{grade}</option>)}
                  </select>
                </div>
              </div>
            </fieldset>
            <div className="space-y-1">
              <label htmlFor="library-ensemble" className={labelClass}>Ensemble</label>
              <select id="library-ensemble" name="ensemble" defaultValue={query.ensemble ?? ''} className={controlClass}>
                <option value="">Any ensemble</option>
                {choices.ensembles.map((ensemble) => <option key={ensemble} value={ensemble}>{ensemble}</option>)}
              </select>
            </div>
            <div className="space-y-1">
              <label htmlFor="library-ownership" className={labelClass}>Ownership</label>
              <select id="library-ownership" name="ownership" defaultValue={query.ownership ?? ''} className={controlClass}>
                <option value="">Any</option>
                {OWNERSHIPS.map((ownership) => <option key={ownership} value={ownership}>{OWNERSHIP_LABELS[ownership]}</option>)}
              </select>
            </div>
            <div className="space-y-1">
              <label className="flex min-h-11 items-center gap-3">
                <input type="checkbox" name="hasParts" defaultChecked={query.hasParts} className="size-5" />
                Has part files
              </label>
              <label className="flex min-h-11 items-center gap-3">
                <input type="checkbox" name="missingParts" defaultChecked={query.missingParts} className="size-5" />
                Missing parts
              </label>
            </div>
            <div className="space-y-1">
              <label htmlFor="library-sort" className={labelClass}>Sort by</label>
              <select id="library-sort" name="sort" defaultValue={query.sort} className={controlClass}>
                {LIBRARY_SORTS.map((sort) => <option key={sort} value={sort}>{SORT_LABELS[sort]}{sort === 'relevance' ? ' (with a search)' : ''}</option>)}
              </select>
            </div>
            <div className="flex flex-wrap items-center gap-3">
              <button type="submit" className="min-h-11 rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">Show</button>
              {filtered ? <Link to={href('/library')} className="inline-flex min-h-11 items-center text-brand-800 underline">{query.q ? 'Clear search and filters' : 'Clear filters'}</Link> : null}
            </div>
          </div>
        </details>

        <section aria-labelledby="library-results" className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-x-4">
            <h2 id="library-results" className="text-lg font-semibold">{query.q ? `Pieces matching “${query.q}”` : filtered ? 'Pieces matching the filters' : 'All pieces'}</h2>
            {count ? <p className="text-sm text-stone-700">{count === 1 ? '1 piece' : `${count} pieces`}</p> : null}
          </div>
          {page.pieces.length === 0 ? (
            <div className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
              <p className="font-semibold text-stone-900">{filtered ? 'No pieces match.' : loaderData.seesAll ? 'The catalogue is empty.' : 'No music for you yet.'}</p>
              <p>
                {filtered
                  ? 'Check the spelling, use fewer words, or widen the filters.'
                  : loaderData.seesAll
                    ? 'Add a piece or upload its parts to start the catalogue.'
                    : 'Pieces appear here once they are on the set list of an event you play in.'}{' '}
                {filtered ? <Link to={href('/library')} className="text-brand-800 underline">Clear the search and filters</Link> : null}
              </p>
            </div>
          ) : (
            <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
              {page.pieces.map((piece) => (
                <li key={piece.id} className="space-y-1 px-4 py-3">
                  <div className="flex flex-wrap items-baseline gap-x-3">
                    {piece.libraryNumber ? <span className="font-mono text-sm text-stone-700">{piece.libraryNumber}</span> : null}
                    <a href={piecePath(piece.id)} className="inline-flex min-h-11 items-center text-lg font-semibold text-brand-800 underline md:min-h-0">{piece.sortTitle}</a>
                  </div>
                  <p className="text-stone-800">
                    {piece.composer ?? 'Composer unknown'}
                    {piece.arranger ? ` · ${piece.arrangerRole === 'arranger' ? 'arr.' : `${piece.arrangerRole}`} ${piece.arranger}` : ''}
                  </p>
                  <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-stone-700">
                    {piece.grade ? <span>Grade {Number(piece.grade)}</span> : null}
                    {piece.genre ? <span>{piece.genre}</span> : null}
                    <span>{piece.partsCount === 1 ? '1 part' : `${piece.partsCount} parts`}</span>
                    {piece.partsStatus === 'incomplete' ? <Badge>Missing parts</Badge> : null}
                    {!piece.hasFiles ? <Badge>No files yet</Badge> : null}
                    {loaderData.mayEdit && piece.shelfLocation ? <span>Shelf: {piece.shelfLocation}</span> : null}
                  </p>
                </li>
              ))}
            </ul>
          )}
          {next || !loaderData.firstPage ? (
            <nav aria-label="Pages" className="flex flex-wrap gap-3">
              {!loaderData.firstPage ? <Link to={firstPage} className={secondaryButton}>← Back to first page</Link> : null}
              {next ? <Link to={next} className={secondaryButton} rel="next">Next {PAGE_SIZE} →</Link> : null}
            </nav>
          ) : null}
        </section>
      </Form>
    </div>
  )
}

function withoutParam(params: URLSearchParams, name: string): URLSearchParams {
  const copy = new URLSearchParams(params)
  copy.delete(name)
  return copy
}

import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { FormAlert } from '#app/components/forms.tsx'
import { dangerButton, primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { getEvent } from '#app/modules/events/queries.server.ts'
import { changeSetList, getSetList, PieceSearchSchema, searchPieces, SetListFormSchema } from '#app/modules/events/set-list.server.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.events.$eventId_.set-list'
import { hydrated } from '#app/components/hydration.ts'
import { BackLink } from '#app/components/back-link.tsx'

// A director's page with Conform forms: errors clear as you type (ADR 010).
export const handle = hydrated

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Set list: ${loaderData.event.title}` : 'Set list' }]

const NO_EVENT = 'There is no such event. It may have been removed.'
const MATCHES = 20

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'setlist.edit')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const url = new URL(args.request.url)
  const { q } = PieceSearchSchema.parse({ q: url.searchParams.get('q') ?? '' })
  const [event, band] = await Promise.all([getEvent(db, args.params.eventId), bandProfile(runtime)])
  if (!event) notFound(NO_EVENT)
  const [items, matches] = await Promise.all([
    getSetList(db, event.id),
    q ? searchPieces(db, { eventId: event.id, query: q, limit: MATCHES }) : Promise.resolve([]),
  ])
  // "Remove?" asks first: a link shows the question, only its form removes.
  const removing = items.find((item) => item.pieceId === url.searchParams.get('remove')) ?? null
  return { event: { id: event.id, title: event.title, startsAt: event.startsAt }, timeZone: band.timeZone, items, q, matches, removing }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'setlist.edit')
  const runtime = args.context.get(runtimeContext)
  const formData = await args.request.formData()
  const submission = parseWithZod(formData, { schema: SetListFormSchema })
  if (submission.status !== 'success') {
    const message = Object.values(submission.error ?? {}).flat()[0] ?? 'That form was incomplete. Reload the page and try again.'
    return data({ message }, { status: 400 })
  }
  const { eventId } = args.params
  const outcome = await changeSetList(runtime.db, eventId, submission.value, auditContextOf(args, user))
  if (!outcome.ok) {
    if (outcome.status === 404) notFound(NO_EVENT)
    return data({ message: outcome.message }, { status: outcome.status })
  }
  // Back to the same search, so several pieces can be added one after another.
  const q = PieceSearchSchema.parse({ q: formData.get('q') ?? '' }).q
  const page = href('/portal/events/:eventId/set-list', { eventId })
  return redirectWithToast(runtime, q ? `${page}?${new URLSearchParams({ q })}` : page, outcome.message)
}

export default function SetListPage({ loaderData, actionData, params }: Route.ComponentProps) {
  const { event, items, matches, q, removing, timeZone } = loaderData
  const busy = useNavigation().state === 'submitting'
  const page = href('/portal/events/:eventId/set-list', params)
  const back = q ? `${page}?${new URLSearchParams({ q })}` : page
  return (
    <div className="max-w-3xl space-y-8">
      <div className="space-y-4">
        <p>
          <BackLink to={href('/portal/events/:eventId', params)}>{event.title}</BackLink>
        </p>
        <header className="space-y-1">
          <h1 className="text-3xl font-bold tracking-tight">Set list</h1>
          <p className="text-lg text-stone-800">
            {event.title}, {formatEventDate(new Date(event.startsAt), timeZone)}
          </p>
        </header>
      </div>
      {actionData?.message ? <FormAlert>{actionData.message}</FormAlert> : null}

      {removing ? (
        <section aria-labelledby="remove-heading" className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 sm:p-5">
          <h2 id="remove-heading" className="text-xl font-semibold text-red-900">Remove {removing.title} from the set list?</h2>
          <p>The piece stays in the catalogue; only this event’s list changes.</p>
          <Form method="post" action={page} className="flex flex-wrap gap-3">
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="pieceId" value={removing.pieceId} />
            <input type="hidden" name="q" value={q} />
            <button type="submit" className={dangerButton} disabled={busy}>Yes, remove it</button>
            <Link to={back} className={secondaryButton}>Keep it</Link>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="list-heading" className="space-y-3">
        <h2 id="list-heading" className="text-2xl font-semibold">In order</h2>
        {items.length === 0 ? (
          <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">Nothing on the set list yet. Find pieces below.</p>
        ) : (
          <ol className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
            {items.map((item, index) => (
              <li key={item.pieceId} className="space-y-3 p-4">
                <p>
                  <span className="mr-2 font-semibold tabular-nums text-stone-600">{index + 1}.</span>
                  <span className="font-semibold">{item.title}</span>
                  {item.composer ? <span className="text-stone-700"> — {item.composer}</span> : null}
                </p>
                <div className="flex flex-wrap items-end gap-2">
                  <MoveButton pieceId={item.pieceId} title={item.title} direction="up" q={q} disabled={busy || index === 0} />
                  <MoveButton pieceId={item.pieceId} title={item.title} direction="down" q={q} disabled={busy || index === items.length - 1} />
                  <Link to={`${page}?${new URLSearchParams({ ...(q ? { q } : {}), remove: item.pieceId })}`} className={secondaryButton} aria-label={`Remove: ${item.title}`}>
                    Remove
                  </Link>
                </div>
                <Form method="post" className="flex flex-wrap items-end gap-2">
                  <input type="hidden" name="intent" value="note" />
                  <input type="hidden" name="pieceId" value={item.pieceId} />
                  <input type="hidden" name="q" value={q} />
                  <div className="min-w-0 flex-1 space-y-1">
                    <label htmlFor={`note-${item.pieceId}`} className="block text-sm font-medium">
                      Note<span className="sr-only">: {item.title}</span>
                    </label>
                    <input
                      id={`note-${item.pieceId}`}
                      name="note"
                      defaultValue={item.notes ?? ''}
                      maxLength={200}
                      placeholder="e.g. Interval after this piece"
                      className="block min-h-11 w-full rounded border border-stone-400 bg-white px-3 py-2"
                    />
                  </div>
                  <button type="submit" className={secondaryButton} disabled={busy} aria-label={`Save note: ${item.title}`}>
                    Save note
                  </button>
                </Form>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="add-heading" className="space-y-4">
        <h2 id="add-heading" className="text-2xl font-semibold">Add from the catalogue</h2>
        <Form method="get" action={page} className="flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4">
          <div className="min-w-0 flex-1 space-y-1">
            <label htmlFor="piece-search" className="block font-medium">Title or composer</label>
            <input id="piece-search" name="q" type="search" defaultValue={q} maxLength={100} className="block min-h-11 w-full rounded border border-stone-400 bg-white px-3 py-2" />
          </div>
          <button type="submit" className={primaryButton}>Find</button>
        </Form>
        {q ? (
          matches.length === 0 ? (
            <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">No piece in the catalogue matches “{q}”.</p>
          ) : (
            <ul aria-label="Matching pieces" className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
              {matches.map((piece) => (
                <li key={piece.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                  <span>
                    <span className="font-semibold">{piece.title}</span>
                    {piece.composer ? <span className="text-stone-700"> — {piece.composer}</span> : null}
                  </span>
                  {piece.onList ? (
                    <span className="text-sm font-semibold text-stone-600">On the list</span>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="add" />
                      <input type="hidden" name="pieceId" value={piece.id} />
                      <input type="hidden" name="q" value={q} />
                      <button type="submit" className={secondaryButton} disabled={busy} aria-label={`Add: ${piece.title}`}>
                        Add
                      </button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          )
        ) : null}
        {q && matches.length === MATCHES ? <p className="text-sm text-stone-700">Showing the first {MATCHES}; type more of the title to narrow it down.</p> : null}
      </section>
    </div>
  )
}

function MoveButton({ pieceId, title, direction, q, disabled }: { pieceId: string; title: string; direction: 'up' | 'down'; q: string; disabled: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="pieceId" value={pieceId} />
      <input type="hidden" name="direction" value={direction} />
      <input type="hidden" name="q" value={q} />
      <button type="submit" className={`${secondaryButton} disabled:opacity-50`} disabled={disabled} aria-label={`Move ${direction}: ${title}`}>
        <span aria-hidden="true">{direction === 'up' ? '↑' : '↓'}</span>&nbsp;Move {direction}
      </button>
    </Form>
  )
}
